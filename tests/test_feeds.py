"""RSS 2.0 and Atom feeds of the timeline, for everything and for one campaign."""

import datetime
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest

from tests.builders import (
    make_campaign,
    make_campaign_index,
    make_development,
    make_timeline_page,
    make_update,
)
from tests.html import parse

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def campaign(home_page):
    make_timeline_page(home_page)
    return make_campaign(make_campaign_index(home_page), "Family Contact")


@pytest.fixture
def entries(campaign):
    return {
        "tehran": make_development(
            "Relatives gather in Tehran", date=datetime.date(2002, 10, 1), precision="month"
        ),
        "baghdad": make_development(
            "Families meet in Baghdad", date=datetime.date(2003, 7, 17), campaign=campaign
        ),
        "update": make_update(campaign, "Fifty families ready", date=datetime.date(2003, 6, 1)),
        "draft": make_development("Not published", live=False, campaign=campaign),
    }


def rss_items(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    assert (root.tag, root.get("version")) == ("rss", "2.0")
    return root.find("channel"), root.find("channel").findall("item")


def test_rss_feed_of_the_whole_timeline(client, entries):
    channel, items = rss_items(client, "/timeline/feed/rss/")

    assert channel.findtext("link") == "http://testserver/timeline/"
    assert [item.findtext("title") for item in items] == [
        "Families meet in Baghdad",
        "Fifty families ready",
        "Relatives gather in Tehran",
    ]
    baghdad, update, tehran = items
    assert baghdad.findtext("description").startswith("17 July 2003.")
    assert tehran.findtext("description").startswith("October 2002.")
    assert (
        update.findtext("link")
        == "http://testserver/campaigns/family-contact/fifty-families-ready/"
    )
    tehran_pk = entries["tehran"].pk
    assert (
        tehran.findtext("link") == f"http://testserver/timeline/?year=2002#development-{tehran_pk}"
    )
    published = parsedate_to_datetime(baghdad.findtext("pubDate"))
    assert published == entries["baghdad"].first_published_at.replace(microsecond=0)
    assert baghdad.findtext("category") == "Family Contact"
    guids = [item.findtext("guid") for item in items]
    assert len(set(guids)) == 3 and all(guid.startswith("tag:testserver,") for guid in guids)


def test_atom_feed_of_one_campaign(client, entries):
    response = client.get("/campaigns/family-contact/feed/atom/")

    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    assert root.tag == f"{ATOM}feed"
    feed_entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in feed_entries] == [
        "Families meet in Baghdad",
        "Fifty families ready",
    ]
    for entry in feed_entries:
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/")
        assert datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
        assert datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}published"))


def test_feeds_are_advertised_in_the_page_head(client, entries):
    timeline = parse(client.get("/timeline/"))
    campaign = parse(client.get("/campaigns/family-contact/"))

    assert [link["href"] for link in timeline.head.select("link[rel=alternate]")] == [
        "/timeline/feed/rss/",
        "/timeline/feed/atom/",
    ]
    assert [link["type"] for link in campaign.head.select("link[rel=alternate]")] == [
        "application/rss+xml",
        "application/atom+xml",
    ]


def test_each_language_has_its_own_feed_of_its_own_entries(client, home_page, campaign, entries):
    from campaigns.models import TimelinePage
    from tests.builders import translate, translate_snippet

    translate(home_page, "fa", title="سازمان آزمایشی")
    translate(TimelinePage.objects.get(), "fa")
    translate_snippet(entries["baghdad"], "fa", headline="دیدار خانواده‌ها در بغداد")

    channel, items = rss_items(client, "/fa/timeline/feed/rss/")

    assert channel.findtext("language") == "fa"
    assert channel.findtext("link") == "http://testserver/fa/timeline/"
    assert [item.findtext("title") for item in items] == ["دیدار خانواده‌ها در بغداد"]
    english_channel, _items = rss_items(client, "/timeline/feed/rss/")
    assert english_channel.findtext("language") == "en"
