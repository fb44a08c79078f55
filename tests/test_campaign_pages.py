import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from base.page_cache import invalidate
from campaigns.models import CampaignPage, Development
from tests.builders import (
    make_appeal,
    make_appeal_index,
    make_campaign,
    make_campaign_index,
    make_development,
    make_update,
)
from tests.html import links, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(home_page):
    return make_campaign_index(home_page)


def test_the_campaign_index_lists_active_campaigns_first(client, index):
    make_campaign(index, "Concluded one", status=CampaignPage.Status.CONCLUDED)
    make_campaign(index, "Active one")
    make_campaign(index, "Draft one", live=False)

    cards = parse(client.get("/campaigns/")).select("ul.cards li")

    assert [card.h2.get_text(strip=True) for card in cards] == ["Active one", "Concluded one"]
    assert "Concluded" in cards[1].get_text()


def test_the_campaign_page_shows_its_latest_timeline_entries_linking_to_the_full_list(
    client, index
):
    campaign = make_campaign(index)
    for day in range(1, 8):
        make_development(f"Day {day}", date=datetime.date(2003, 7, day), campaign=campaign)

    section = parse(client.get("/campaigns/family-contact/")).select_one(".campaign-timeline")

    assert [h.get_text(strip=True) for h in section.select("h3")] == [
        f"Day {day}" for day in range(7, 2, -1)
    ]
    assert ("/campaigns/family-contact/timeline/", "All developments of this campaign") in links(
        section
    )
    full = parse(client.get("/campaigns/family-contact/timeline/"))
    assert len(full.select(".timeline-entry")) == 7


def test_a_campaign_update_is_a_dated_article(client, index):
    make_update(make_campaign(index), "Fifty families ready", date=datetime.date(2003, 6, 1))

    page = parse(client.get("/campaigns/family-contact/fifty-families-ready/"))

    assert page.h1.get_text() == "Fifty families ready"
    assert page.select_one("time")["datetime"] == "2003-06-01"
    assert links(page.select_one("nav.breadcrumbs"))[-1] == (
        "/campaigns/family-contact/",
        "Family Contact",
    )


@pytest.mark.parametrize("path", ["/campaigns/family-contact/", "/campaigns/family-contact/x/"])
def test_campaign_and_update_pages_have_plain_share_links(client, index, path):
    campaign = make_campaign(index)
    make_update(campaign, "X", slug="x")

    page = parse(client.get(path))

    share = page.select_one("section.share")
    labels = [text for _href, text in links(share)]
    assert labels == ["E-mail", "Telegram", "WhatsApp", "X", "Facebook"]
    assert share.select_one("input[readonly]")["value"] == f"http://testserver{path}"
    assert not page.find("script", src=True)
    assert not page.find("iframe")


def add_developments(campaign, count):
    locale = Locale.get_default()
    Development.objects.bulk_create(
        Development(
            date=datetime.date(2003, 1, 1) + datetime.timedelta(days=n % 365),
            headline=f"Development {n}",
            campaign=campaign,
            locale=locale,
            live=True,
            first_published_at=datetime.datetime(2003, 1, 1, tzinfo=datetime.UTC),
        )
        for n in range(count)
    )
    # Saved in bulk, without the signals of a publish: the site moves on as it would have.
    invalidate()


def queries_for(client, path):
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_campaign_page_queries_stay_the_same_with_10_and_1000_developments(
    client, home_page, index
):
    make_appeal_index(home_page)
    campaign = make_campaign(index)
    # Newer than every development, so both runs show the same mix of entry kinds.
    make_update(campaign, date=datetime.date(2004, 1, 1))
    make_appeal("One", campaign=campaign)
    make_appeal("Two", campaign=campaign)
    add_developments(campaign, 10)
    with_ten = {
        path: queries_for(client, path)
        for path in ["/campaigns/family-contact/", "/campaigns/family-contact/timeline/"]
    }

    add_developments(campaign, 990)

    for path, count in with_ten.items():
        assert queries_for(client, path) == count, path
    assert (
        len(parse(client.get("/campaigns/family-contact/timeline/")).select(".timeline-entry"))
        == 20
    )


def test_the_campaigns_open_appeals_follow_the_calendar_between_publishes(
    client, index, monkeypatch
):
    from django.utils import timezone

    campaign = make_campaign(index)
    make_appeal_index(index.get_parent())
    today = timezone.localdate()
    make_appeal(
        "Write to the minister",
        campaign=campaign,
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today,
    )
    act_now = parse(client.get("/campaigns/family-contact/")).select_one(".act-now")
    assert "Write to the minister" in act_now.get_text()

    monkeypatch.setattr(timezone, "localdate", lambda *args: today + datetime.timedelta(days=1))

    act_now = parse(client.get("/campaigns/family-contact/")).select_one(".act-now")
    assert act_now is None or "Write to the minister" not in act_now.get_text()
