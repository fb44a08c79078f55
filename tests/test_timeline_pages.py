"""Timeline pages read from the nearer end show what the plain OFFSET slice shows: ?page=N
keeps meaning the same entries, in either order, with the filters."""

import datetime

import pytest
from django.core.paginator import Paginator
from django.utils import timezone, translation
from wagtail.models import Page

from campaigns.models import CampaignPage, CampaignUpdatePage, Development
from campaigns.models.bases import TimelinePaginator
from campaigns.timeline import Timeline
from tests.builders import (
    make_campaign,
    make_campaign_index,
    make_development,
    make_home_page,
    make_timeline_page,
    make_update,
)
from tests.conftest import kept_for_module
from tests.html import parse

pytestmark = pytest.mark.django_db

SAME_DAY, OTHER_DAY = datetime.date(2003, 7, 17), datetime.date(2004, 2, 1)


@pytest.fixture(autouse=True)
def english():
    """Gregorian years, as on English pages, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


def build_timeline():
    """A timeline full of ties: the same day, the same title and the same publication time
    across developments and updates, entries of a campaign and of the whole organisation, and
    entries never published (no publication time at all)."""
    home_page = make_home_page()
    make_timeline_page(home_page)
    campaign = make_campaign(make_campaign_index(home_page), "Family Contact")
    for number, title in enumerate(["Families meet", "Families meet", "A visit", "Zeal"]):
        make_update(campaign, title, date=SAME_DAY, slug=f"update-{number}")
    make_update(campaign, "Families meet", date=OTHER_DAY, slug="later")
    for number in range(14):
        make_development(
            ["Families meet", "A visit", "Zeal"][number % 3],
            date=[SAME_DAY, OTHER_DAY, datetime.date(2002, 1, 1)][number % 3],
            campaign=campaign if number % 2 else None,
        )
    moment = timezone.now()
    Development.objects.filter(pk__in=Development.objects.order_by("pk")[:8]).update(
        first_published_at=moment
    )
    Development.objects.filter(pk__in=Development.objects.order_by("-pk")[:2]).update(
        first_published_at=None, last_published_at=None
    )
    updates = CampaignUpdatePage.objects.order_by("pk").values("pk")
    Page.objects.filter(pk__in=updates[:2]).update(first_published_at=moment)
    Page.objects.filter(pk__in=updates[2:3]).update(first_published_at=None, last_published_at=None)
    return campaign.pk


@pytest.fixture(scope="module")
def timeline_for_module(request, django_db_setup, django_db_blocker):
    yield from kept_for_module(request, django_db_blocker, build_timeline)


@pytest.fixture
def campaign(timeline_for_module, db):
    """The campaign of build_timeline's entries, put in once for the module."""
    return CampaignPage.objects.get(pk=timeline_for_module)


def timelines(campaign):
    timeline = Timeline(campaign.locale)
    for listed in (timeline, campaign.timeline(), timeline.in_year(2003)):
        yield listed
        yield listed.by_publication()


@pytest.mark.parametrize("per_page", [1, 3, 4, 20])
def test_every_page_shows_the_plain_offset_slice(campaign, per_page):
    for timeline in timelines(campaign):
        plain = Paginator(timeline.rows(), per_page)
        paginator = TimelinePaginator(timeline, per_page)
        assert paginator.num_pages == plain.num_pages
        assert plain.count > 1
        for number in plain.page_range:
            assert list(paginator.page(number).object_list) == list(plain.page(number).object_list)


def test_reading_backwards_gives_the_same_rows_in_reverse(campaign):
    for timeline in timelines(campaign):
        rows = list(timeline.rows())
        assert list(timeline.rows(backwards=True)) == rows[::-1]
        assert list(timeline.rows(first=5, backwards=True)[:5]) == rows[::-1][:5]
        assert list(timeline.rows(first=5)[:5]) == rows[:5]


def headlines(response):
    return [h.get_text(strip=True) for h in parse(response).select(".timeline-entry h3")]


def test_the_last_page_of_a_long_timeline_ends_with_its_oldest_entries(client, campaign):
    Development.objects.filter(date=datetime.date(2002, 1, 1)).update(headline="Oldest")
    Development.objects.bulk_create(
        Development(
            headline=f"Entry {number:02}",
            date=OTHER_DAY,
            locale=campaign.locale,
            live=True,
            first_published_at=timezone.now(),
        )
        for number in range(30)
    )
    count = 19 + 30

    def shown(page, order=""):
        return headlines(client.get("/timeline/", {"page": page, "order": order}))

    last = shown(3)
    assert len(last) == count - 40
    assert last[-4:] == ["Oldest"] * 4
    # Past the end or not a number, as Django's get_page has it: the last page, the first.
    assert shown(99) == last
    assert shown("x") == shown(1) != last
    assert shown(99, "added") == shown(3, "added") != shown(1, "added")
