"""The dated timeline: precision-aware dates and order, publishing, filters and pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from campaigns.models import Development, Precision
from tests.builders import (
    make_campaign,
    make_campaign_index,
    make_content_page,
    make_development,
    make_timeline_page,
    make_update,
)
from tests.html import links, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def timeline_page(home_page):
    return make_timeline_page(home_page)


@pytest.fixture
def campaign(home_page):
    return make_campaign(make_campaign_index(home_page), "Family Contact")


def headlines(response):
    # Not those "Recently added" lists again below (tests/test_feeds.py).
    entries = parse(response).select(".timeline-entry:not(.recently-added *) h3")
    return [h.get_text(strip=True) for h in entries]


@pytest.mark.parametrize(
    ("precision", "shown", "machine"),
    [
        (Precision.DAY, "17 July 2003", "2003-07-17"),
        (Precision.MONTH, "July 2003", "2003-07"),
        (Precision.YEAR, "2003", "2003"),
    ],
)
def test_dates_show_no_more_precision_than_is_known(
    client, timeline_page, precision, shown, machine
):
    make_development(date=datetime.date(2003, 7, 17), precision=precision)

    time = parse(client.get("/timeline/")).select_one(".timeline-entry time")

    assert time.get_text() == shown
    assert time["datetime"] == machine


def test_a_month_or_year_only_date_is_stored_as_the_first_day_of_it():
    month = make_development("Month", date=datetime.date(2003, 5, 20), precision=Precision.MONTH)
    year = make_development("Year", date=datetime.date(2003, 5, 20), precision=Precision.YEAR)

    assert month.date == datetime.date(2003, 5, 1)
    assert year.date == datetime.date(2003, 1, 1)


def test_newest_first_with_month_only_entries_at_the_first_of_the_month_then_by_headline(
    client, timeline_page
):
    make_development("B day", date=datetime.date(2003, 5, 1))
    make_development("C month", date=datetime.date(2003, 5, 28), precision=Precision.MONTH)
    make_development("A month", date=datetime.date(2003, 5, 9), precision=Precision.MONTH)
    make_development("Second of May", date=datetime.date(2003, 5, 2))
    make_development("Year only", date=datetime.date(2003, 9, 9), precision=Precision.YEAR)
    make_development("February", date=datetime.date(2003, 2, 14))

    assert headlines(client.get("/timeline/")) == [
        "Second of May",
        "A month",
        "B day",
        "C month",
        "February",
        "Year only",
    ]


def test_at_most_one_link_per_development(home_page):
    development = Development(
        date=datetime.date(2003, 7, 17),
        headline="Two links",
        link_page=home_page,
        link_url="https://example.org/",
    )

    with pytest.raises(ValidationError) as error:
        development.clean()

    assert "link_url" in error.value.message_dict


def test_only_published_developments_appear_and_draft_changes_stay_invisible(client, timeline_page):
    published = make_development("Published headline")
    make_development("Never published", live=False)
    published.headline = "Edited in a draft"
    published.save_revision()

    assert headlines(client.get("/timeline/")) == ["Published headline"]

    published.get_latest_revision().publish()

    assert headlines(client.get("/timeline/")) == ["Edited in a draft"]


def test_a_published_campaign_update_appears_on_its_campaigns_timeline(client, campaign):
    make_update(campaign, "Fifty families ready", date=datetime.date(2003, 6, 1))
    draft = make_update(campaign, "A draft update", date=datetime.date(2003, 6, 2))
    draft.unpublish()
    make_development("Families meet", date=datetime.date(2003, 7, 17), campaign=campaign)

    page = parse(client.get("/campaigns/family-contact/"))

    entries = page.select(".campaign-timeline .timeline-entry")
    assert [e.h3.get_text(strip=True) for e in entries] == ["Families meet", "Fifty families ready"]
    assert links(entries[1].h3) == [
        ("/campaigns/family-contact/fifty-families-ready/", "Fifty families ready")
    ]
    assert entries[1].time.get_text() == "1 June 2003"


def test_campaign_timeline_has_only_that_campaigns_entries(client, campaign, timeline_page):
    other = make_campaign(campaign.get_parent(), "Camp Ashraf")
    make_development("Ours", campaign=campaign)
    make_development("Theirs", campaign=other)
    make_development("Organisation-wide")

    assert headlines(client.get("/campaigns/family-contact/timeline/")) == ["Ours"]
    assert sorted(headlines(client.get("/timeline/"))) == ["Organisation-wide", "Ours", "Theirs"]


def test_full_timeline_is_grouped_by_year_and_filterable(client, campaign, timeline_page):
    make_development("Tehran", date=datetime.date(2002, 10, 1), campaign=campaign)
    make_development("Baghdad", date=datetime.date(2003, 7, 17), campaign=campaign)
    make_development("Elsewhere", date=datetime.date(2003, 8, 1))

    page = parse(client.get("/timeline/"))
    assert [h.get_text() for h in page.select(".timeline-year h2")] == ["2003", "2002"]
    assert headlines(client.get("/timeline/", {"year": "2003"})) == ["Elsewhere", "Baghdad"]
    assert headlines(client.get("/timeline/", {"campaign": "family-contact"})) == [
        "Baghdad",
        "Tehran",
    ]
    assert headlines(client.get("/timeline/", {"campaign": "family-contact", "year": 2002})) == [
        "Tehran"
    ]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"campaign": "no-such-campaign"}, 404),
        ({"year": "abc"}, 404),
        ({"year": "-3"}, 404),
        ({"year": "٢٠٠٣"}, 404),
        ({"year": "99999"}, 404),
        ({"year": "1850"}, 200),
        ({"page": "abc"}, 200),
        ({"page": "99999"}, 200),
        ({"page": "0"}, 200),
    ],
)
def test_bad_filters_answer_404_or_an_empty_state_never_500(client, timeline_page, params, status):
    make_development()

    response = client.get("/timeline/", params)

    assert response.status_code == status


def test_a_year_without_entries_says_so_and_keeps_the_filter_as_chosen(client, timeline_page):
    make_development()

    page = parse(client.get("/timeline/", {"year": "1850"}))

    assert "No developments in 1850." in page.main.get_text()
    assert "Nothing has been published here yet." not in page.main.get_text()
    assert page.select_one("#filter-year option[selected]")["value"] == "1850"
    assert ("/timeline/", "Clear the filter and show all developments") in links(page.main)


def test_a_campaign_and_year_without_entries_name_both(client, timeline_page, home_page):
    campaign = make_campaign(make_campaign_index(home_page))
    make_development(date=datetime.date(2003, 7, 17))
    make_development("Of the campaign", campaign=campaign, date=datetime.date(2002, 10, 1))

    page = parse(client.get("/timeline/", {"year": "2003", "campaign": campaign.slug}))

    text = " ".join(page.main.get_text().split())
    assert "No developments in 2003 for the campaign Family Contact." in text
    assert page.select_one("#filter-year option[selected]")["value"] == "2003"
    assert page.select_one("#filter-campaign option[selected]")["value"] == campaign.slug


def test_the_timeline_is_paginated(client, timeline_page):
    for day in range(1, 26):
        make_development(f"Day {day:02}", date=datetime.date(2003, 7, day))

    first = client.get("/timeline/")
    second = client.get("/timeline/", {"page": 2})
    past_the_end = client.get("/timeline/", {"page": 99})

    assert len(headlines(first)) == 20
    assert headlines(second) == [f"Day {day:02}" for day in range(5, 0, -1)]
    assert headlines(past_the_end) == headlines(second)
    assert ("?page=2", "Next page") in links(parse(first).select_one("nav.pagination"))


def test_the_pagination_keeps_the_filters(client, campaign, timeline_page):
    for day in range(1, 23):
        make_development(f"Day {day}", date=datetime.date(2003, 7, day), campaign=campaign)

    pagination = parse(client.get("/timeline/", {"campaign": "family-contact", "year": 2003}))

    assert ("?campaign=family-contact&year=2003&page=2", "Next page") in links(
        pagination.select_one("nav.pagination")
    )


def test_a_development_links_to_its_page_only_while_that_page_is_live(
    client, home_page, timeline_page
):
    statement = make_content_page(home_page, "Statement")
    withdrawn = make_content_page(home_page, "Withdrawn")
    make_development("Read the statement", link_page=statement)
    make_development("Read nothing", link_page=withdrawn)
    withdrawn.unpublish()

    entries = parse(client.get("/timeline/")).select(".timeline-entry h3")

    assert {e.get_text(strip=True): links(e) for e in entries} == {
        "Read the statement": [("/statement/", "Read the statement")],
        "Read nothing": [],
    }


def test_a_development_links_to_its_document_or_address(client, timeline_page):
    make_development("External", link_url="https://example.org/report")

    assert links(parse(client.get("/timeline/")).select_one(".timeline-entry h3")) == [
        ("https://example.org/report", "External")
    ]


@pytest.fixture
def persian_timeline(home_page, timeline_page):
    from tests.builders import translate

    translate(home_page, "fa")
    return translate(timeline_page, "fa")


def make_persian_development(headline, date, **fields):
    from wagtail.models import Locale

    return make_development(
        headline, date=date, locale=Locale.objects.get(language_code="fa"), **fields
    )


def test_the_persian_timeline_files_entries_under_solar_hijri_years_in_persian_digits(
    client, persian_timeline
):
    make_persian_development("Nowruz 1383", datetime.date(2004, 3, 20))
    make_persian_development("Last day of 1382", datetime.date(2004, 3, 19))
    make_persian_development("Nowruz 1382", datetime.date(2003, 3, 21))
    make_persian_development("Eve of Nowruz", datetime.date(2003, 3, 20))
    # Stored as 1 January 2003 (11 Dey 1381), shown as "۱۳۸۱–۱۳۸۲ (۲۰۰۳)": filed under 1381,
    # where its span begins (base.dates.filing_year).
    make_persian_development("Year only", datetime.date(2003, 5, 5), precision=Precision.YEAR)
    make_persian_development("Autumn", datetime.date(2002, 10, 1))

    page = parse(client.get("/fa/timeline/"))

    sections = {
        s.h2.get_text(): [h.get_text(strip=True) for h in s.select("h3")]
        for s in page.select(".timeline-year")
    }
    assert sections == {
        "۱۳۸۳": ["Nowruz 1383"],
        "۱۳۸۲": ["Last day of 1382", "Nowruz 1382"],
        "۱۳۸۱": ["Eve of Nowruz", "Year only", "Autumn"],
    }
    options = page.select("#filter-year option")[1:]
    assert [(o["value"], o.get_text()) for o in options] == [
        ("1383", "۱۳۸۳"),
        ("1382", "۱۳۸۲"),
        ("1381", "۱۳۸۱"),
    ]


def test_a_persian_year_without_entries_is_named_in_persian_digits(client, persian_timeline):
    make_persian_development("Nowruz 1382", datetime.date(2003, 3, 21))

    page = parse(client.get("/fa/timeline/", {"year": "1383"}))

    assert "در سال ۱۳۸۳ رویدادی ثبت نشده است." in " ".join(page.main.get_text().split())
    assert page.select_one("#filter-year option[selected]").get_text() == "۱۳۸۳"


def test_the_persian_year_filter_takes_a_solar_hijri_year(client, persian_timeline):
    make_persian_development("Nowruz 1383", datetime.date(2004, 3, 20))
    make_persian_development("Last day of 1382", datetime.date(2004, 3, 19))
    make_persian_development("Nowruz 1382", datetime.date(2003, 3, 21))
    make_persian_development("Eve of Nowruz", datetime.date(2003, 3, 20))

    filtered = parse(client.get("/fa/timeline/", {"year": "1382"}))

    assert [h.get_text(strip=True) for h in filtered.select(".timeline-entry h3")] == [
        "Last day of 1382",
        "Nowruz 1382",
    ]
    assert filtered.select_one("#filter-year option[selected]").get_text() == "۱۳۸۲"
    # English pages keep Gregorian years.
    make_development("English", date=datetime.date(2003, 3, 20))
    assert headlines(client.get("/timeline/", {"year": "2003"})) == ["English"]


@pytest.mark.parametrize(
    ("year", "status"),
    [("abc", 404), ("۱۳۸۲", 404), ("0", 404), ("9377", 404), ("9376", 200), ("2003", 200)],
)
def test_bad_persian_years_answer_404_never_500(client, persian_timeline, year, status):
    make_persian_development("Baghdad", datetime.date(2003, 7, 17))

    assert client.get("/fa/timeline/", {"year": year}).status_code == status


def test_the_persian_campaign_timeline_has_solar_hijri_years_too(client, campaign):
    from tests.builders import translate

    translate(campaign.get_parent().get_parent(), "fa")
    translate(campaign.get_parent(), "fa")
    persian = translate(campaign, "fa")
    make_update(persian, "Nowruz", date=datetime.date(2003, 3, 21))

    page = parse(client.get(f"{persian.url}timeline/"))

    assert [h.get_text() for h in page.select(".timeline-year h2")] == ["۱۳۸۲"]
    assert [o.get_text() for o in page.select("#filter-year option")][1:] == ["۱۳۸۲"]


def test_the_persian_year_list_costs_the_same_queries_however_many_years(client, persian_timeline):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        client.get("/fa/timeline/")  # the site data, built once
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/fa/timeline/", {"year": "1382"}).status_code == 200
        return len(captured)

    make_persian_development("One", datetime.date(2003, 7, 17))
    few = queries()
    for year in range(1990, 2020):
        make_persian_development(f"March {year}", datetime.date(year, 3, 1))
        make_persian_development(f"April {year}", datetime.date(year, 4, 1))

    assert queries() == few
    page = parse(client.get("/fa/timeline/"))
    assert len(page.select("#filter-year option")) == 1 + 31  # 1368 to 1398


def test_the_timeline_counts_its_entries_and_years_once_until_the_next_change(
    client, timeline_page
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_development("Families meet in Baghdad", date=datetime.date(2003, 7, 17))

    with CaptureQueriesContext(connection) as first:
        client.get("/timeline/")
    with CaptureQueriesContext(connection) as second:
        client.get("/timeline/?page=1")
    # The entries' rows, their count and their years: the last two once.
    assert len([q for q in first if "UNION" in q["sql"]]) == 3
    assert len([q for q in second if "UNION" in q["sql"]]) == 1

    make_development("Families meet again", date=datetime.date(2005, 3, 1))

    response = client.get("/timeline/")
    assert headlines(response) == ["Families meet again", "Families meet in Baghdad"]
    assert "2005" in parse(response).select_one("select[name=year]").get_text()
