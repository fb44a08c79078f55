"""Appeals: their pages, and the action link that counts supporters and keeps nothing of them."""

import datetime
import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.utils import timezone

from campaigns.models import Appeal, AppealActionCount, AppealSentCount
from tests.builders import (
    make_appeal,
    make_appeal_index,
    make_campaign,
    make_campaign_index,
    make_content_page,
    publish,
)
from tests.html import links, parse

pytestmark = pytest.mark.django_db

STORED_MAILTO = (
    "mailto:rapporteur@un.example?subject=Family%20visits"
    "&body=Dear%20Mr%20Mavrommatis%2C%0APlease%20help%20the%20families."
)


def today():
    return timezone.localdate()


def counted(appeal):
    return sum(AppealActionCount.objects.filter(appeal=appeal).values_list("count", flat=True))


@pytest.fixture
def appeals_page(home_page):
    return make_appeal_index(home_page)


def test_an_appeal_has_a_public_page_with_its_target_ask_and_action(client, appeals_page):
    appeal = make_appeal(background="<p>Fifty relatives are ready.</p>")

    response = client.get("/appeals/write-to-the-un-special-rapporteur/")

    assert response.status_code == 200
    page = parse(response)
    assert page.h1.get_text() == "Write to the UN Special Rapporteur"
    assert "Mr Andreas Mavrommatis, UN Special Rapporteur on Iraq" in page.main.get_text()
    assert "Fifty relatives are ready." in page.main.get_text()
    button = page.select_one(".appeal-action a")
    assert (button["href"], button.get_text()) == (f"/act/{appeal.pk}/", "Write the e-mail")
    crumbs = page.select_one("nav.breadcrumbs")
    assert links(crumbs) == [("/", "Home"), ("/appeals/", "Appeals")]
    assert crumbs.select_one("[aria-current=page]").get_text() == appeal.title
    assert "nofollow" in button["rel"]


def test_the_appeals_list_puts_open_appeals_first(client, appeals_page):
    make_appeal("Closed long ago", closes_on=datetime.date(2004, 1, 1))
    make_appeal("Open now")
    make_appeal("Not yet open", opens_on=today() + datetime.timedelta(days=30))
    make_appeal("A draft", live=False)

    titles = [h.get_text() for h in parse(client.get("/appeals/")).select(".appeal-card h2")]

    assert titles == ["Open now", "Not yet open", "Closed long ago"]


def test_a_closed_appeal_says_when_it_closed_and_shows_its_outcome_instead_of_a_button(
    client, appeals_page
):
    make_appeal(
        closes_on=datetime.date(2004, 1, 31),
        outcome="<p>The Special Rapporteur raised the visits with Baghdad.</p>",
    )

    page = parse(client.get("/appeals/write-to-the-un-special-rapporteur/"))

    assert page.select_one(".appeal-action") is None
    assert "This appeal closed on 31 January 2004." in page.main.get_text()
    assert "raised the visits with Baghdad" in page.main.get_text()


@pytest.mark.parametrize("path", ["/appeals/no-such-appeal/", "/appeals/a-draft/"])
def test_unknown_and_unpublished_appeal_pages_answer_404(client, appeals_page, path):
    make_appeal("A draft", live=False)

    assert client.get(path).status_code == 404


def test_the_action_redirects_to_the_stored_target_and_counts_each_request(client):
    appeal = make_appeal()

    first = client.get(f"/act/{appeal.pk}/")
    second = client.get(f"/act/{appeal.pk}/?next=https://attacker.example/&url=//evil")

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == STORED_MAILTO
    assert counted(appeal) == 2
    assert AppealActionCount.objects.get().date == today()


def test_a_head_request_is_redirected_but_not_counted(client):
    appeal = make_appeal()

    response = client.head(f"/act/{appeal.pk}/")

    assert response.status_code == 302
    assert counted(appeal) == 0


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_action_only_answers_get_and_head(client, method):
    appeal = make_appeal()

    assert getattr(client, method)(f"/act/{appeal.pk}/").status_code == 405
    assert counted(appeal) == 0


def test_link_and_page_actions_go_to_their_stored_targets(client, home_page):
    page = make_content_page(home_page, "Read this")
    to_link = make_appeal(
        "Sign elsewhere", action=Appeal.Action.LINK, action_url="https://petition.example/s"
    )
    to_page = make_appeal("Read first", action=Appeal.Action.PAGE, action_page=page)

    assert client.get(f"/act/{to_link.pk}/")["Location"] == "https://petition.example/s"
    assert client.get(f"/act/{to_page.pk}/")["Location"] == "/read-this/"


