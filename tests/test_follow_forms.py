"""Following by e-mail, the public side: the form on the campaign pages, the timeline and the
appeals page, the double opt-in, leaving (with RFC 8058's one click), and the deletion of
addresses nobody confirmed."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation
from wagtail.models import Locale

from campaigns.followers import keys, subscribe
from campaigns.followers.models import Follower, Mail
from campaigns.models import CampaignPage
from tests.builders import (
    make_appeal_index,
    make_campaign,
    make_campaign_index,
    make_home_page,
    make_timeline_page,
    set_site_settings,
    set_site_text,
    translate,
)
from tests.conftest import kept_for_module
from tests.html import errors_in, parse

pytestmark = pytest.mark.django_db

ADDRESS = "Shirin.Karimi@example.org"
CLIENT = "192.0.2.20"


def build_site():
    """A campaign, the timeline and the appeals page, in English and Persian."""
    home_page = make_home_page(title="Test Organisation")
    set_site_settings(organisation_name="Test Organisation")
    index = make_campaign_index(home_page)
    campaign = make_campaign(index)
    timeline = make_timeline_page(home_page)
    appeals = make_appeal_index(home_page)
    translate(home_page, "fa", title="سازمان آزمایشی")
    translate(index, "fa", title="کارزارها")
    translate(campaign, "fa", title="ارتباط خانوادگی", summary="دربارهٔ ارتباط خانوادگی.")
    translate(timeline, "fa", title="گاه‌شمار")
    translate(appeals, "fa", title="درخواست‌ها")
    return campaign.pk


@pytest.fixture(scope="module")
def site_for_module(request, django_db_setup, django_db_blocker):
    yield from kept_for_module(request, django_db_blocker, build_site)


@pytest.fixture
def site(site_for_module, db):
    """The campaign of build_site's tree, put in once for the module."""
    return CampaignPage.objects.get(pk=site_for_module)


def follow(client, prefix="", address=ADDRESS, client_address=CLIENT, **overrides):
    data = {"email": address, "follow": "all", "language": "en", "frequency": "each"}
    data.update(overrides)
    return client.post(f"{prefix}/follow/", data, REMOTE_ADDR=client_address)


def link(follower, purpose, prefix=""):
    return f"{prefix}/follow/{purpose}/{follower.public_id}/{keys.link_token(follower, purpose)}/"


def the_follower():
    (follower,) = Follower.objects.all()
    return follower


# The form on the pages


@pytest.mark.parametrize(
    "path, choices",
    [
        ("/campaigns/family-contact/", ["{key}", "all"]),
        ("/campaigns/family-contact/timeline/", ["{key}", "all"]),
        ("/timeline/", ["all", "{key}"]),
        ("/appeals/", ["all", "{key}"]),
        ("/fa/campaigns/family-contact/", ["{key}", "all"]),
        ("/fa/timeline/", ["all", "{key}"]),
        ("/fa/appeals/", ["all", "{key}"]),
    ],
)
def test_the_follow_form_is_on_each_page_kind_in_its_language(client, site, path, choices):
    response = client.get(path)

    form = parse(response).select_one("form.follow-form")
    assert form["action"] == ("/fa/follow/" if path.startswith("/fa/") else "/follow/")
    assert form.select_one("input[name=csrfmiddlewaretoken]") is None
    assert not response.cookies
    key = str(site.translation_key)
    offered = [
        option["value"] for option in form.select("[name=follow] option, input[name=follow]")
    ]
    assert offered == [choice.format(key=key) for choice in choices]
    language = form.select_one("input[name=language][checked]")["value"]
    assert language == ("fa" if path.startswith("/fa/") else "en")
    heading = parse(response).select_one("#follow-heading").get_text()
    assert heading == ("دنبال کردن با ایمیل" if path.startswith("/fa/") else "Follow by e-mail")


def test_the_timeline_filtered_by_a_campaign_offers_to_follow_it(client, site):
    response = client.get("/timeline/?campaign=family-contact")

    chosen = parse(response).select_one("select[name=follow] option[selected]")
    assert chosen["value"] == str(site.translation_key)


def test_past_a_few_campaigns_only_the_chosen_one_is_offered_and_any_is_accepted(
    client, site, monkeypatch
):
    monkeypatch.setattr(subscribe, "OFFERED_CAMPAIGNS", 1)
    other = make_campaign(site.get_parent(), "Prisoners")

    def offered(path):
        page = parse(client.get(path))
        return [option["value"] for option in page.select("select[name=follow] option")]

    assert offered("/timeline/") == ["all"]
    assert offered("/timeline/?campaign=family-contact") == ["all", str(site.translation_key)]
    assert follow(client, follow=str(other.translation_key)).status_code == 303
    assert the_follower().campaign_key == other.translation_key


