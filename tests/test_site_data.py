"""Uncached pages ask the database only for their own content: the site, its settings, menus and
sections come from the site data, which follows every change readers would see."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from advocacy.models import FeaturedCampaign
from tests.builders import (
    make_appeal,
    make_appeal_index,
    make_campaign,
    make_campaign_index,
    make_content_page,
    make_development,
    make_document,
    make_faq_page,
    make_timeline_page,
    make_update,
    publish,
    set_site_settings,
    translate,
)
from tests.html import links, parse
from tests.test_campaign_pages import add_developments

pytestmark = pytest.mark.django_db

QUERY_GOAL = 8
PAGES = [
    "/",
    "/aims/",
    "/faq/",
    "/campaigns/",
    "/campaigns/family-contact/",
    "/campaigns/family-contact/fifty-families-ready-to-travel/",
    "/campaigns/family-contact/timeline/",
    "/timeline/",
    "/timeline/?year=2003",
    "/appeals/",
    "/appeals/write-to-the-un-special-rapporteur/",
    "/search/?q=families",
]


def queries_for(client, path):
    """Queries of the second request: the first after a change builds the site data."""
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


@pytest.fixture
def whole_site(home_page):
    set_site_settings(organisation_name="Test Organisation", contact_email="info@example.org")
    make_content_page(home_page, "Aims")
    make_faq_page(home_page, questions=[("Who are you?", "<p>Families.</p>")])
    index = make_campaign_index(home_page)
    appeal = make_appeal(campaign=None)
    campaign = make_campaign(
        index,
        body=[
            ("paragraph", RichText("<p>Families ask to visit.</p>")),
            ("document", {"document": make_document(), "title": ""}),
            ("call_to_action", {"heading": "Act now", "appeal": appeal}),
        ],
    )
    appeal.campaign = campaign
    appeal.save_revision().publish()
    make_appeal("Ask the ICRC", campaign=campaign)
    make_update(campaign, date=datetime.date(2004, 1, 1))
    make_timeline_page(home_page)
    make_appeal_index(home_page)
    FeaturedCampaign.objects.create(home_page=home_page, page=campaign, sort_order=0)
    add_developments(campaign, 10)
    return campaign


def test_every_public_page_type_takes_at_most_8_queries_with_10_or_1000_developments(
    client, whole_site
):
    with_ten = {path: queries_for(client, path) for path in PAGES}

    add_developments(whole_site, 990)

    with_thousand = {path: queries_for(client, path) for path in PAGES}
    assert with_thousand == with_ten
    assert max(with_ten.values()) <= QUERY_GOAL, with_ten


def test_a_change_readers_see_reaches_the_menu_on_the_next_request(client, home_page):
    make_content_page(home_page, "Aims")
    client.get("/")
    make_content_page(home_page, "Contact")

    menu = parse(client.get("/")).select_one("nav.site-nav")

    assert [text for _href, text in links(menu)] == ["Home", "Aims", "Contact"]


def test_changed_site_settings_show_on_the_next_request(client, home_page):
    set_site_settings(organisation_name="Old name")
    client.get("/")

    set_site_settings(organisation_name="New name")

    assert parse(client.get("/")).select_one(".site-name").get_text() == "New name"


def test_a_page_made_private_after_the_site_data_was_built_asks_for_its_password(client, home_page):
    make_content_page(home_page, "Aims")
    assert client.get("/aims/").status_code == 200
    private = make_content_page(home_page, "Members")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )

    response = client.get("/members/")
    menu = parse(client.get("/aims/")).select_one("nav.site-nav")

    assert b"password" in response.content.lower()
    assert "Some text." not in response.content.decode()
    assert [text for _href, text in links(menu)] == ["Home", "Aims"]


def test_updates_below_a_private_campaign_stay_off_the_timeline(client, home_page):
    index = make_campaign_index(home_page)
    make_timeline_page(home_page)
    make_update(make_campaign(index, "Open"), "Seen update")
    hidden = make_campaign(index, "Closed")
    make_update(hidden, "Hidden update")
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)

    text = parse(client.get("/timeline/")).get_text()

    assert "Seen update" in text
    assert "Hidden update" not in text


def test_the_timeline_filter_lists_campaigns_published_since_by_title_and_no_private_one(
    client, home_page
):
    index = make_campaign_index(home_page)
    make_timeline_page(home_page)
    make_campaign(index, "Family Contact")
    client.get("/timeline/")
    make_campaign(index, "Access to lawyers")
    hidden = make_campaign(index, "Closed")
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)

    page = parse(client.get("/timeline/?campaign=access-to-lawyers"))

    assert [
        (option["value"], option.get_text(), option.has_attr("selected"))
        for option in page.select("#filter-campaign option")[1:]
    ] == [
        ("access-to-lawyers", "Access to lawyers", True),
        ("family-contact", "Family Contact", False),
    ]


def test_links_to_a_page_follow_its_new_address_on_the_next_request(client, home_page):
    aims = make_content_page(home_page, "Aims")
    client.get("/aims/")
    aims.slug = "our-aims"
    publish(aims)

    menu = parse(client.get("/")).select_one("nav.site-nav")

    assert links(menu) == [("/", "Home"), ("/our-aims/", "Aims")]


def test_a_routable_pages_own_address_comes_before_a_child_with_the_same_slug(client, home_page):
    campaign = make_campaign(make_campaign_index(home_page))
    make_update(campaign, "Timeline", slug="timeline")

    page = parse(client.get("/campaigns/family-contact/timeline/"))

    assert page.h1.get_text() == "Developments: Family Contact"


def test_a_live_page_below_an_unpublished_one_is_served_as_wagtail_would(client, home_page):
    index = make_campaign_index(home_page)
    make_campaign(index)
    index.unpublish()

    assert client.get("/campaigns/").status_code == 404
    assert client.get("/campaigns/family-contact/").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/nowhere/",
        "/campaigns/nowhere/",
        "/campaigns/family-contact/nowhere/",
        "/campaigns/family-contact/fifty-families-ready-to-travel/more/",
        "/draft/",
    ],
)
def test_addresses_of_no_live_page_are_not_found(client, home_page, path):
    campaign = make_campaign(make_campaign_index(home_page))
    make_update(campaign)
    make_content_page(home_page, "Draft", live=False)

    assert client.get(path).status_code == 404


def test_the_site_root_paths_pages_addresses_are_built_from_are_wagtails(home_page):
    from wagtail.models import Site

    from base.site_data import SiteData

    translate(home_page, "fa")
    other = make_content_page(home_page, "Other")
    Site.objects.create(hostname="other.example", port=8080, root_page=other)
    Site.objects.create(hostname="www.example", port=80, root_page=home_page)

    kept, wagtails = SiteData.build().site_root_paths, Site.get_site_root_paths()

    # The order of the sites decides which one a page's address is at; that of a site's
    # translations does not (each has its own root).
    assert [path.site_id for path in kept] == [path.site_id for path in wagtails]
    assert sorted(kept) == sorted(wagtails)
    assert len(kept) == 5


def test_a_site_for_another_host_is_served_its_own_home_page(client, home_page, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    from wagtail.models import Page, Site

    from advocacy.models import HomePage

    other = HomePage(title="Other organisation", slug="other-home")
    Page.get_first_root_node().add_child(instance=other)
    publish(other)
    Site.objects.create(hostname="other.example", port=80, root_page=other)

    default = parse(client.get("/"))
    elsewhere = parse(client.get("/", HTTP_HOST="other.example"))

    assert default.h1.get_text(strip=True) == "Test Organisation"
    assert elsewhere.h1.get_text(strip=True) == "Other organisation"


def test_two_sites_with_one_root_page_both_serve_its_pages_menu_and_privacy_page(
    client, home_page, settings
):
    """As for www. and the bare domain: each host has its own Site, and both its settings."""
    from wagtail.models import Site

    from advocacy.models import SiteSettings

    settings.ALLOWED_HOSTS = ["testserver", "example.org", "www.example.org"]
    make_content_page(home_page, "Aims")
    privacy = make_content_page(home_page, "Privacy", show_in_menus=False)
    Site.objects.filter(is_default_site=True).update(hostname="example.org")
    www = Site.objects.create(hostname="www.example.org", port=80, root_page=home_page)
    set_site_settings(privacy_page=privacy)
    SiteSettings.objects.create(site=www, privacy_page=privacy)

    for host in ["example.org", "www.example.org"]:
        response = client.get("/aims/", HTTP_HOST=host)
        assert response.status_code == 200, host
        page = parse(response)
        assert [text for _href, text in links(page.select_one("nav.site-nav"))] == [
            "Home",
            "Aims",
        ], host
        assert ("/privacy/", "Privacy") in links(page.select_one("footer")), host


def test_a_developments_link_to_a_page_of_two_hosts_stays_on_the_readers_host(
    client, home_page, settings
):
    from wagtail.models import Site

    settings.ALLOWED_HOSTS = ["testserver", "example.org", "www.example.org"]
    aims = make_content_page(home_page, "Aims")
    make_timeline_page(home_page)
    make_development("Our aims, written down", link_page=aims)
    Site.objects.filter(is_default_site=True).update(hostname="example.org")
    Site.objects.create(hostname="www.example.org", port=80, root_page=home_page)

    for host in ["example.org", "www.example.org"]:
        entry = parse(client.get("/timeline/", HTTP_HOST=host)).select_one(".timeline-entry h3")
        assert links(entry) == [("/aims/", "Our aims, written down")], host


def test_every_page_links_its_privacy_page_from_the_footer_once_editors_choose_it(
    client, home_page
):
    make_content_page(home_page, "Aims")
    privacy = make_content_page(home_page, "Privacy", show_in_menus=False)
    assert "Privacy" not in parse(client.get("/aims/")).select_one("footer").get_text()

    set_site_settings(privacy_page=privacy)

    footer = parse(client.get("/aims/")).select_one("footer")
    assert ("/privacy/", "Privacy") in links(footer)
