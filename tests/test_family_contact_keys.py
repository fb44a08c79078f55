"""Every app server proves at start-up that its FAMILY_CONTACT_KEYS read the family contact
requests already stored: one given a valid key that is not the organisation's would store
requests no other server can read."""

import os
import socket
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core.checks import Error, Tags, run_checks
from django.db import connection

from advocacy.settings.base import BASE_DIR
from campaigns.family_contact.checks import FAMILY_CONTACT_KEYS
from campaigns.family_contact.encryption import verify_keys_read_stored_requests
from campaigns.models import ContactRequest

pytestmark = pytest.mark.django_db

NAME = "Maryam Rezaei"
RELATIVE = "Ali Karimi"


def store_request(keys, settings):
    ours = settings.FAMILY_CONTACT_KEYS
    settings.FAMILY_CONTACT_KEYS = keys
    request = ContactRequest.objects.create(
        requester_name=NAME,
        relationship="Mother",
        country="United Kingdom",
        relative_name=RELATIVE,
        consent_contact=True,
    )
    settings.FAMILY_CONTACT_KEYS = ours
    return request


def keys_check():
    return run_checks(tags=[FAMILY_CONTACT_KEYS])


def test_the_check_passes_with_no_request_stored():
    assert keys_check() == []
    assert verify_keys_read_stored_requests() is None


def test_the_check_passes_when_the_keys_read_the_stored_requests(settings):
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FAMILY_CONTACT_KEYS = [first, second]
    # A rotation in progress: the oldest is still under the key after the first.
    store_request([second], settings)
    store_request([first], settings)

    assert keys_check() == []


def test_the_check_fails_when_the_newest_request_was_stored_with_another_key(settings):
    foreign = Fernet.generate_key().decode()
    store_request(settings.FAMILY_CONTACT_KEYS, settings)
    newest = store_request([foreign], settings)

    [error] = keys_check()

    assert isinstance(error, Error)
    assert error.id == "campaigns.E001"
    assert "FAMILY_CONTACT_KEYS cannot read the family contact requests already stored" in (
        error.msg
    )
    assert f"request {newest.pk}" in error.msg
    for secret in (foreign, *settings.FAMILY_CONTACT_KEYS, NAME, RELATIVE):
        assert secret not in error.msg
    assert verify_keys_read_stored_requests() == error.msg


def test_the_check_fails_when_the_oldest_request_is_under_a_key_retired_too_soon(settings):
    store_request([Fernet.generate_key().decode()], settings)
    store_request(settings.FAMILY_CONTACT_KEYS, settings)

    [error] = keys_check()

    assert "the oldest" in error.msg


def test_the_check_is_a_security_check_run_by_manage_py_check(settings):
    store_request([Fernet.generate_key().decode()], settings)

    assert [error.id for error in run_checks(tags=[Tags.security])] == ["campaigns.E001"]
    assert "campaigns.E001" in [error.id for error in run_checks()]


def test_with_requests_turned_off_nothing_is_checked(settings):
    store_request([Fernet.generate_key().decode()], settings)
    settings.FAMILY_CONTACT_REQUESTS = False

    assert keys_check() == []


def test_the_check_is_silent_before_the_table_exists(settings, monkeypatch):
    store_request([Fernet.generate_key().decode()], settings)

    with monkeypatch.context() as patched:
        patched.setattr(ContactRequest._meta, "db_table", "campaigns_not_migrated_yet")
        assert keys_check() == []

    # The failed query spoiled no transaction around the check (PostgreSQL aborts one).
    assert ContactRequest.objects.count() == 1


def test_manage_py_check_is_silent_when_the_database_does_not_answer(tmp_path):
    # Bound but not listening: a connection to it is refused at once.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "manage.py", "check"],
            cwd=BASE_DIR,
            env={
                "PATH": os.environ["PATH"],
                "DJANGO_ENV_FILE": os.devnull,
                "DEBUG": "true",
                "FAMILY_CONTACT_KEYS": Fernet.generate_key().decode(),
                "DATABASE_URL": f"postgres://nobody@127.0.0.1:{port}/advocacy",
                "MEDIA_ROOT": str(tmp_path),
            },
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def import_the_wsgi_application(keys):
    """Starts the application as gunicorn does (advocacy/wsgi.py), on the test's database."""
    database = connection.settings_dict
    return subprocess.run(
        [sys.executable, "-c", "import advocacy.wsgi"],
        cwd=BASE_DIR,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_ENV_FILE": os.devnull,
            "DEBUG": "true",
            "FAMILY_CONTACT_KEYS": keys,
            "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:"
            f"{database['PORT']}/{database['NAME']}",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the app server shares the test's PostgreSQL database"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_app_server_whose_keys_cannot_read_the_stored_requests_does_not_start(settings):
    foreign = Fernet.generate_key().decode()
    store_request([foreign], settings)

    refused = import_the_wsgi_application(settings.FAMILY_CONTACT_KEYS[0])
    started = import_the_wsgi_application(foreign)

    # 3 is gunicorn's "worker failed to boot": it stops rather than start workers in a loop.
    assert refused.returncode == 3
    assert "FAMILY_CONTACT_KEYS cannot read the family contact requests" in refused.stderr
    assert "Traceback" not in refused.stderr
    for secret in (foreign, *settings.FAMILY_CONTACT_KEYS, NAME, RELATIVE):
        assert secret not in refused.stderr
    assert started.returncode == 0, started.stderr