def test_the_action_keeps_no_personal_data_and_sets_no_cookie(client):
    appeal = make_appeal()

    response = client.get(
        f"/act/{appeal.pk}/",
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="Supporter's browser",
        HTTP_REFERER="https://social.example/post",
    )

    assert response.cookies == {}
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert {field.name for field in AppealActionCount._meta.get_fields()} == {
        "id",
        "appeal",
        "date",
        "channel",
        "count",
    }
    stored = str(list(AppealActionCount.objects.values()))
    assert "203.0.113.9" not in stored and "Supporter" not in stored


@pytest.mark.parametrize(
    "overrides",
    [
        {"closes_on": datetime.date(2004, 1, 31)},
        {"opens_on": datetime.date(2099, 1, 1)},
    ],
)
def test_the_action_of_a_closed_or_not_yet_open_appeal_answers_404_saying_so(
    client, appeals_page, overrides
):
    appeal = make_appeal(**overrides)

    response = client.get(f"/act/{appeal.pk}/")

    assert response.status_code == 404
    page = parse(response)
    assert page.h1.get_text() == "This appeal is not open"
    assert ("/appeals/write-to-the-un-special-rapporteur/") in dict(links(page.main))
    assert counted(appeal) == 0


def test_the_action_of_an_unknown_or_unpublished_appeal_answers_404(client):
    draft = make_appeal("A draft", live=False)

    assert client.get(f"/act/{draft.pk}/").status_code == 404
    assert client.get("/act/99999/").status_code == 404
    assert client.get("/act/abc/").status_code == 404
    assert not AppealActionCount.objects.exists()


def test_a_page_action_whose_page_was_unpublished_answers_404(client, home_page):
    page = make_content_page(home_page, "Read this")
    appeal = make_appeal(action=Appeal.Action.PAGE, action_page=page)
    page.unpublish()

    assert client.get(f"/act/{appeal.pk}/").status_code == 404


def test_an_appeal_needs_the_fields_of_its_kind_of_action():
    appeal = Appeal(
        title="Incomplete",
        slug="incomplete",
        target_name="Someone",
        ask="Ask",
        action=Appeal.Action.LINK,
    )

    with pytest.raises(Exception) as error:
        appeal.full_clean()

    assert "action_url" in error.value.message_dict


def test_appeals_appear_on_their_campaign_page(client, home_page, appeals_page):
    campaign = make_campaign(make_campaign_index(home_page))
    make_appeal("Open appeal", campaign=campaign)
    make_appeal("Closed appeal", campaign=campaign, closes_on=datetime.date(2004, 1, 1))
    make_appeal("Another campaign's appeal")

    page = parse(client.get("/campaigns/family-contact/"))

    titles = [h.get_text() for h in page.select(".act-now h3")]
    assert titles == ["Open appeal"]


def test_the_campaign_page_puts_its_open_appeals_first_and_in_its_contents(
    client, home_page, appeals_page
):
    campaign = make_campaign(make_campaign_index(home_page))
    appeal = make_appeal("Open appeal", campaign=campaign, action_label="Write to him")

    page = parse(client.get("/campaigns/family-contact/"))

    box = page.select_one("main .act-now")
    # Straight after the summary, before the body's first section.
    assert box.find_previous_sibling()["class"] == ["lead"]
    assert links(box)[-1] == (f"/appeals/{appeal.slug}/", "Write to him")
    bar = links(page.select_one("nav.contents-bar"))
    assert bar[0] == ("#act-now", "Act now")
    assert bar[-1] == ("#recent-developments", "Recent developments")
    for href, _text in bar:
        assert page.find(id=href[1:]).name == "h2"


def test_a_campaign_without_open_appeals_has_no_act_now_box(client, home_page, appeals_page):
    campaign = make_campaign(make_campaign_index(home_page))
    make_appeal("Closed appeal", campaign=campaign, closes_on=datetime.date(2004, 1, 1))

    page = parse(client.get("/campaigns/family-contact/"))

    assert page.select_one(".act-now") is None
    assert page.select_one('a[href="#act-now"]') is None


