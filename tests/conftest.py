import os
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.builders import make_home_page, set_site_settings

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API keeps an event loop in the main thread, where the tests use the ORM too.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    """The Persian interface strings, compiled as `make test` does, for runs of pytest alone."""
    from advocacy.compile_messages import LOCALE, compile_messages

    stale = [
        po
        for po in LOCALE.glob("*/LC_MESSAGES/*.po")
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        compile_messages(stale)


@pytest.fixture(scope="session")
def _playwright_if_needed(request):
    """Starts Playwright when browser tests will run. It must start before the test database
    is set up: once its event loop runs, Django sees a different connection object, and
    serialized_rollback would find no snapshot to restore the root page and Site from."""
    browser_tests = any(item.get_closest_marker("browser") for item in request.session.items)
    if browser_tests and Path(CHROMIUM).exists():
        request.getfixturevalue("playwright")


@pytest.fixture(scope="session")
def django_db_setup(_playwright_if_needed, django_db_setup):
    yield


def _transactional(item):
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(fixtures)
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (the browser tests, through the live server) ends by emptying the
    database, migrations' rows included (Wagtail's root page and Site, the locales, the groups).
    Django runs such tests last for that reason; with the suite spread over workers
    (pytest-xdist, one file per worker at a time) a worker may go on to a file of ordinary
    tests, so the rows the migrations made are put back first, from the copy Django serialised
    when it set the test database up (the one serialized_rollback uses)."""
    yield
    if nextitem is None or not _transactional(item) or _transactional(nextitem):
        return
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        for connection in connections.all(initialized_only=True):
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder that disappears with the test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: Wagtail keeps site root paths there."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home_page(db):
    return make_home_page(title="Test Organisation")


@pytest.fixture
def site_settings(home_page):
    return set_site_settings(organisation_name="Test Organisation")
