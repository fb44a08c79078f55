"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

import io
import json
import os
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection

from tests.conftest import CHROMIUM

# `make screenshots` sets UPDATE_SCREENSHOTS=1 so the tests refresh docs/img; otherwise the
# screenshots go to a temporary folder and the working tree stays clean.
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "img"
PASSWORD = "a-long-browser-test-password"


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI runs the browser tests, and Chromium is not at {CHROMIUM}")
    skip = pytest.mark.skip(
        reason=f"Chromium not found at {CHROMIUM}: install it (Debian: apt-get install chromium) "
        "or point CHROMIUM at it to run the browser tests"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def screenshot_dir(tmp_path):
    if os.environ.get("UPDATE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS
    return tmp_path


def _row_keys(serialized):
    return {(row["model"], row["pk"]) for row in json.loads(serialized)}


@pytest.fixture(scope="session")
def _demo_copy(tmp_path_factory):
    """The demo site as the first browser test of the process built it: its rows, serialised
    as serialized_rollback serialises the migrations' rows, and the folder of its document."""
    return {"media": tmp_path_factory.mktemp("demo-media"), "rows": None, "removed": set()}


@pytest.fixture
def demo_site(live_server, settings, _demo_copy):
    """The demo site, committed for the live server. Built once per process; every other test
    puts the copy back over the migrations' rows its transactional database starts with (the
    ones the demo removed go first): row for row the same site, several times quicker than
    building it. Ask for it before any fixture that adds rows, so that the copy holds none."""
    settings.MEDIA_ROOT = _demo_copy["media"]
    if _demo_copy["rows"] is None:
        call_command("load_demo_content", stdout=io.StringIO())
        _demo_copy["rows"] = connection.creation.serialize_db_to_string()
        migrated = getattr(connection, "_test_serialized_contents", "[]")
        _demo_copy["removed"] = _row_keys(migrated) - _row_keys(_demo_copy["rows"])
    else:
        for label, pk in _demo_copy["removed"]:
            apps.get_model(label)._base_manager.filter(pk=pk).delete()
        connection.creation.deserialize_db_from_string(_demo_copy["rows"])
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    return live_server


def make_member(django_user_model, username, group):
    user = django_user_model.objects.create_user(username, password=PASSWORD)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db, django_user_model):
    return make_member(django_user_model, "eleanor", "Editors")


@pytest.fixture
def moderator(db, django_user_model):
    return make_member(django_user_model, "mohammad", "Moderators")


@pytest.fixture
def new_session(browser):
    """new_session() opens a fresh browser session (no cookies); all close after the test, so
    no kept-alive connection outlives the live server's database."""
    contexts = []

    def open_session():
        contexts.append(browser.new_context(viewport={"width": 1280, "height": 900}))
        return contexts[-1].new_page()

    yield open_session
    for context in contexts:
        context.close()


@pytest.fixture
def log_in(new_session, live_server):
    """log_in(user) opens a new browser session logged into the admin as user."""

    def logged_in_page(user):
        page = new_session()
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        return page

    return logged_in_page
