"""Listings that grow with the archive stay a reader's page long: the campaign index and the
appeals page come in pages (?page=N, as the timeline's), and the timeline's campaign filter
offers the campaigns with the newest developments once there are many, not every campaign."""

import datetime

import pytest

from campaigns.models import appeals as appeal_models
from campaigns.models import developments, pages
from tests.builders import (
    make_appeal,
    make_appeal_index,
    make_campaign,
    make_campaign_index,
    make_development,
    make_timeline_page,
)
from tests.html import parse

pytestmark = pytest.mark.django_db


def titles(response, selector):
    return [heading.get_text(strip=True) for heading in parse(response).select(selector)]


def pager(response):
    """The pager's text and its links, by rel."""
    nav = parse(response).select_one("nav.pagination")
    if nav is None:
        return None, {}
    current = nav.select_one("[aria-current=page]").get_text(strip=True)
    return current, {link["rel"][0]: link["href"] for link in nav.select("a[rel]")}


def read_every_page(client, path, selector):
    """The titles of every page of a listing, following its "next" links from the first."""
    seen, address, pages_read = [], path, 0
    while address is not None:
        response = client.get(address if address.startswith("/") else path + address)
        assert response.status_code == 200, address
        seen.append(titles(response, selector))
        address = pager(response)[1].get("next")
        pages_read += 1
        assert pages_read < 10, "the pager does not end"
    return seen


def test_the_campaign_index_comes_in_pages_with_every_campaign_once(client, home_page, monkeypatch):
    monkeypatch.setattr(pages, "CAMPAIGNS_PER_PAGE", 3)
    index = make_campaign_index(home_page)
    for number in range(7):
        make_campaign(index, f"Campaign {number}")

    listed = read_every_page(client, "/campaigns/", "ul.cards h2")

    assert [len(page) for page in listed] == [3, 3, 1]
    assert sorted(sum(listed, [])) == [f"Campaign {number}" for number in range(7)]
    # The newest first, as before the pages; and ?page=2 is the same page on every request.
    assert listed[0] == ["Campaign 6", "Campaign 5", "Campaign 4"]
    second = client.get("/campaigns/?page=2")
    assert pager(second) == ("Page 2 of 3", {"prev": "?page=1", "next": "?page=3"})
    assert titles(second, "ul.cards h2") == listed[1]


def test_a_short_campaign_index_has_no_pager_and_a_bad_page_number_an_answer(client, home_page):
    index = make_campaign_index(home_page)
    make_campaign(index, "Family Contact")

    first = client.get("/campaigns/")
    assert pager(first) == (None, {})
    for page in ("0", "99", "x", "-1"):
        response = client.get(f"/campaigns/?page={page}")
        assert response.status_code == 200, page
        assert titles(response, "ul.cards h2") == ["Family Contact"], page


def test_the_appeals_page_comes_in_pages_open_appeals_first(client, home_page, monkeypatch):
    monkeypatch.setattr(appeal_models, "APPEALS_PER_PAGE", 2)
    make_appeal_index(home_page)
    for number in range(4):
        make_appeal(f"Open appeal {number}", opens_on=datetime.date(2003, 5, 1 + number))
    make_appeal(
        "Closed appeal", opens_on=datetime.date(2003, 1, 1), closes_on=datetime.date(2003, 2, 1)
    )

    listed = read_every_page(client, "/appeals/", "ul.cards h2")

    assert [len(page) for page in listed] == [2, 2, 1]
    assert listed[-1] == ["Closed appeal"]
    assert sorted(sum(listed[:2], [])) == [f"Open appeal {number}" for number in range(4)]
    # An appeal's own page, below the appeals page, is not paged.
    assert client.get("/appeals/open-appeal-0/").status_code == 200


@pytest.fixture
def many_campaigns(home_page, monkeypatch):
    """Five campaigns, each with a development a year apart (Campaign 4 the newest), and a
    filter that lists all of them only up to three."""
    monkeypatch.setattr(developments, "FILTER_CAMPAIGNS", 3)
    make_timeline_page(home_page)
    index = make_campaign_index(home_page)
    campaigns = [make_campaign(index, f"Campaign {number}") for number in range(5)]
    for number, campaign in enumerate(campaigns):
        make_development(
            f"News {number}", date=datetime.date(2000 + number, 1, 1), campaign=campaign
        )
    return campaigns


def offered(response):
    return [option.get_text() for option in parse(response).select("#filter-campaign option")[1:]]


def test_past_a_few_campaigns_the_filter_offers_those_with_the_newest_developments(
    client, many_campaigns
):
    response = client.get("/timeline/")

    assert offered(response) == ["Campaign 2", "Campaign 3", "Campaign 4"]
    select = parse(response).select_one("#filter-campaign")
    hint = parse(response).select_one(f"#{select['aria-describedby']}")
    assert hint.a["href"] == "/campaigns/" and "newest developments" in hint.get_text()


def test_a_campaign_chosen_from_its_own_link_stays_chosen_in_the_filter(client, many_campaigns):
    response = client.get("/timeline/?campaign=campaign-0")

    assert response.status_code == 200
    assert offered(response) == ["Campaign 0", "Campaign 2", "Campaign 3", "Campaign 4"]
    chosen = parse(response).select_one("#filter-campaign option[selected]")
    assert chosen.get_text() == "Campaign 0"
    assert titles(response, ".timeline-entry:not(.recently-added *) h3") == ["News 0"]


def test_a_few_campaigns_are_all_offered_without_a_hint(client, many_campaigns, monkeypatch):
    monkeypatch.setattr(developments, "FILTER_CAMPAIGNS", 5)

    response = client.get("/timeline/")

    assert offered(response) == [f"Campaign {number}" for number in range(5)]
    assert parse(response).select_one("#filter-campaign-hint") is None
    assert not parse(response).select_one("#filter-campaign").has_attr("aria-describedby")
