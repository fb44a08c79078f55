"""RSS 2.0 and Atom feeds of the timeline, for everything and for one campaign."""

import datetime
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest
from django.utils import timezone

from campaigns.models import Development
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
    # The last published first: the update was published after the developments.
    assert [item.findtext("title") for item in items] == [
        "Fifty families ready",
        "Families meet in Baghdad",
        "Relatives gather in Tehran",
    ]
    update, baghdad, tehran = items
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
        "Fifty families ready",
        "Families meet in Baghdad",
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


def published_on(entry, when):
    type(entry).objects.filter(pk=entry.pk).update(first_published_at=when, last_published_at=when)


def test_the_feed_lists_entries_by_when_they_were_published_not_by_their_event_date(
    client, entries
):
    now = timezone.now()
    published_on(entries["baghdad"], now - datetime.timedelta(days=30))
    published_on(entries["update"], now - datetime.timedelta(days=20))
    published_on(entries["tehran"], now - datetime.timedelta(days=10))

    _channel, items = rss_items(client, "/timeline/feed/rss/")

    assert [item.findtext("title") for item in items] == [
        "Relatives gather in Tehran",
        "Fifty families ready",
        "Families meet in Baghdad",
    ]


def test_a_development_published_today_about_an_event_of_years_ago_tops_the_feed(
    client, campaign, entries
):
    make_development(
        "Letters to the camp went unanswered",
        date=datetime.date(1999, 3, 1),
        precision="month",
        campaign=campaign,
        summary="Families wrote to the camp for a year.",
    )

    _channel, items = rss_items(client, "/timeline/feed/rss/")
    root = ET.fromstring(client.get("/campaigns/family-contact/feed/atom/").content)  # noqa: S314

    assert items[0].findtext("title") == "Letters to the camp went unanswered"
    assert items[0].findtext("description") == "March 1999. Families wrote to the camp for a year."
    assert root.find(f"{ATOM}entry").findtext(f"{ATOM}title") == (
        "Letters to the camp went unanswered"
    )


def test_the_feed_holds_only_the_latest_published_entries(client, entries, monkeypatch):
    monkeypatch.setattr("campaigns.feeds.FEED_LENGTH", 2)
    now = timezone.now()
    for days, name in enumerate(["tehran", "update", "baghdad"]):
        published_on(entries[name], now - datetime.timedelta(days=days))

    _channel, items = rss_items(client, "/timeline/feed/rss/")

    assert [item.findtext("title") for item in items] == [
        "Relatives gather in Tehran",
        "Fifty families ready",
    ]


def headlines(page):
    return [h.get_text(strip=True) for h in page.select(".timeline-entry h3")]


def test_the_timeline_lists_the_newest_additions_first_on_request(client, campaign, entries):
    # Twenty recent events fill the timeline's first page...
    today = datetime.date.today()
    for day in range(1, 21):
        make_development(f"Visit {day}", date=today - datetime.timedelta(days=day))
        published_on(
            Development.objects.get(headline=f"Visit {day}"),
            timezone.now() - datetime.timedelta(days=day),
        )
    # ...so one about an old event, published today, is found by date only pages below.
    make_development("Letters went unanswered", date=datetime.date(1999, 3, 1), campaign=campaign)

    by_date = parse(client.get("/timeline/"))
    link = by_date.select_one(".feed-note a")
    added = parse(client.get("/timeline/" + link["href"]))
    of_campaign = parse(client.get("/timeline/?campaign=family-contact&order=added"))

    assert "Letters went unanswered" not in headlines(by_date)
    assert link.get_text() == "See the newest additions first"
    assert headlines(added)[0] == "Letters went unanswered"
    assert added.select(".timeline-entry time")[0].get_text() == "1 March 1999"
    assert added.select_one("#filter-order option[selected]")["value"] == "added"
    assert headlines(of_campaign)[:3] == [
        "Letters went unanswered",
        "Fifty families ready",
        "Families meet in Baghdad",
    ]
    assert client.get("/timeline/?order=zebra").status_code == 404


def test_the_campaign_page_and_its_timeline_point_to_its_newest_additions_and_feeds(
    client, campaign, entries
):
    for path in ["/campaigns/family-contact/", "/campaigns/family-contact/timeline/"]:
        note = parse(client.get(path)).select_one(".feed-note")
        assert [a["href"] for a in note.select("a")] == [
            "/timeline/?campaign=family-contact&order=added",
            "/campaigns/family-contact/feed/rss/",
            "/campaigns/family-contact/feed/atom/",
        ]


def test_without_a_timeline_page_the_campaign_page_points_to_its_feeds_alone(client, home_page):
    make_campaign(make_campaign_index(home_page), "Family Contact")

    note = parse(client.get("/campaigns/family-contact/")).select_one(".feed-note")

    assert "whatever its date" in note.get_text()
    assert [a["href"] for a in note.select("a")] == [
        "/campaigns/family-contact/feed/rss/",
        "/campaigns/family-contact/feed/atom/",
    ]
