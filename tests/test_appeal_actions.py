"""The appeal's letter and its ways to act: each through our own counted address, to what the
appeal stores; and "I have sent it", a count of letters sent that keeps nothing of who sent it."""

import datetime
import importlib
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone, translation

from base import form_guard
from base.dates import display_date
from campaigns import views
from campaigns.models import AppealActionCount, AppealSentCount
from tests.builders import make_appeal, make_appeal_index
from tests.html import errors_in, parse

pytestmark = pytest.mark.django_db

PERSIAN_SUBJECT = "دیدار خانواده‌ها"
PERSIAN_BODY = "آقای ماوروماتیس گرامی،\nلطفاً به خانواده‌ها کمک کنید & پاسخ دهید?"
ALL_CHANNELS = {
    "postal_address": "Palais des Nations\nCH-1211 Geneva 10\nSwitzerland",
    "phone": "+41 22 917 9000",
    "web_form_url": "https://un.example/write",
}


def parse_html(html):
    return BeautifulSoup(html, "html.parser")


def clicks(appeal, channel=None):
    rows = AppealActionCount.objects.filter(appeal=appeal)
    if channel:
        rows = rows.filter(channel=channel)
    return sum(rows.values_list("count", flat=True))


def sent(appeal):
    return sum(AppealSentCount.objects.filter(appeal=appeal).values_list("count", flat=True))


@pytest.fixture
def appeals_page(home_page):
    return make_appeal_index(home_page)


@pytest.fixture
def appeal():
    return make_appeal(**ALL_CHANNELS)


# The letter on the appeal's page


def test_the_appeal_page_shows_the_letter_to_select_and_copy(client, appeals_page, appeal):
    page = parse(client.get("/appeals/write-to-the-un-special-rapporteur/"))

    letter = page.select_one("#letter")
    head = {
        dt.get_text(strip=True): dd.get_text("\n", strip=True)
        for dt, dd in zip(letter.select("dt"), letter.select("dd"), strict=True)
    }
    assert head == {
        "To": "Mr Andreas Mavrommatis, UN Special Rapporteur on Iraq",
        "E-mail address": "rapporteur@un.example",
        "Postal address": "Palais des Nations\nCH-1211 Geneva 10\nSwitzerland",
        "Subject": "Family visits",
    }
    body = letter.select_one("pre.letter-body")
    assert body.get_text() == "Dear Mr Mavrommatis,\nPlease help the families."
    assert body.parent.figcaption.get_text().startswith("The text, to copy")


def test_the_letter_says_what_sending_from_ones_own_address_reveals(client, appeals_page, appeal):
    note = parse(client.get("/appeals/write-to-the-un-special-rapporteur/")).select_one(
        ".letter-privacy"
    )

    text = note.get_text(" ", strip=True)
    assert "tells the person you write to your name and your address" in text
    assert "send it from an address that does not identify you" in text


def test_the_appeal_page_links_each_channel_through_our_counted_addresses(
    client, appeals_page, appeal
):
    page = parse(client.get("/appeals/write-to-the-un-special-rapporteur/"))

    hrefs = [a["href"] for a in page.select(".appeal-channels a")]
    assert hrefs == [
        f"/act/{appeal.pk}/{channel}/"
        for channel in ("email", "gmail", "outlook", "yahoo", "form", "print", "phone")
    ] + [f"/act/{appeal.pk}/sent/"]
    assert all("nofollow" in a["rel"] for a in page.select(".appeal-channels a"))


def test_an_appeal_without_other_channels_offers_only_its_mail(client, appeals_page):
    make_appeal()

    page = parse(client.get("/appeals/write-to-the-un-special-rapporteur/"))

    assert page.select(".channel-others") == []
    assert len(page.select(".channel-list a")) == 4


def test_the_appeal_page_sets_no_cookie(client, appeals_page, appeal):
    response = client.get("/appeals/write-to-the-un-special-rapporteur/")

    assert response.status_code == 200
    assert response.cookies == {}


def test_a_letter_in_english_is_marked_as_such_on_a_persian_page(appeal):
    with translation.override("fa"):
        html = render_to_string("components/appeal_letter.html", {"appeal": appeal})

    letter = parse_html(html)
    body = letter.select_one("pre.letter-body")
    assert (body["lang"], body["dir"]) == ("en", "ltr")
    assert (letter.select_one(".letter-address")["lang"]) == "en"


