"""The organisation's words in the reader's language: name, tagline, address, share image text."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Locale
from wagtail.test.utils.form_data import nested_form_data

from advocacy.models import SiteText
from tests.builders import (
    make_content_page,
    make_image,
    set_site_settings,
    set_site_text,
    translate,
)
from tests.html import parse, site_name

pytestmark = pytest.mark.django_db

migration = importlib.import_module("advocacy.migrations.0007_site_text")

ENGLISH = {
    "organisation_name": "Iran-Interlink",
    "tagline": "For the families",
    "postal_address": "BM Box 1234\nLondon",
    "share_image_alt": "The organisation's logo",
}
PERSIAN = {
    "organisation_name": "ایران اینترلینک",
    "tagline": "برای خانواده‌ها",
    "postal_address": "صندوق پستی ۱۲۳۴\nلندن",
    "share_image_alt": "نشان سازمان",
}


def meta(page, key):
    element = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
    return element and element["content"]


@pytest.fixture
def both_languages(home_page):
    privacy = make_content_page(home_page, "Privacy", show_in_menus=False)
    set_site_settings(privacy_page=privacy)
    set_site_text(Locale.get_default(), **ENGLISH)
    set_site_text(Locale.objects.get(language_code="fa"), **PERSIAN)
    translate(home_page, "fa", title="خانه")
    translate(privacy, "fa", title="حریم خصوصی")
    return home_page


def footer_lines(page):
    footer = page.select_one("footer")
    return (
        footer.select_one(".footer-name").get_text(),
        footer.select_one(".footer-tagline").get_text(),
        footer.select_one("address p").get_text("\n"),
    )


@pytest.mark.parametrize("language, text", [("en", ENGLISH), ("fa", PERSIAN)])
def test_each_language_shows_its_own_name_tagline_and_address(
    client, both_languages, language, text
):
    prefix = "/" if language == "en" else "/fa/"

    page = parse(client.get(f"{prefix}privacy/"))

    assert site_name(page)[1] == text["organisation_name"]
    assert page.title.get_text().endswith(f" – {text['organisation_name']}")
    assert meta(page, "og:site_name") == text["organisation_name"]
    assert footer_lines(page) == (
        text["organisation_name"],
        text["tagline"],
        text["postal_address"],
    )


def test_the_persian_footer_links_the_persian_privacy_page(client, both_languages):
    footer = parse(client.get("/fa/")).select_one("footer")

    assert "حریم خصوصی" in [link.get_text() for link in footer.select("a")]


def test_the_default_share_image_is_described_in_the_readers_language(client, both_languages):
    set_site_settings(default_share_image=make_image("Logo"))

    assert meta(parse(client.get("/")), "og:image:alt") == ENGLISH["share_image_alt"]
    assert meta(parse(client.get("/fa/")), "og:image:alt") == PERSIAN["share_image_alt"]


def test_persian_pages_fall_back_to_the_english_text_until_it_is_translated(client, home_page):
    set_site_text(Locale.get_default(), **ENGLISH)
    translate(home_page, "fa", title="خانه")

    page = parse(client.get("/fa/"))

    assert site_name(page)[1] == "Iran-Interlink"
    assert page.select_one("footer .footer-tagline").get_text() == "For the families"


def test_the_text_in_the_readers_language_costs_no_query(client, both_languages):
    client.get("/fa/privacy/")  # builds the site data, which holds the text in each language

    with CaptureQueriesContext(connection) as queries:
        page = parse(client.get("/fa/privacy/"))

    assert site_name(page)[1] == PERSIAN["organisation_name"]
    assert [query for query in queries if "sitetext" in query["sql"]] == []


def test_an_editor_changes_the_text_in_the_admin_and_readers_see_it_after_one_refresh(
    admin_client, both_languages, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    client = type(admin_client)()  # a reader, without the editor's session
    assert site_name(parse(client.get("/")))[1] == "Iran-Interlink"
    english = SiteText.objects.get(locale__language_code="en")
    url = reverse("wagtailsnippets_advocacy_sitetext:edit", args=[english.pk])

    response = admin_client.post(
        url, nested_form_data({**ENGLISH, "organisation_name": "Iran Interlink UK"})
    )

    assert response.status_code == 302
    # The next reader gets the last copy at once and sets off the render; then the new text.
    assert client.get("/")["X-Cache"] == "refresh"
    assert site_name(parse(client.get("/")))[1] == "Iran Interlink UK"
    assert site_name(parse(client.get("/fa/")))[1] == PERSIAN["organisation_name"]


class SettingsBeforeTheMove:
    """SiteSettings as migration 0007 finds it, with the fields it moves (a stand-in: migrating
    back and forth would need a transactional test, which empties the database for the next)."""

    def __init__(self, **fields):
        self.row = SimpleNamespace(**fields)

    @property
    def objects(self):
        return self

    def filter(self, **_lookups):
        return self

    def order_by(self, *_fields):
        return self

    def first(self):
        return self.row


def test_the_migration_makes_the_english_text_from_the_site_settings(home_page):
    """What editors had written in the settings becomes the English site text."""
    SiteText.objects.all().delete()
    old = SettingsBeforeTheMove(
        organisation_name="Iran-Interlink", tagline="For the families", postal_address="London"
    )

    class Apps:
        def get_model(self, app_label, name):
            return old if name == "SiteSettings" else django_apps.get_model(app_label, name)

    migration.copy_to_site_text(Apps(), None)
    migration.copy_to_site_text(Apps(), None)

    text = SiteText.objects.get()
    assert (text.locale.language_code, text.organisation_name, text.tagline) == (
        "en",
        "Iran-Interlink",
        "For the families",
    )
    assert text.postal_address == "London"


def test_the_admin_refuses_a_second_text_in_the_same_language(admin_client, both_languages):
    url = reverse("wagtailsnippets_advocacy_sitetext:add") + "?locale=en"

    response = admin_client.post(url, nested_form_data({**ENGLISH, "organisation_name": "Other"}))

    assert response.status_code == 200
    assert SiteText.objects.filter(locale__language_code="en").count() == 1
