import fcntl
import io
import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from tests.builders import make_home_page, set_site_settings

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
VNU = Path(__file__).parent.parent / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
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


# CI (.ci/run) runs the suite twice at once, on SQLite and on PostgreSQL, and sets
# BOTH_DATABASES=1 in both runs: then a test whose outcome does not hang on the database runs in
# one of them only, the one its once_in marker names (tests/browser/conftest.py gives every
# browser test SQLite's). A developer's make test, on either database, runs everything.
def pytest_collection_modifyitems(config, items):
    if os.environ.get("BOTH_DATABASES") != "1":
        return
    for item in items:
        # The HTML checker reads markup, which the database does not change; each of its runs
        # starts a Java machine (2 to 6 s).
        if "checker" in getattr(item, "fixturenames", ()) and not item.get_closest_marker(
            "once_in"
        ):
            item.add_marker(pytest.mark.once_in("sqlite"))
        marker = item.get_closest_marker("once_in")
        if marker and marker.args[0] != connection.vendor:
            item.add_marker(pytest.mark.skip(reason=f"runs once, in CI's {marker.args[0]} suite"))


@pytest.fixture(scope="session")
def _playwright_if_needed(request):
    """Starts Playwright when browser tests will run. It must start before the test database
    is set up: once its event loop runs, Django sees a different connection object, and
    serialized_rollback would find no snapshot to restore the root page and Site from."""
    browser_tests = any(
        item.get_closest_marker("browser") and not item.get_closest_marker("skip")
        for item in request.session.items
    )
    if browser_tests and Path(CHROMIUM).exists():
        request.getfixturevalue("playwright")


class MigratedCopy:
    """With pytest-xdist, the first worker to set its test database up migrates it and keeps a
    copy; the others start from the copy (PostgreSQL: a database made from it as a template;
    SQLite: the in-memory database restored from a file) and find every migration applied.
    Migrating takes most of a worker's start-up, and the workers would all migrate at once."""

    def __init__(self, folder):
        self.marker = folder / "migrated-database"
        self.lock = None
        self.cloned = False
        self.keeper = None
        self.name = None

    def start(self):
        """Waits for the worker migrating, if any; starts from its copy if there is one."""
        self.name = name = connection.creation._get_test_db_name()
        if connection.vendor == "sqlite" and not connection.creation.is_in_memory_db(name):
            return
        self.lock = (self.marker.parent / "migrated-database.lock").open("w")
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        if not self.marker.exists():
            return  # this worker migrates and keeps the copy (keep), still holding the lock
        if connection.vendor == "sqlite":
            self.keeper = sqlite3.connect(name, uri=True)
            with closing(sqlite3.connect(self.marker.read_text())) as copy:
                copy.backup(self.keeper)
        else:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
                cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.marker.read_text()}"')
        self.cloned = True
        self.release()

    def keep(self):
        """After this worker migrated: the copy for the others. (Where no test of the session
        uses the database, pytest-django sets none up, and there is nothing to copy.)"""
        if self.lock is None or self.cloned or connection.settings_dict["NAME"] != self.name:
            return
        if connection.vendor == "sqlite":
            copy = self.marker.parent / "migrated.sqlite3"
            connection.ensure_connection()
            with closing(sqlite3.connect(copy)) as file:
                connection.connection.backup(file)
        else:
            copy = f"{connection.settings_dict['NAME']}_migrated"
            connection.close()  # a template database must have no connection
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{copy}"')
                cursor.execute(
                    f'CREATE DATABASE "{copy}" TEMPLATE "{connection.settings_dict["NAME"]}"'
                )
        self.marker.write_text(str(copy))
        self.release()

    def dump(self, path, pg_dump="pg_dump"):
        """The migrated copy as a pg_dump archive at path, or None where there is none (SQLite,
        a run without pytest-xdist). Taken under the lock the workers clone the copy under: a
        template database must have no other connection while it is cloned."""
        if connection.vendor != "postgresql" or not self.marker.exists():
            return None
        database = connection.settings_dict
        with (self.marker.parent / "migrated-database.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            subprocess.run(
                [
                    pg_dump,
                    *("--format=custom", "--no-owner", "--file", str(path)),
                    *(
                        "--host",
                        database["HOST"] or "localhost",
                        "--port",
                        str(database["PORT"] or 5432),
                    ),
                    *("--username", database["USER"], self.marker.read_text()),
                ],
                env={**os.environ, "PGPASSWORD": database["PASSWORD"] or ""},
                stdin=subprocess.DEVNULL,
                capture_output=True,
                check=True,
                timeout=120,
            )
        return path

    def release(self):
        if self.lock is not None:
            self.lock.close()
            self.lock = None

    def finish(self):
        """A cloned database is kept by pytest-django (as with --reuse-db): dropped here."""
        self.release()
        if self.keeper is not None:
            self.keeper.close()
        elif self.cloned:
            connection.close()
            # By name: pytest-django may have put the settings back to the database tested.
            connection.creation._destroy_test_db(self.name, verbosity=0)


@pytest.fixture(scope="session")
def _migrated_copy(request, tmp_path_factory, django_db_modify_db_settings, django_db_blocker):
    if not os.environ.get("PYTEST_XDIST_WORKER") or request.config.getvalue("reuse_db"):
        yield None
        return
    copy = MigratedCopy(tmp_path_factory.getbasetemp().parent)
    with django_db_blocker.unblock():
        copy.start()
    yield copy
    with django_db_blocker.unblock():
        copy.finish()


@pytest.fixture(scope="session")
def django_db_keepdb(django_db_keepdb, _migrated_copy):
    return django_db_keepdb or bool(_migrated_copy and _migrated_copy.cloned)