def test_a_letter_in_persian_is_marked_right_to_left_on_an_english_page():
    appeal = make_appeal(email_subject=PERSIAN_SUBJECT, email_body=PERSIAN_BODY)

    html = render_to_string("components/appeal_letter.html", {"appeal": appeal})

    body = parse_html(html).select_one("pre.letter-body")
    assert (body["lang"], body["dir"]) == ("fa", "rtl")


# Dates and outcome


def test_the_appeal_page_and_cards_say_when_it_opened_and_until_when_it_is_open(
    client, appeals_page
):
    make_appeal(closes_on=timezone.localdate() + datetime.timedelta(days=30))
    closes = display_date(timezone.localdate() + datetime.timedelta(days=30))

    for path in ("/appeals/write-to-the-un-special-rapporteur/", "/appeals/"):
        text = parse(client.get(path)).select_one(".appeal-dates").get_text(" ", strip=True)
        assert text == f"Opened on 1 May 2003. Open until {closes}."


def test_a_closed_appeal_card_says_when_it_opened_closed_and_links_its_outcome(
    client, appeals_page
):
    make_appeal(closes_on=datetime.date(2004, 1, 31), outcome="<p>He raised the visits.</p>")

    card = parse(client.get("/appeals/")).select_one(".appeal-card")

    dates = card.select_one(".appeal-dates").get_text(" ", strip=True)
    assert dates == "Opened on 1 May 2003. This appeal closed on 31 January 2004."
    outcome = card.select_one(".appeal-outcome a")
    assert outcome["href"] == "/appeals/write-to-the-un-special-rapporteur/#outcome-heading"


def test_persian_dates_are_solar_hijri_first():
    appeal = make_appeal(closes_on=datetime.date(2004, 1, 31))

    with translation.override("fa"):
        html = render_to_string("components/appeal_dates.html", {"appeal": appeal})

    text = parse_html(html).get_text(" ", strip=True)
    assert "۱۱ اردیبهشت ۱۳۸۲ (۱ مه ۲۰۰۳)" in text
    assert "۱۱ بهمن ۱۳۸۲" in text


# The ways to act


@pytest.mark.parametrize(
    ("channel", "target"),
    [
        (
            "email",
            "mailto:rapporteur@un.example?subject=Family%20visits"
            "&body=Dear%20Mr%20Mavrommatis%2C%0APlease%20help%20the%20families.",
        ),
        (
            "gmail",
            "https://mail.google.com/mail/?view=cm&to=rapporteur%40un.example"
            "&su=Family%20visits&body=Dear%20Mr%20Mavrommatis%2C%0APlease%20help%20the%20families.",
        ),
        (
            "outlook",
            "https://outlook.live.com/mail/0/deeplink/compose?to=rapporteur%40un.example"
            "&subject=Family%20visits"
            "&body=Dear%20Mr%20Mavrommatis%2C%0APlease%20help%20the%20families.",
        ),
        (
            "yahoo",
            "https://compose.mail.yahoo.com/?to=rapporteur%40un.example&subject=Family%20visits"
            "&body=Dear%20Mr%20Mavrommatis%2C%0APlease%20help%20the%20families.",
        ),
        ("form", "https://un.example/write"),
        ("phone", "tel:+41229179000"),
    ],
)
def test_each_channel_redirects_to_what_the_appeal_stores_and_counts_as_itself(
    client, appeal, channel, target
):
    response = client.get(f"/act/{appeal.pk}/{channel}/?to=attacker@evil.example")

    assert response.status_code == 302
    assert response["Location"] == target
    assert clicks(appeal, channel) == 1
    assert clicks(appeal) == 1
    assert response.cookies == {}
    assert "no-store" in response["Cache-Control"]


def test_the_old_action_address_still_counts_as_the_appeals_main_action(client, appeal):
    response = client.get(f"/act/{appeal.pk}/")

    assert response["Location"].startswith("mailto:rapporteur@un.example?")
    assert clicks(appeal, "email") == 1


