"""Every app server proves at start-up that its FAMILY_CONTACT_KEYS read the family contact
requests and followers' addresses already stored: one given a valid key that is not the
organisation's would store requests and addresses no other server can read; and
rotate_family_contact_keys encrypts both again with the first key."""

import io
import os
import socket
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core.checks import Error, Tags, run_checks
from django.core.management import call_command
from django.db import connection

from advocacy.settings.base import BASE_DIR
from campaigns.family_contact.checks import FAMILY_CONTACT_KEYS
from campaigns.family_contact.encryption import verify_keys_read_stored_requests
from campaigns.models import ContactRequest, Follower

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


@pytest.mark.once_in("sqlite")  # a subprocess of its own, whatever the suite's database
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


# Followers' addresses are encrypted with the same keys (campaigns.followers).

ADDRESS = "leila@example.org"


def store_follower(keys, settings, address=ADDRESS):
    ours = settings.FAMILY_CONTACT_KEYS
    settings.FAMILY_CONTACT_KEYS = keys
    follower = Follower.objects.create(email=address, language="en")
    settings.FAMILY_CONTACT_KEYS = ours
    return follower


def raw_address(follower):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT email, address_hash FROM {Follower._meta.db_table} WHERE id = %s",  # noqa: S608
            [follower.pk],
        )
        return cursor.fetchone()


def test_the_check_passes_when_the_keys_read_the_stored_followers(settings):
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FAMILY_CONTACT_KEYS = [first, second]
    store_follower([second], settings, "older@example.org")
    store_follower([first], settings)

    assert keys_check() == []


def test_the_check_fails_when_the_newest_follower_was_stored_with_another_key(settings):
    foreign = Fernet.generate_key().decode()
    store_follower(settings.FAMILY_CONTACT_KEYS, settings, "older@example.org")
    newest = store_follower([foreign], settings)

    [error] = keys_check()

    assert error.id == "campaigns.E001"
    assert "FAMILY_CONTACT_KEYS cannot read the followers' addresses already stored" in error.msg
    assert f"the newest, follower {newest.pk}" in error.msg
    for secret in (foreign, *settings.FAMILY_CONTACT_KEYS, ADDRESS, "older@example.org"):
        assert secret not in error.msg
    assert verify_keys_read_stored_requests() == error.msg


def test_the_check_fails_when_the_oldest_follower_is_under_a_key_retired_too_soon(settings):
    store_follower([Fernet.generate_key().decode()], settings, "older@example.org")
    store_follower(settings.FAMILY_CONTACT_KEYS, settings)
    store_request(settings.FAMILY_CONTACT_KEYS, settings)

    [error] = keys_check()

    assert "followers' addresses" in error.msg
    assert "the oldest" in error.msg


def test_with_following_off_the_followers_are_not_checked_and_requests_still_are(settings):
    store_follower([Fernet.generate_key().decode()], settings)
    settings.FOLLOW_BY_EMAIL = False

    assert keys_check() == []

    store_request([Fernet.generate_key().decode()], settings)
    assert "family contact requests" in keys_check()[0].msg


def test_followers_are_checked_with_family_contact_requests_off(settings):
    store_follower([Fernet.generate_key().decode()], settings)
    settings.FAMILY_CONTACT_REQUESTS = False

    assert [error.id for error in keys_check()] == ["campaigns.E001"]


def test_rotation_encrypts_followers_again_so_that_the_old_key_can_be_removed(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    follower = store_follower([old], settings)
    token, address_hash = raw_address(follower)

    settings.FAMILY_CONTACT_KEYS = [new, old]
    out = io.StringIO()
    call_command("rotate_family_contact_keys", stdout=out, stderr=io.StringIO())
    settings.FAMILY_CONTACT_KEYS = [new]

    assert "Encrypted 1 follower(s) again with the first key." in out.getvalue()
    assert raw_address(follower)[0] != token
    assert ADDRESS not in raw_address(follower)[0]
    # The hash is keyed with SECRET_KEY, not these keys: the follower is still found by it.
    assert raw_address(follower)[1] == address_hash
    assert Follower.objects.with_address(ADDRESS).get().email == ADDRESS
    assert keys_check() == []


def test_rotation_leaves_a_follower_it_cannot_read_as_it_was_and_names_it(settings):
    foreign = Fernet.generate_key().decode()
    unreadable = store_follower([foreign], settings, "older@example.org")
    readable = store_follower(settings.FAMILY_CONTACT_KEYS, settings)
    stored = raw_address(unreadable)

    out, err = io.StringIO(), io.StringIO()
    call_command("rotate_family_contact_keys", stdout=out, stderr=err)

    assert "Encrypted 1 follower(s)" in out.getvalue()
    assert "1 follower(s) cannot be read" in err.getvalue()
    assert f"left as they were: {unreadable.pk}." in err.getvalue()
    assert "older@example.org" not in err.getvalue()
    assert raw_address(unreadable) == stored
    assert Follower.objects.get(pk=readable.pk).email == ADDRESS
    settings.FAMILY_CONTACT_KEYS = [foreign]
    assert Follower.objects.get(pk=unreadable.pk).email == "older@example.org"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the app server shares the test's PostgreSQL database"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_app_server_whose_keys_cannot_read_the_stored_followers_does_not_start(settings):
    foreign = Fernet.generate_key().decode()
    store_follower([foreign], settings)

    refused = import_the_wsgi_application(settings.FAMILY_CONTACT_KEYS[0])
    started = import_the_wsgi_application(foreign)

    assert refused.returncode == 3
    assert "FAMILY_CONTACT_KEYS cannot read the followers' addresses" in refused.stderr
    for secret in (foreign, *settings.FAMILY_CONTACT_KEYS, ADDRESS):
        assert secret not in refused.stderr
    assert started.returncode == 0, started.stderr
