"""Bad input in the admin and odd data never give a 500; queries stay fixed on listings."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from campaigns.models import Appeal, Development
from tests.builders import (
    appeal_form_data,
    make_appeal,
    make_appeal_index,
    make_campaign,
    make_campaign_index,
    make_development,
    make_timeline_page,
    translate,
)
from tests.html import parse

pytestmark = pytest.mark.django_db


def test_a_duplicate_appeal_address_is_a_form_error_not_a_500(admin_client):
    make_appeal()

    response = admin_client.post(
        "/admin/snippets/campaigns/appeal/add/",
        {
            **appeal_form_data(title="Write again", slug="write-to-the-un-special-rapporteur"),
            "action-publish": "publish",
        },
    )

    assert response.status_code == 200
    assert "already has this address" in str(response.context["form"].errors["slug"])
    assert Appeal.objects.count() == 1


def test_only_web_addresses_are_accepted_as_targets():
    appeal = Appeal(
        title="Elsewhere",
        slug="elsewhere",
        target_name="Someone",
        ask="Ask.",
        action=Appeal.Action.LINK,
        action_url="ftp://example.org/x",
        locale=Locale.get_default(),
    )

    with pytest.raises(ValidationError) as error:
        appeal.full_clean()

    assert "action_url" in error.value.message_dict


@pytest.mark.parametrize(
    ("listing", "ordering"),
    [
        ("appeal", "title"),
        ("appeal", "-opens_on"),
        ("development", "headline"),
        ("development", "-date"),
    ],
)
def test_searching_a_sorted_admin_listing_works(admin_client, listing, ordering):
    make_appeal("Visits appeal")
    make_development("Visits refused")

    response = admin_client.get(
        f"/admin/snippets/campaigns/{listing}/", {"q": "visits", "ordering": ordering}
    )

    assert response.status_code == 200
    assert len(parse(response).select("tbody tr")) == 1


def test_feeds_cope_with_entries_never_published_through_the_admin(client, home_page):
    make_timeline_page(home_page)
    Development.objects.create(
        date=datetime.date(2003, 7, 17),
        headline="Imported",
        live=True,
        locale=Locale.get_default(),
    )

    response = client.get("/timeline/feed/rss/")

    assert response.status_code == 200
    assert b"<title>Imported</title>" in response.content


def test_a_closed_persian_appeal_answers_in_persian(client, home_page):
    make_appeal_index(home_page)
    translate(home_page, "fa", title="خانه")
    appeal = make_appeal(
        "فراخوان",
        slug="farakhan",
        locale=Locale.objects.get(language_code="fa"),
        closes_on=datetime.date(2004, 1, 1),
    )

    page = parse(client.get(f"/act/{appeal.pk}/", HTTP_ACCEPT_LANGUAGE="en"))

    assert (page.html["lang"], page.html["dir"]) == ("fa", "rtl")


def test_robots_txt_keeps_crawlers_off_the_action_links(client, db):
    assert "Disallow: /act/" in client.get("/robots.txt").content.decode().splitlines()


def test_the_appeal_pages_canonical_address_has_no_query_string(client, home_page):
    make_appeal_index(home_page)
    make_appeal()

    page = parse(client.get("/appeals/write-to-the-un-special-rapporteur/", {"utm_source": "x"}))

    canonical = "http://testserver/appeals/write-to-the-un-special-rapporteur/"
    assert page.find("link", rel="canonical")["href"] == canonical


def test_editors_cannot_change_or_delete_documents_and_images_of_others():
    codenames = {p.codename for p in Group.objects.get(name="Editors").permissions.all()}

    assert {"add_document", "add_image"} <= codenames
    assert not {"change_document", "delete_document", "change_image", "delete_image"} & codenames


def count_queries(client, path, **params):
    client.get(path, params)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "path", ["/timeline/", "/appeals/", "/", "/campaigns/family-contact/timeline/"]
)
def test_listing_pages_cost_the_same_queries_with_few_and_many_entries(client, home_page, path):
    make_timeline_page(home_page)
    make_appeal_index(home_page)
    campaign = make_campaign(make_campaign_index(home_page))
    make_development("First", campaign=campaign)
    make_appeal("First appeal", campaign=campaign)
    few = count_queries(client, path)

    for number in range(6):
        make_development(f"Development {number}", campaign=campaign)
        make_appeal(f"Appeal {number}", campaign=campaign)

    assert count_queries(client, path) == few


def test_search_costs_the_same_queries_for_one_and_five_results(client, home_page):
    make_appeal_index(home_page)
    campaign = make_campaign(make_campaign_index(home_page))
    make_development("Visits refused 0", campaign=campaign)
    one = count_queries(client, "/search/", q="visits")

    for number in range(1, 5):
        make_development(f"Visits refused {number}", campaign=campaign)

    assert count_queries(client, "/search/", q="visits") == one