def test_the_call_to_action_block_shows_a_published_appeal(client, home_page, appeals_page):
    shown = make_appeal("Shown")
    hidden = make_appeal("Hidden", live=False)
    make_content_page(
        home_page,
        "Aims",
        body=[
            ("call_to_action", {"heading": "Act now", "appeal": shown}),
            ("call_to_action", {"heading": "Not this", "appeal": hidden}),
        ],
    )

    page = parse(client.get("/aims/"))

    boxes = page.select("aside.call-to-action")
    assert [box.h3.get_text() for box in boxes] == ["Shown"]
    assert boxes[0].select_one(".appeal-action a")["href"] == f"/act/{shown.pk}/"


def test_editors_see_clicks_per_channel_and_confirmed_sends_side_by_side(client, django_user_model):
    editor = django_user_model.objects.create_user("editor", password="a-long-password-1")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    admin_client = client
    appeal = make_appeal()
    AppealActionCount.objects.create(appeal=appeal, date=today(), count=3)
    AppealActionCount.objects.create(appeal=appeal, date=today(), channel="gmail", count=2)
    AppealActionCount.objects.create(
        appeal=appeal, date=today() - datetime.timedelta(days=6), count=4
    )
    AppealActionCount.objects.create(
        appeal=appeal, date=today() - datetime.timedelta(days=7), count=10
    )
    AppealSentCount.objects.create(appeal=appeal, date=today(), count=2)
    AppealSentCount.objects.create(
        appeal=appeal, date=today() - datetime.timedelta(days=30), count=3
    )

    listing = parse(admin_client.get("/admin/snippets/campaigns/appeal/"))
    dashboard = parse(admin_client.get("/admin/"))

    row = next(tr for tr in listing.select("tbody tr") if "Write to the UN" in tr.get_text())
    # Clicks in the last 7 days, clicks in all, confirmed sends in all.
    assert [td.get_text(strip=True) for td in row.select("td")][-3:] == ["9", "19", "5"]
    panel = dashboard.select_one("#appeal-actions-section")
    cells = [td.get_text(" ", strip=True) for td in panel.select("tbody td")]
    assert cells[2:] == ["9", "19", "E-mail program: 17 Gmail: 2", "2", "5"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need a real database server"
)
def test_concurrent_actions_lose_no_increment_on_postgresql():
    appeal = make_appeal()
    threads, per_thread = 8, 10
    start = threading.Barrier(threads)
    failures = []

    def supporter():
        client = Client()
        start.wait()
        try:
            for _ in range(per_thread):
                if client.get(f"/act/{appeal.pk}/").status_code != 302:
                    failures.append("not redirected")
        finally:
            connection.close()

    workers = [threading.Thread(target=supporter) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert failures == []
    assert AppealActionCount.objects.get(appeal=appeal).count == threads * per_thread


def test_a_draft_change_to_a_published_appeal_stays_invisible_until_published(client, appeals_page):
    appeal = make_appeal(ask="The published ask.")
    appeal.ask = "A draft ask."
    appeal.email_to = "someone-else@example.org"
    appeal.save_revision()

    page = parse(client.get("/appeals/write-to-the-un-special-rapporteur/"))
    assert "The published ask." in page.main.get_text()
    assert client.get(f"/act/{appeal.pk}/")["Location"] == STORED_MAILTO

    appeal.get_latest_revision().publish()

    assert (
        "A draft ask."
        in parse(client.get("/appeals/write-to-the-un-special-rapporteur/")).main.get_text()
    )


def test_appeal_and_development_previews_render_in_the_sites_look(rf, admin_user, appeals_page):
    from tests.builders import make_development

    for item in (make_appeal(), make_development("Families meet in Baghdad")):
        request = rf.get("/")
        request.user = admin_user

        response = item.serve_preview(request, item.default_preview_mode)
        response.render()

        page = parse(response)
        assert page.select_one("link[rel=stylesheet]")["href"] == "/static/css/site.css"
        assert str(item).split(": ")[-1] in page.main.get_text()


def test_an_appeal_in_the_act_now_box_is_not_shown_again_in_the_campaigns_body(
    client, home_page, appeals_page
):
    campaign = make_campaign(make_campaign_index(home_page))
    appeal = make_appeal("Write today", campaign=campaign)
    campaign.body = [("call_to_action", {"heading": "Act now", "appeal": appeal})]
    publish(campaign)
    aims = make_content_page(
        home_page, "Aims", body=[("call_to_action", {"heading": "Act now", "appeal": appeal})]
    )

    page = parse(client.get(campaign.url))

    assert [h3.get_text() for h3 in page.select(".act-now h3")] == ["Write today"]
    assert page.select("aside.call-to-action") == []
    assert parse(client.get(aims.url)).select("aside.call-to-action h3")[0].get_text() == (
        "Write today"
    )