def test_the_follow_page_shows_the_form_with_no_cookie_and_not_for_any_cache(client, site):
    response = client.get(f"/follow/?campaign={site.translation_key}")

    assert response.status_code == 200
    assert not response.cookies
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    chosen = parse(response).select_one("select[name=follow] option[selected]")
    assert chosen["value"] == str(site.translation_key)


def test_the_follow_pages_link_to_themselves_in_the_other_language(client, site):
    follow(client)
    leave = link(the_follower(), "leave")

    for path, other in [("/fa/follow/", "/follow/"), (leave, "/fa" + leave)]:
        language_link = parse(client.get(path)).select_one(".language-links a")
        assert language_link["href"] == other


def test_the_form_is_absent_when_following_is_turned_off(client, site, settings):
    settings.FOLLOW_BY_EMAIL = False

    assert parse(client.get("/timeline/")).select_one("form.follow-form") is None
    assert client.get("/follow/").status_code == 404


# Following


def test_a_post_makes_an_unconfirmed_follower_and_queues_its_confirmation(client, site):
    response = follow(client, follow=str(site.translation_key), frequency="daily")

    assert response.status_code == 303
    assert response["Location"] == "/follow/sent/"
    follower = the_follower()
    assert follower.email == ADDRESS
    assert (follower.campaign_key, follower.language, follower.frequency) == (
        site.translation_key,
        "en",
        "daily",
    )
    assert follower.confirmed_at is None
    assert [mail.kind for mail in follower.mails.all()] == [Mail.Kind.CONFIRM]


def test_no_address_is_stored_in_plain_text(client, site):
    follow(client)

    with connection.cursor() as cursor:
        cursor.execute("SELECT email, address_hash FROM campaigns_follower")
        ((email, address_hash),) = cursor.fetchall()
    assert "example.org" not in email.lower()
    assert "example.org" not in address_hash
    assert address_hash == keys.address_hash(ADDRESS)


def test_the_sent_page_asks_to_check_the_inbox_and_is_not_indexed(client, site):
    response = client.get(follow(client, prefix="/fa")["Location"])

    assert response.status_code == 200
    assert parse(response).select_one("h1").get_text() == "صندوق نامه‌هایتان را ببینید"
    assert response["X-Robots-Tag"] == "noindex"
    assert not response.cookies


def answer(response):
    headers = {name: value for name, value in response.items() if name != "Date"}
    return response.status_code, headers, response.content


def test_the_answer_is_the_same_whether_or_not_the_address_follows(client, site):
    unknown = follow(client, address="new@example.org", client_address="192.0.2.1")
    known_unconfirmed = follow(client, address="new@example.org", client_address="192.0.2.2")
    Follower.objects.update(confirmed_at=timezone.now())
    known_confirmed = follow(client, address="NEW@example.org ", client_address="192.0.2.3")

    assert answer(unknown) == answer(known_unconfirmed) == answer(known_confirmed)
    assert Follower.objects.count() == 1


def test_following_again_changes_nothing_until_confirmed_from_the_mail(client, site):
    follow(client)
    follower = the_follower()
    follower.confirmed_at = timezone.now()
    follower.save()
    follower.mails.update(state=Mail.State.SENT)

    follow(client, language="fa", frequency="daily", client_address="192.0.2.99")

    follower.refresh_from_db()
    assert (follower.language, follower.frequency) == ("en", "each")
    assert follower.mails.filter(state=Mail.State.PENDING).count() == 1
    client.post(link(follower, "confirm"))
    follower.refresh_from_db()
    assert (follower.language, follower.frequency) == ("fa", "daily")


def test_a_waiting_confirmation_is_not_queued_twice(client, site):
    follow(client)
    follow(client, client_address="192.0.2.99")

    assert Mail.objects.count() == 1


def test_a_follower_of_a_campaign_and_of_everything_are_two_followings(client, site):
    follow(client)
    follow(client, follow=str(site.translation_key))

    assert Follower.objects.with_address(ADDRESS).count() == 2


# Mistakes and defences


