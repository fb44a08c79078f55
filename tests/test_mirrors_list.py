"""Readers learn the site's other addresses on every page: the mirrors editors list in the
site settings and the onion service, in the footer, in a page's mirrors section, and (for
Tor Browser) in the Onion-Location header."""

import pytest

from tests.builders import make_content_page, set_site_settings, translate
from tests.html import parse

ONION = "http://" + "a" * 56 + ".onion"
MIRROR = "https://copy.example.org/"


@pytest.fixture
def listed(settings, home_page):
    settings.ONION_ADDRESS = ONION
    set_site_settings(organisation_name="Test Organisation", mirrors=[("mirror", MIRROR)])
    aims = make_content_page(home_page, "Aims", body=[("mirrors", None)])
    translate(home_page, "fa", title="خانه")
    translate(aims, "fa", title="اهداف", body=[("mirrors", None)])
    return aims


def addresses(element):
    return [a["href"] for a in element.select(".mirrors a")]


def test_every_page_lists_the_mirrors_and_the_onion_address_of_the_same_page(client, listed):
    for path in ["/aims/", "/fa/aims/"]:
        page = parse(client.get(path))

        assert addresses(page.select_one("footer")) == [MIRROR, ONION + path]
    persian = parse(client.get("/fa/aims/")).select_one("footer .mirrors")
    assert "با مرورگر تور" in persian.get_text()
    assert all(a["dir"] == "ltr" for a in persian.select("a"))


def test_a_pages_mirrors_section_lists_them_under_a_heading(client, listed):
    section = parse(client.get("/fa/aims/")).select_one("main .mirrors")

    assert section.h3.get_text().startswith("اگر این تارنما")
    assert addresses(section) == [MIRROR, ONION + "/fa/aims/"]


def test_public_responses_tell_tor_browser_the_onion_address(client, listed):
    response = client.get("/fa/aims/?page=1")

    assert response["Onion-Location"] == ONION + "/fa/aims/?page=1"
    assert "Onion-Location" not in client.get("/admin/login/")


def test_without_mirrors_or_onion_address_nothing_is_listed(client, home_page, settings):
    settings.ONION_ADDRESS = ""
    make_content_page(home_page, "Aims")

    response = client.get("/aims/")

    assert "Onion-Location" not in response
    assert parse(response).select(".mirrors") == []
