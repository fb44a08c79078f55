"""`load_demo_content` builds only what is missing: run again, it leaves the same site and keeps
what editors changed; with --if-empty it leaves a site with content alone.

Each test starts from the demo site as the command built it (the module's copy, tests/conftest.py:
the command's own rows, put back) and runs the command again. On a site with nothing yet it
runs where each test process first builds that copy, and in `make run` on an empty database
(the last step of .ci/run)."""

import io

import pytest
from django.core.management import call_command
from wagtail.documents.models import Document
from wagtail.models import Page

from advocacy.models import ContentPage, FeaturedCampaign, HomePage, SiteSettings, SiteText
from campaigns.models import Appeal, Development

pytestmark = pytest.mark.usefixtures("demo_site")


def site_tree():
    return sorted(
        (page.url_path, page.title, page.live, page.locale.language_code, page.content_type.model)
        for page in Page.objects.select_related("locale", "content_type")
    )


def load(*args):
    call_command("load_demo_content", *args, stdout=io.StringIO())


def test_running_load_demo_content_twice_leaves_the_same_pages():
    pages, settings_rows = site_tree(), SiteSettings.objects.count()

    load()

    assert site_tree() == pages
    assert SiteSettings.objects.count() == settings_rows == 1
    # Each development and the appeal in English and Persian; one statement for both.
    assert (Development.objects.count(), Appeal.objects.count(), Document.objects.count()) == (
        6,
        2,
        1,
    )
    assert FeaturedCampaign.objects.count() == 2  # the Persian home keeps the English choice
    # One of each page in each language: English, and its Persian translation.
    assert sorted(
        ContentPage.objects.filter(slug="aims").values_list("locale__language_code", flat=True)
    ) == ["en", "fa"]
    assert ContentPage.objects.filter(slug="about").count() == 2


def test_running_it_again_keeps_editors_changes():
    home = HomePage.objects.get(locale__language_code="en")
    home.title = "Renamed by an editor"
    home.save_revision().publish()
    site_text = SiteText.objects.get(locale__language_code="en")
    site_text.tagline = "An editor's tagline"
    site_text.save()
    privacy_fa = ContentPage.objects.get(slug="privacy", locale__language_code="fa")
    privacy_fa.title = "حریم خصوصی شما"
    privacy_fa.save_revision().publish()

    load()

    assert HomePage.objects.get(pk=home.pk).title == "Renamed by an editor"
    assert ContentPage.objects.get(pk=privacy_fa.pk).title == "حریم خصوصی شما"
    assert SiteText.objects.get(pk=site_text.pk).tagline == "An editor's tagline"


def test_if_empty_loads_nothing_once_the_site_has_content():
    for page in ContentPage.objects.filter(slug="aims"):  # in English and in Persian
        page.delete()

    load("--if-empty")

    assert not ContentPage.objects.filter(slug="aims").exists()