def test_a_mistake_shows_the_form_again_with_what_was_typed(client, site):
    response = follow(client, address="not an address", frequency="weekly", prefix="/fa")

    assert response.status_code == 400
    page = parse(response)
    summary = [link["href"] for link in page.select(".error-summary a")]
    assert summary == ["#follow-email", "#follow-frequency_0"]
    assert page.select_one("input[name=email]")["value"] == "not an address"
    assert page.select_one("input[name=language][checked]")["value"] == "en"
    assert page.select_one("title").get_text().startswith("خطا")
    assert "no-store" in response["Cache-Control"]
    assert Follower.objects.count() == 0


def test_an_unknown_campaign_is_refused(client, site):
    response = follow(client, follow="00000000-0000-0000-0000-000000000000")

    assert response.status_code == 400
    assert Follower.objects.count() == 0


def test_the_honeypot_answers_as_if_followed_and_keeps_nothing(client, site):
    response = follow(client, website="http://spam.example")

    assert response.status_code == 303
    assert Follower.objects.count() == 0
    assert Mail.objects.count() == 0


def test_a_client_is_refused_after_its_limit_with_what_it_typed(client, site, settings):
    settings.FOLLOW_RATE_LIMIT = 2
    for number in range(2):
        assert follow(client, address=f"person{number}@example.org").status_code == 303

    response = follow(client, address="person9@example.org")

    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.FOLLOW_RATE_WINDOW)
    assert parse(response).select_one("input[name=email]")["value"] == "person9@example.org"
    assert Follower.objects.count() == 2
    assert (
        follow(client, address="person9@example.org", client_address="192.0.2.77").status_code
        == 303
    )


def test_an_address_is_refused_after_its_limit_whatever_the_client(client, site, settings):
    settings.FOLLOW_RATE_LIMIT = 2
    for number in range(2):
        follow(client, client_address=f"192.0.2.{number + 1}")

    response = follow(client, address=ADDRESS.upper(), client_address="192.0.2.50")

    assert response.status_code == 429
    assert Mail.objects.count() == 1
    assert (
        follow(client, address="other@example.org", client_address="192.0.2.51").status_code == 303
    )


