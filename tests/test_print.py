"""On paper: links to the site's own pages carry their full address for the print stylesheet."""

import pytest
from bs4 import BeautifulSoup
from django.test import RequestFactory

from base.templatetags.print_tags import print_addresses
from tests.builders import make_appeal, make_appeal_index, make_campaign, make_campaign_index
from tests.html import parse

pytestmark = pytest.mark.django_db


def test_links_to_the_sites_pages_carry_their_full_address(client, home_page):
    make_appeal_index(home_page)
    campaign = make_campaign(make_campaign_index(home_page))
    appeal = make_appeal("Open appeal", campaign=campaign)

    main = parse(client.get("/campaigns/family-contact/")).main

    button = main.select_one(".act-now a.button")
    assert button["data-print-href"] == f"http://testserver/appeals/{appeal.slug}/"
    # Links within the page lead nowhere on paper.
    assert all(not a.has_attr("data-print-href") for a in main.select('a[href^="#"]'))


def test_links_to_the_same_page_or_another_site_get_no_address():
    request = RequestFactory().get("/aims/")
    html = (
        '<a href="/aims/">here</a> <a class="x" href="/aims/#why">a section</a> '
        '<a href="//elsewhere.example/">protocol-relative</a> <a href="https://un.example/">UN</a> '
        '<a href="/faq/?q=a&amp;b=c" lang="en">FAQ</a>'
    )

    printed = BeautifulSoup(print_addresses(html, request), "html.parser")

    assert [a.get("data-print-href") for a in printed.select("a")] == [
        None,
        None,
        None,
        None,
        "http://testserver/faq/?q=a&b=c",
    ]
