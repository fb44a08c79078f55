import datetime

import pytest

from advocacy.models import FeaturedCampaign
from tests.builders import (
    make_appeal,
    make_appeal_index,
    make_campaign,
    make_campaign_index,
    make_content_page,
    make_development,
    make_timeline_page,
)
from tests.html import links, parse

pytestmark = pytest.mark.django_db


def feature(home_page, *pages):
    for order, page in enumerate(pages):
        FeaturedCampaign.objects.create(home_page=home_page, page=page, sort_order=order)


@pytest.fixture
def campaigns(home_page):
    return make_campaign_index(home_page)


def test_featured_campaigns_appear_in_the_editors_order(client, home_page, campaigns):
    first = make_campaign(campaigns, "Family Contact", summary="Families want to visit.")
    second = make_campaign(campaigns, "Camp Ashraf")
    hidden = make_campaign(campaigns, "Unpublished", live=False)
    feature(home_page, second, hidden, first)

    cards = parse(client.get("/")).select_one("ul.cards")

    assert links(cards) == [
        ("/campaigns/camp-ashraf/", "Camp Ashraf"),
        ("/campaigns/family-contact/", "Family Contact"),
    ]
    assert "Families want to visit." in cards.get_text()


def test_no_featured_section_without_featured_campaigns(client, home_page):
    assert parse(client.get("/")).select_one("ul.cards") is None


def test_developments_and_appeals_have_empty_states(client, home_page):
    main = parse(client.get("/")).main.get_text()

    assert "No developments have been published yet." in main
    assert "There are no open appeals at the moment." in main


def test_home_page_shows_the_latest_published_developments_and_open_appeals(client, home_page):
    make_timeline_page(home_page)
    make_appeal_index(home_page)
    make_development("Families meet in Baghdad", date=datetime.date(2003, 7, 17))
    make_development("Relatives gather in Tehran", date=datetime.date(2002, 10, 1))
    make_development("A draft", live=False)
    make_appeal("Write to the Special Rapporteur")
    make_appeal("Write to the minister", opens_on=datetime.date(2003, 8, 1))
    make_appeal("An old appeal", closes_on=datetime.date(2003, 12, 31))

    page = parse(client.get("/"))

    headlines = [h.get_text(strip=True) for h in page.select(".timeline-entry h3")]
    assert headlines == ["Families meet in Baghdad", "Relatives gather in Tehran"]
    # The newest open appeal in the box at the top, the other open ones in their column.
    act_now = page.select_one("main .act-now")
    assert act_now.find_all_previous("h2") == []
    assert [h.get_text(strip=True) for h in act_now.select("h3")] == ["Write to the minister"]
    assert act_now.select_one("a.button")["href"] == "/appeals/write-to-the-minister/"
    appeals = [h.get_text(strip=True) for h in page.select(".appeal-list h3")]
    assert appeals == ["Write to the Special Rapporteur"]
    assert page.find("link", type="application/rss+xml")["href"] == "/timeline/feed/rss/"


def test_who_we_are_teaser_links_to_the_aims(client, home_page):
    aims = make_content_page(home_page, "Aims")
    home_page.about_text = "A point of contact for families."
    home_page.about_page = aims
    home_page.save_revision().publish()

    section = parse(client.get("/")).select_one("section.about")

    assert section.h2.get_text() == "Who we are"
    assert "A point of contact for families." in section.get_text()
    assert links(section) == [("/aims/", "Read more: Aims")]


def test_home_page_query_count_does_not_grow_with_content(
    client, home_page, campaigns, django_assert_max_num_queries
):
    make_appeal_index(home_page)
    feature(home_page, make_campaign(campaigns, "One"))
    make_development("First")
    make_appeal("First appeal")
    client.get("/")
    with django_assert_max_num_queries(100) as baseline:
        client.get("/")
    baseline = len(baseline)  # now: the log of queries starts again with each request
    feature(home_page, *(make_campaign(campaigns, f"Campaign {n}") for n in range(5)))
    for number in range(5):
        make_development(f"Development {number}")
        make_appeal(f"Appeal {number}")
    client.get("/")  # publishing moved the site data on: this process builds it afresh once

    with django_assert_max_num_queries(baseline):
        response = client.get("/")

    assert len(parse(response).select("ul.cards li")) == 6


def test_a_preview_shows_the_featured_campaigns_the_editor_has_not_saved_yet(home_page, campaigns):
    first, second = make_campaign(campaigns, "First"), make_campaign(campaigns, "Second")
    feature(home_page, first)

    home_page.featured_campaigns = [FeaturedCampaign(page=second), FeaturedCampaign(page=first)]

    assert [campaign.title for campaign in home_page.featured()] == ["Second", "First"]


def test_the_latest_entries_kept_between_requests_give_way_to_a_new_publish(client, home_page):
    make_timeline_page(home_page)
    make_development("Families meet in Baghdad", date=datetime.date(2003, 7, 17))
    assert "Families meet in Baghdad" in client.get("/").text

    make_development("Relatives gather in Tehran", date=datetime.date(2004, 1, 5))

    headlines = [
        h.get_text(strip=True) for h in parse(client.get("/")).select(".timeline-entry h3")
    ]
    assert headlines == ["Relatives gather in Tehran", "Families meet in Baghdad"]


def test_an_appeal_that_closed_yesterday_is_gone_without_a_publish(client, home_page, monkeypatch):
    from django.utils import timezone

    make_appeal_index(home_page)
    today = timezone.localdate()
    make_appeal(
        "Write to the minister", opens_on=today - datetime.timedelta(days=3), closes_on=today
    )
    assert "Write to the minister" in client.get("/").text

    monkeypatch.setattr(timezone, "localdate", lambda *args: today + datetime.timedelta(days=1))

    assert "Write to the minister" not in client.get("/").text