def test_no_address_is_in_the_cache_keys(client, site, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    follow(client)

    stored = " ".join(str(key) for key in cache._cache)
    assert "example.org" not in stored.lower()
    assert "shirin" not in stored.lower()


# Confirming


def test_opening_the_confirm_link_changes_nothing_and_the_button_confirms(client, site):
    follow(client, follow=str(site.translation_key))
    follower = the_follower()

    page = client.get(link(follower, "confirm"))

    assert page.status_code == 200
    assert parse(page).select_one("form[method=post] button") is not None
    assert not page.cookies
    assert "no-store" in page["Cache-Control"]
    follower.refresh_from_db()
    assert follower.confirmed_at is None

    done = client.post(link(follower, "confirm"))

    assert done.status_code == 200
    assert "You will receive our news of the campaign “Family Contact”." in parse(done).text
    follower.refresh_from_db()
    assert follower.confirmed_at is not None


@pytest.mark.parametrize("purpose", ["confirm", "leave"])
def test_a_bad_token_or_an_unknown_id_is_not_found(client, site, purpose):
    follow(client)
    follower = the_follower()
    good = link(follower, purpose)
    # The token's last character changed (to another: a fixed one would be right one time in
    # sixteen).
    bad = good[: -len("x/")] + ("1" if good[-2] == "0" else "0") + "/"

    assert client.get(bad).status_code == 404
    assert client.post(bad).status_code == 404
    assert client.get(f"/follow/{purpose}/not-a-uuid/token/").status_code == 404
    other = Follower(public_id="00000000-0000-0000-0000-000000000001", language="en")
    assert (
        client.post(
            link(other, purpose).replace(keys.link_token(other, purpose), "0" * 32)
        ).status_code
        == 404
    )
    assert Follower.objects.get().confirmed_at is None


def test_a_confirm_link_of_an_address_deleted_since_is_not_found(client, site):
    follow(client)
    follower = the_follower()
    url = link(follower, "confirm")
    follower.delete()

    response = client.post(url)

    assert response.status_code == 404
    assert "This link does not work" in parse(response).text


# Leaving


def test_opening_the_leave_link_changes_nothing_and_the_button_deletes(client, site):
    follow(client)
    follower = the_follower()

    page = client.get(link(follower, "leave", prefix="/fa"))

    assert page.status_code == 200
    assert Follower.objects.count() == 1

    done = client.post(link(follower, "leave", prefix="/fa"))

    assert done.status_code == 200
    assert parse(done).select_one("h1").get_text() == "دیگر ما را دنبال نمی‌کنید"
    assert Follower.objects.count() == 0
    assert Mail.objects.count() == 0


def test_a_mail_client_leaves_with_one_click_and_no_cookie(client, site):
    follow(client)
    follower = the_follower()

    response = client.post(
        link(follower, "leave"),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert Follower.objects.count() == 0
    assert not response.cookies


def test_leaving_twice_gives_the_same_answer(client, site):
    follow(client)
    url = link(the_follower(), "leave")
    first = client.post(url)

    second = client.post(url)

    assert second.status_code == first.status_code == 200
    assert "You no longer follow us" in parse(second).text


def test_leaving_one_list_says_what_the_address_still_follows(client, site):
    follow(client)
    follow(client, follow=str(site.translation_key))
    follower = Follower.objects.get(campaign_key=None)

    response = client.post(link(follower, "leave"))

    assert "You still follow 1 other list" in parse(response).text
    assert Follower.objects.count() == 1


# Deleting addresses nobody confirmed


def test_unconfirmed_addresses_are_deleted_after_the_days_and_not_before(site, settings):
    settings.FOLLOW_UNCONFIRMED_DAYS = 3
    now = timezone.now()
    old = Follower.objects.create(email="old@example.org", language="en")
    young = Follower.objects.create(email="young@example.org", language="en")
    confirmed = Follower.objects.create(email="kept@example.org", language="en", confirmed_at=now)
    Follower.objects.filter(pk__in=[old.pk, confirmed.pk]).update(
        created_at=now - datetime.timedelta(days=3, minutes=1)
    )
    Follower.objects.filter(pk=young.pk).update(
        created_at=now - datetime.timedelta(days=2, hours=23)
    )

    call_command("delete_unconfirmed_followers", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert set(Follower.objects.values_list("pk", flat=True)) == {young.pk, confirmed.pk}


# The confirmation mail


def test_the_confirmation_mail_is_in_persian_with_the_link_and_no_tracking(client, site):
    set_site_text(Locale.objects.get(language_code="fa"), organisation_name="سازمان آزمایشی")
    follow(client, prefix="/fa", language="fa", follow=str(site.translation_key))
    mail = Mail.objects.get()

    message = subscribe.compose_confirmation(mail)

    follower = mail.follower
    confirm = keys.link(follower, "confirm")
    assert "/fa/follow/confirm/" in confirm
    assert message.to == [ADDRESS]
    assert message.subject == "تأیید کنید که نامه‌های ما را می‌خواهید"
    assert confirm in message.body
    assert "ارتباط خانوادگی" in message.body
    assert "۳" in message.body
    assert "سازمان آزمایشی" in message.body
    ((html, kind),) = message.alternatives
    assert kind == "text/html"
    assert 'dir="rtl"' in html and 'lang="fa"' in html
    assert re.findall(r'href="([^"]+)"', html) == [confirm]
    assert "<img" not in html


def test_an_address_that_follows_already_is_told_so_with_its_leave_link(client, site):
    follow(client)
    follower = the_follower()
    follower.confirmed_at = timezone.now()
    follower.save()
    follower.mails.update(state=Mail.State.SENT)
    follow(client, client_address="192.0.2.99")

    with translation.override("en"):
        message = subscribe.compose_confirmation(follower.mails.get(state=Mail.State.PENDING))

    assert message.subject == "You already follow us by e-mail"
    assert keys.link(follower, "leave") in message.body
    assert keys.link(follower, "confirm") not in message.body


# Valid HTML, for the pages the crawl of tests/test_every_page.py cannot reach


def test_the_follow_pages_and_the_mail_are_valid_html(client, site, checker, tmp_path):
    follow(client, follow=str(site.translation_key))
    follower = the_follower()
    mail = subscribe.compose_confirmation(Mail.objects.get()).alternatives[0][0]
    pages = {
        "mistake": follow(client, prefix="/fa", address="x", client_address="192.0.2.98"),
        "confirm": client.get(link(follower, "confirm", prefix="/fa")),
        "confirmed": client.post(link(follower, "confirm")),
        "leave": client.get(link(follower, "leave")),
        "bad-link": client.get(link(follower, "leave")[:-3] + "0/"),
        "left": client.post(link(follower, "leave", prefix="/fa")),
    }
    files = []
    for name, response in pages.items():
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)
    files.append(tmp_path / "mail.html")
    files[-1].write_text(mail)

    assert errors_in(checker, files) == []