def test_the_printed_letter_is_a_page_of_ours_with_the_postal_address(client, appeal):
    response = client.get(f"/act/{appeal.pk}/print/")

    assert response.status_code == 200
    page = parse(response)
    letter = page.select_one(".printed-letter")
    assert letter.select_one(".letter-recipient").get_text("\n", strip=True) == (
        "Palais des Nations\nCH-1211 Geneva 10\nSwitzerland"
    )
    assert letter.select_one(".letter-body").get_text() == appeal.email_body
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"
    assert clicks(appeal, "print") == 1
    assert response.cookies == {}


@pytest.mark.parametrize(
    ("channel", "fields"),
    [
        ("fax", ALL_CHANNELS),
        ("sent-by-robot", ALL_CHANNELS),
        ("phone", {}),
        ("print", {}),
        ("form", {}),
        ("link", ALL_CHANNELS),
        ("page", ALL_CHANNELS),
    ],
)
def test_an_unknown_channel_or_one_the_appeal_does_not_offer_answers_404(client, channel, fields):
    appeal = make_appeal(**fields)

    response = client.get(f"/act/{appeal.pk}/{channel}/")

    assert response.status_code == 404
    assert clicks(appeal) == 0


def test_a_closed_appeal_counts_no_channel_and_says_so(client):
    appeal = make_appeal(closes_on=datetime.date(2004, 1, 31), **ALL_CHANNELS)

    responses = [client.get(f"/act/{appeal.pk}/{channel}/") for channel in ("gmail", "print")]

    assert [response.status_code for response in responses] == [404, 404]
    assert "This appeal closed on 31 January 2004." in responses[0].content.decode()
    assert clicks(appeal) == 0


def test_a_persian_subject_and_body_are_url_encoded_in_every_mail_channel(client):
    appeal = make_appeal(email_subject=PERSIAN_SUBJECT, email_body=PERSIAN_BODY)

    for channel, subject_name in [
        ("email", "subject"),
        ("gmail", "su"),
        ("outlook", "subject"),
        ("yahoo", "subject"),
    ]:
        location = client.get(f"/act/{appeal.pk}/{channel}/")["Location"]
        assert location.isascii()
        query = parse_qs(urlsplit(location).query)
        assert query[subject_name] == [PERSIAN_SUBJECT]
        assert query["body"] == [PERSIAN_BODY]
        assert "+" not in urlsplit(location).query  # spaces as %20, which mailto: needs


def test_existing_counts_take_their_appeals_action_as_channel():
    migration = importlib.import_module("campaigns.migrations.0008_appeal_channels")
    mail = make_appeal()
    link = make_appeal("Sign the petition", action="link", action_url="https://un.example/p")
    today = timezone.localdate()
    AppealActionCount.objects.create(appeal=mail, date=today, channel="gmail", count=2)
    AppealActionCount.objects.create(appeal=link, date=today, channel="email", count=5)

    migration.channel_from_action(apps, None)

    assert clicks(mail, "email") == 2
    assert clicks(link, "link") == 5


# "I have sent it"


def confirmation_token(client, appeal):
    page = parse(client.get(f"/act/{appeal.pk}/sent/"))
    return page.select_one('form input[name="token"]')["value"]


def aged(seconds):
    return form_guard.started_token(views.SENT_SALT, time.time() - seconds)


def confirm(client, appeal, token):
    return client.post(f"/act/{appeal.pk}/sent/", {"token": token}, REMOTE_ADDR="203.0.113.9")


def test_the_appeal_page_links_to_the_confirmation_which_the_page_cache_never_keeps(client, appeal):
    response = client.get(f"/act/{appeal.pk}/sent/")

    assert response.status_code == 200
    assert {"no-store", "private"} <= set(response["Cache-Control"].replace(" ", "").split(","))
    # A form page: Django's CSRF cookie is the only one it may set.
    assert set(response.cookies) <= {"csrftoken"}


def test_a_good_token_counts_once_and_shows_thanks(client, appeal, settings):
    settings.APPEAL_SENT_MIN_SECONDS = 0
    token = confirmation_token(client, appeal)

    response = confirm(client, appeal, token)
    thanks = client.get(response["Location"])

    assert response.status_code == 303
    assert "We have added one" in thanks.content.decode()
    assert sent(appeal) == 1
    assert clicks(appeal) == 0  # a confirmation is not a click


