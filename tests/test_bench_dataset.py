"""The 100x benchmark data set (benchmarks/dataset.py), built at a tiny size: pages inserted in
bulk must make a valid tree that readers, the search and the admin see as if editors had
published them one by one."""

import pytest
from wagtail.models import Locale, Page

from advocacy.models import ContentPage
from benchmarks import admin as admin_benchmark
from benchmarks.dataset import build_100x
from campaigns.models import (
    Appeal,
    CampaignIndexPage,
    CampaignPage,
    CampaignUpdatePage,
    ContactRequest,
    Development,
)
from tests.html import parse


@pytest.fixture(scope="module")
def archive_for_module(demo_site_for_module, django_db_blocker):
    """The archive beside the demo content, rolled back with it at the module's end."""
    with django_db_blocker.unblock():
        before = {model: model.objects.count() for model in (Page, Development, Appeal)}
        build_100x(pages=30, developments=100, appeals=10, requests=12, log=lambda _line: None)
    return before


@pytest.fixture
def archive(archive_for_module, demo_site):
    return archive_for_module


def test_the_archive_has_the_sizes_asked_for_in_both_languages(archive):
    assert Page.objects.count() - archive[Page] == 30
    assert Development.objects.count() - archive[Development] == 100
    assert Appeal.objects.count() - archive[Appeal] == 10
    assert ContactRequest.objects.count() == 12
    english, persian = (
        Locale.objects.get(language_code="en"),
        Locale.objects.get(language_code="fa"),
    )
    newest = Development.objects.order_by("-pk").first()
    assert {newest.locale, newest.get_translation(english).locale} == {english, persian}


def test_the_page_tree_is_valid(archive):
    assert Page.find_problems() == ([], [], [], [], [])
    # Every page has the revision publishing would have left, which the admin opens.
    assert not Page.objects.filter(depth__gt=1, live_revision__isnull=True).exists()
    assert not Development.objects.filter(latest_revision__isnull=True).exists()


@pytest.mark.parametrize("model", [CampaignPage, CampaignUpdatePage, ContentPage])
def test_the_pages_are_served_in_both_languages(archive, client, model):
    english = model.objects.filter(locale__language_code="en").order_by("-pk").first()
    persian = english.get_translation(Locale.objects.get(language_code="fa"))

    for page in (english, persian):
        response = client.get(page.url)
        assert response.status_code == 200
        assert parse(response).select_one("h1").get_text(strip=True) == page.title


def test_the_search_finds_a_development(archive, client):
    development = Development.objects.filter(locale__language_code="en").order_by("-pk").first()

    page = parse(client.get("/search/", {"q": development.headline}))

    found = [h.get_text(strip=True) for h in page.select(".timeline-entry h3")]
    assert development.headline in found


def test_the_admin_explorer_lists_the_campaigns(archive, admin_client):
    index = CampaignIndexPage.objects.get(locale__language_code="en")
    campaigns = CampaignPage.objects.child_of(index)
    newest = campaigns.order_by("-pk").first()

    response = admin_client.get(f"/admin/pages/{index.pk}/")

    assert response.status_code == 200
    assert newest.title in response.content.decode()
    assert index.get_children().count() == index.numchild == campaigns.count()


def test_the_admin_benchmark_opens_every_page_it_measures(archive, client):
    client.force_login(admin_benchmark._superuser())

    # One timed run each: the benchmark's own median of several is for make bench.
    rows = admin_benchmark.measure(client, runs=1)

    assert [name for name, _ms, _queries in rows] == [
        name for name, _path in admin_benchmark.paths()
    ]
    assert all(ms > 0 and queries > 0 for _name, ms, queries in rows)
