"""The quick start (`make run`): its SQLite takes an admin's concurrent requests, and the make
targets the README names work in the environment `make run` gives the site."""

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing

import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

from advocacy.settings.base import BASE_DIR, _database

MAKE = shutil.which("make")

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the quick start runs on SQLite (run once, not twice)"
)


def sqlite_connection(path):
    settings = _database(f"sqlite:///{path}")
    settings.update(TIME_ZONE=None, AUTOCOMMIT=True, ATOMIC_REQUESTS=False, TEST={})
    return DatabaseWrapper(settings, alias=f"quick-start-{threading.get_ident()}")


@pytest.fixture
def own_connections(django_db_blocker):
    """Connections of the test's own, to a file of its own, outside pytest-django's database."""
    with django_db_blocker.unblock():
        yield


def test_a_save_while_a_preview_reads_waits_its_turn_instead_of_failing(tmp_path, own_connections):
    """The preview (a transaction that reads, then writes its revision) and the save of a new
    update (a write) overlap. With SQLite's default deferred transactions the preview's write
    failed at once with "database is locked"; the quick start's settings make it wait."""
    path = tmp_path / "db.sqlite3"
    setup = sqlite_connection(path)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE page (id INTEGER PRIMARY KEY, title TEXT)")
        cursor.execute("INSERT INTO page (title) VALUES ('Update')")
    setup.close()
    preview_has_read, save_tried = threading.Event(), threading.Event()
    errors = []

    def preview():
        database = sqlite_connection(path)
        try:
            with database.cursor() as cursor:
                cursor.execute(f"BEGIN {database.transaction_mode or ''}")
                cursor.execute("SELECT title FROM page")
                preview_has_read.set()
                # The save starts meanwhile: it either goes ahead (deferred) or waits (immediate).
                save_tried.wait(1)
                cursor.execute("UPDATE page SET title = 'Preview'")
                cursor.execute("COMMIT")
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            database.close()

    def save():
        preview_has_read.wait(5)
        database = sqlite_connection(path)
        try:
            with database.cursor() as cursor:
                cursor.execute(f"BEGIN {database.transaction_mode or ''}")
                cursor.execute("INSERT INTO page (title) VALUES ('New update')")
                cursor.execute("COMMIT")
                save_tried.set()
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            save_tried.set()
            database.close()

    threads = [threading.Thread(target=preview), threading.Thread(target=save)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    check = sqlite_connection(path)
    with check.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM page")
        assert cursor.fetchone() == (2,)
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone() == ("wal",)
    check.close()


# Transactional: an open transaction would block the copy. Its rows are the migrations', put back
# as for the other transactional tests.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_make_publish_scheduled_publishes_a_scheduled_development_after_make_run(tmp_path):
    """No SECRET_KEY, no DEBUG, no FAMILY_CONTACT_KEYS: what a newcomer has after `make run`."""
    if not MAKE:
        pytest.skip("make is not installed")
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_ENV_FILE": os.devnull,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    manage = [sys.executable, "manage.py"]
    # The key `make run` keeps for this checkout (made here if no `make run` has yet).
    subprocess.run([MAKE, "-s", ".venv/family-contact.key"], cwd=BASE_DIR, check=True)
    key = (BASE_DIR / ".venv" / "family-contact.key").read_text().strip()
    quick_start = {**environment, "DEBUG": "true", "FAMILY_CONTACT_KEYS": key}
    # `make run` migrates first: the test database is that migrated database already (the
    # migrations' rows alone, the test having added none), copied instead of migrated again.
    connection.ensure_connection()
    with closing(sqlite3.connect(tmp_path / "db.sqlite3")) as file:
        connection.connection.backup(file)
    schedule = """
import datetime
from django.core.management import call_command
call_command("migrate", check_unapplied=True, verbosity=0)  # the copy is migrated all through
from django.utils import timezone
from wagtail.models import Locale
from campaigns.models import Development
development = Development(headline="Due now", date=datetime.date(2003, 7, 17), live=False,
                          locale=Locale.get_default())
development.save()
due = timezone.now() - datetime.timedelta(minutes=1)
development.go_live_at = due
development.save_revision(approved_go_live_at=due)
"""
    subprocess.run([*manage, "shell", "-c", schedule], cwd=BASE_DIR, env=quick_start, check=True)

    result = subprocess.run(
        [MAKE, "publish-scheduled"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    live = subprocess.run(
        [
            *manage,
            "shell",
            "-c",
            "from campaigns.models import Development as D; "
            "print(D.objects.get(headline='Due now').live)",
        ],
        cwd=BASE_DIR,
        env=quick_start,
        capture_output=True,
        text=True,
        check=True,
    )
    assert live.stdout.split()[-1] == "True"


def test_two_make_serve_on_one_machine_do_not_share_gunicorns_control_socket():
    """gunicorn's control socket is one file per user by default: a second site's `make serve`
    would take over the first's, and commands sent to one would reach the other."""
    if not MAKE:
        pytest.skip("make is not installed")
    commands = subprocess.run(
        [MAKE, "-n", "serve"], cwd=BASE_DIR, capture_output=True, text=True, check=True
    ).stdout

    gunicorn = commands.replace("\\\n", " ").split("gunicorn advocacy.wsgi", 1)[1].splitlines()[0]
    assert "--no-control-socket" in gunicorn


def test_make_run_starts_a_worker_of_every_background_queue_and_stops_it_with_the_server():
    """Without it, nothing would send the mail `make run`'s site queues (confirmations,
    followers' mail, acknowledgements)."""
    if not MAKE:
        pytest.skip("make is not installed")
    commands = subprocess.run(
        [MAKE, "-n", "run"], cwd=BASE_DIR, capture_output=True, text=True, check=True
    ).stdout.replace("\\\n", " ")

    queues = ",".join(settings.TASKS["database"]["QUEUES"])
    (line,) = [line for line in commands.splitlines() if "runserver" in line]
    worker, server = line.split(" & ", 1)
    assert worker.endswith(f"db_worker --backend=database --queue-name={queues} --no-reload")
    assert "trap 'kill $worker 2>/dev/null' EXIT INT TERM;" in server
