"""The explorer's translation buttons (base/localize.py's translation_buttons): the buttons
wagtail-localize gives each row, from facts read once a listing instead of twice a row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, Page
from wagtail_localize import wagtail_hooks as localize_hooks

from base.localize import translation_buttons
from tests.builders import make_content_page, translate
from tests.html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(django_user_model, client):
    user = django_user_model.objects.create_superuser("admin", "admin@example.org", "pw-long-1")
    client.force_login(user)
    return user


def submit_for_translation(client, page):
    persian = Locale.objects.get(language_code="fa")
    response = client.post(f"/admin/localize/submit/page/{page.pk}/", {"locales": [persian.pk]})
    assert response.status_code == 302


@pytest.fixture
def pages(home_page, admin, client):
    """Under the home page: a page in English only, one translated through wagtail-localize
    (a source with a translation to sync), one translated by copying, and a Persian alias."""
    translate(home_page, "fa", title="سازمان آزمایشی")
    english_only = make_content_page(home_page, "Aims")
    localized = make_content_page(home_page, "Faq", slug="faq")
    submit_for_translation(client, localized)
    copied = make_content_page(home_page, "Visits")
    translate(copied, "fa", title="دیدارها")
    aliased = make_content_page(home_page, "Mirrors")
    persian_home = home_page.get_translation(Locale.objects.get(language_code="fa"))
    aliased.create_alias(parent=persian_home, update_slug="mirrors-fa")
    return {"english only": english_only, "localized": localized, "copied": copied}


def shown(hook, page, user):
    return [
        (str(button.label), button.url) for button in hook(page=page, user=user, next_url="/n/")
    ]


def test_every_page_gets_the_buttons_wagtail_localize_gives_it(pages, admin, django_user_model):
    for page in Page.objects.filter(depth__gte=2):
        theirs = shown(localize_hooks.page_listing_more_buttons, page, admin)
        # A user object as a new request has it, with no facts kept from another listing.
        ours = shown(translation_buttons, page, django_user_model.objects.get(pk=admin.pk))
        assert ours == theirs, page
    labels = {
        name: [label for label, _url in shown(translation_buttons, page, admin)]
        for name, page in pages.items()
    }
    assert labels == {
        "english only": ["Translate this page"],
        "localized": ["Sync translated pages"],
        "copied": [],
    }


def test_the_explorer_shows_each_button_once_and_asks_the_same_queries_for_more_rows(
    home_page, pages, client
):
    def explore():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/admin/pages/{home_page.pk}/")
        assert response.status_code == 200
        return parse(response), len(queries)

    explore()  # the per-process caches warm, as on a running site
    listing, before = explore()
    for number in range(5):
        make_content_page(home_page, f"More {number}")
    _listing, after = explore()

    translate_links = listing.select(
        f'a[href="/admin/localize/submit/page/{pages["english only"].pk}/"]'
    )
    assert len(translate_links) == 1
    assert after == before
