"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from tests.conftest import CHROMIUM

# `make screenshots` sets UPDATE_SCREENSHOTS=1 so the tests refresh docs/img; otherwise the
# screenshots go to a temporary folder and the working tree stays clean.
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "img"
PASSWORD = "a-long-browser-test-password"


@pytest.hookimpl(tryfirst=True)  # before tests/conftest.py's hook reads once_in
def pytest_collection_modifyitems(config, items):
    # Chromium drives pages where the database is one step removed: CI runs these once.
    for item in items:
        if "browser" in item.keywords and not item.get_closest_marker("once_in"):
            item.add_marker(pytest.mark.once_in("sqlite"))
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


@pytest.fixture
def demo_site(live_server, settings, demo_copy, tmp_path):
    """The demo site, committed for the live server: built by the first test of the process
    that needs it, put back from its copy for the others (tests/conftest.py's DemoCopy) over the
    migrations' rows each transactional test starts with. Ask for it before any fixture that
    adds rows, so that the copy holds none."""
    settings.MEDIA_ROOT = demo_copy.load(tmp_path / "demo-media")
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