@pytest.fixture(scope="session")
def django_db_setup(_playwright_if_needed, django_db_setup, _migrated_copy, django_db_blocker):
    if _migrated_copy:
        with django_db_blocker.unblock():
            _migrated_copy.keep()
    yield


def pytest_sessionfinish(session):
    """The controller of pytest-xdist's workers drops the PostgreSQL copy (MigratedCopy)."""
    if hasattr(session.config, "workerinput") or not hasattr(session.config, "_tmp_path_factory"):
        return
    marker = session.config._tmp_path_factory.getbasetemp() / "migrated-database"
    if marker.exists() and connection.vendor == "postgresql":
        from pytest_django.plugin import blocking_manager_key

        with session.config.stash[blocking_manager_key].unblock():
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{marker.read_text()}"')


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


def _uses_database(item):
    return bool(item.get_closest_marker("django_db")) or bool(
        {"db", "transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )


@pytest.fixture
def checker():
    """The Nu HTML Checker's command (the vnu-jar npm package, on Java; `npm install
    --ignore-scripts` puts it in node_modules, as .ci/run does). Without it the test is skipped,
    except in CI, where that is an error."""
    java = shutil.which("java")
    if java and VNU.exists():
        return [java, "-jar", str(VNU)]
    missing = "Java" if not java else f"the checker at {VNU} (npm install --ignore-scripts)"
    if os.environ.get("CI"):
        pytest.fail(f"CI checks the HTML, and {missing} is missing")
    pytest.skip(f"{missing} is missing")


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


def _row_keys(serialized):
    return {(row["model"], row["pk"]) for row in json.loads(serialized)}


class DemoCopy:
    """The demo site as the process first built it: its rows, serialised as serialized_rollback
    serialises the migrations' rows, the migrations' rows it removed, and its media folder.
    Putting the copy back over the migrations' rows gives row for row the same site, several
    times quicker than building it again."""

    def __init__(self, media):
        self.media = media
        self.rows = None
        self.removed = set()
        # SQLite, outside a transaction (the browser tests'): the whole database as it is with
        # the demo, put back by SQLite's backup in milliseconds; deserialising the rows took 2
        # to 4 s of each browser test's set-up in CI.
        self.snapshot = None

    def load(self, media):
        """Builds the demo site in the current database the first time, puts the copy back
        after (the database must hold only the migrations' rows); either way `media` gets a
        copy of its files of its own, so that no test changes those another test sees."""
        whole = connection.vendor == "sqlite" and not connection.in_atomic_block
        # Only over the migrations' rows: a user made before would be lost.
        if whole and self.snapshot is not None and not get_user_model().objects.exists():
            self.snapshot.backup(connection.connection)
        elif self.rows is None:
            before = connection.creation.serialize_db_to_string()
            with override_settings(MEDIA_ROOT=self.media):
                call_command("load_demo_content", stdout=io.StringIO())
            self.rows = connection.creation.serialize_db_to_string()
            self.removed = _row_keys(before) - _row_keys(self.rows)
        else:
            for label, pk in self.removed:
                apps.get_model(label)._base_manager.filter(pk=pk).delete()
            connection.creation.deserialize_db_from_string(self.rows)
        if whole and self.snapshot is None:
            self.snapshot = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(self.snapshot)
        shutil.copytree(self.media, media, dirs_exist_ok=True)
        return media


@pytest.fixture(scope="session")
def demo_copy(tmp_path_factory):
    return DemoCopy(tmp_path_factory.mktemp("demo-media"))


def kept_for_module(request, django_db_blocker, build):
    """For a module-scoped fixture: yields what build() returns, its rows put in once for the
    module in a transaction rolled back at the module's end. Each test's own transaction nests
    in it (pytest-django's `db`), so what one test changes is gone before the next, and a tree
    of pages that took a second to publish is there for every test of the module at no cost.
    Every test of the module that uses the database sees the rows, so every such test must ask
    for the fixture, and none may be transactional: it would empty the database for the tests
    after it."""
    fixture = request.fixturename
    others = [
        item.name
        for item in request.session.items
        if getattr(item, "module", None) is request.module
        and _uses_database(item)
        and (fixture not in item.fixturenames or _transactional(item))
    ]
    if others:
        pytest.fail(
            f"{', '.join(others)} would find the rows {fixture} put in for the module's other "
            f"tests, or empty them: ask for {fixture} there too, or move them to a module of "
            "their own"
        )
    with django_db_blocker.unblock(), transaction.atomic():
        built = build()
        with django_db_blocker.block():
            yield built
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo_site_for_module(request, django_db_setup, django_db_blocker, tmp_path_factory, demo_copy):
    """The demo site, put in once for the module (kept_for_module); its media folder is a copy
    that lasts as long."""
    media = tmp_path_factory.mktemp("demo-media")
    yield from kept_for_module(request, django_db_blocker, lambda: demo_copy.load(media))


@pytest.fixture
def demo_site(demo_site_for_module, db, settings):
    """The demo site, the same for each test of the module: the test's own transaction nests
    in the module's, so what one test changes is gone before the next. (Browser tests, which
    need it committed for the live server, have their own: tests/browser/conftest.py.)"""
    settings.MEDIA_ROOT = demo_site_for_module


@pytest.fixture
def home_page(db):
    return make_home_page(title="Test Organisation")


@pytest.fixture
def site_settings(home_page):
    return set_site_settings(organisation_name="Test Organisation")


@pytest.fixture
def smtp(settings):
    """A real SMTP server in the test process (tests/mail_queue.py) that the site sends to, as
    EMAIL_URL=smtp://… makes it."""
    from tests.mail_queue import SMTPServer

    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.stop()