def test_a_reused_token_is_not_counted_again(client, appeal):
    token = aged(60)

    first, again = confirm(client, appeal, token), confirm(client, appeal, token)

    assert (first.status_code, again.status_code) == (303, 400)
    assert "already counted once" in again.content.decode()
    assert sent(appeal) == 1


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (lambda: aged(0), "quicker than a person reads this page"),
        (lambda: aged(2 * 24 * 60 * 60), "out of date or had been changed"),
        (lambda: "1:forged:made-up-signature", "out of date or had been changed"),
        (lambda: aged(60)[:-3] + "abc", "out of date or had been changed"),
        (lambda: "", "out of date or had been changed"),
    ],
    ids=["early", "expired", "forged", "altered", "missing"],
)
def test_an_early_expired_or_forged_token_is_not_counted(client, appeal, token, message):
    token = token()
    response = confirm(client, appeal, token)

    assert response.status_code == 400
    assert message in response.content.decode()
    # A fresh token to try again with.
    assert parse(response).select_one('input[name="token"]')["value"] != token
    assert sent(appeal) == 0


def test_a_token_re_signed_with_another_key_is_not_counted(client, appeal, settings):
    settings.SECRET_KEY = "someone-elses-key"
    token = aged(60)
    settings.SECRET_KEY = "test-only-secret-key"

    assert confirm(client, appeal, token).status_code == 400
    assert sent(appeal) == 0


def test_one_client_confirms_no_more_than_the_limit(client, appeal, settings):
    settings.APPEAL_SENT_RATE_LIMIT = 2

    statuses = [confirm(client, appeal, aged(60)).status_code for _ in range(4)]

    assert statuses == [303, 303, 429, 429]
    assert sent(appeal) == 2


def test_a_confirmation_stores_nothing_of_who_sent_it(client, appeal):
    confirm(client, appeal, aged(60))

    assert {field.name for field in AppealSentCount._meta.get_fields()} == {
        "id",
        "appeal",
        "date",
        "count",
    }
    assert "203.0.113" not in str(list(AppealSentCount.objects.values()))
    assert [key for key in cache._cache if "203.0.113" in key] == []


def test_a_confirmation_without_the_csrf_token_is_refused(appeal):
    browser = Client(enforce_csrf_checks=True)

    forged = browser.post(f"/act/{appeal.pk}/sent/", {"token": aged(60)})
    page = parse(browser.get(f"/act/{appeal.pk}/sent/"))
    fields = {field["name"]: field["value"] for field in page.select(".appeal-sent-form input")}
    fields["token"] = aged(60)
    honest = browser.post(f"/act/{appeal.pk}/sent/", fields)

    assert (forged.status_code, honest.status_code) == (403, 303)
    assert sent(appeal) == 1


def test_a_closed_appeal_takes_no_confirmation(client):
    appeal = make_appeal(closes_on=datetime.date(2004, 1, 31))

    assert client.get(f"/act/{appeal.pk}/sent/").status_code == 404
    assert confirm(client, appeal, aged(60)).status_code == 404
    assert sent(appeal) == 0


def test_a_cache_that_does_not_answer_counts_nothing(client, appeal, monkeypatch):
    class Broken:
        def get(self, *args, **kwargs):
            raise ConnectionError("Redis is down")

        add = incr = get

    monkeypatch.setattr(form_guard, "cache", Broken())

    response = confirm(client, appeal, aged(60))

    assert response.status_code == 503
    assert "cannot count letters just now" in response.content.decode()
    assert sent(appeal) == 0


def test_the_printed_letter_and_the_confirmation_are_valid_html(
    client,
    checker,  # noqa: F811 - the fixture imported above
    tmp_path,
    appeals_page,
    appeal,
):
    files = []
    for name in ("print", "sent"):
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(client.get(f"/act/{appeal.pk}/{name}/").content)
    with translation.override("fa"):
        files.append(tmp_path / "persian-letter.html")
        files[-1].write_text(
            "<!DOCTYPE html><html lang=fa dir=rtl><title>t</title>"
            + render_to_string("components/appeal_letter.html", {"appeal": appeal})
        )

    assert errors_in(checker, files) == []
