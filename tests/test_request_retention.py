"""Closed family contact requests are deleted when their retention period is over, and the
encryption key can be changed without losing a request, even one no key at hand can read."""

import datetime
import io

import pytest
from cryptography.fernet import Fernet
from django.contrib.contenttypes.models import ContentType
from django.core.checks import run_checks
from django.core.management import call_command, load_command_class
from django.db import connection
from django.utils import timezone
from wagtail.models import ModelLogEntry

from campaigns.family_contact.checks import FAMILY_CONTACT_KEYS
from campaigns.family_contact.encryption import Unreadable
from campaigns.models import ContactRequest

pytestmark = pytest.mark.django_db

NAME = "Maryam Rezaei"
RELATIVE = "Ali Karimi"


def make_request(*, closed_days_ago=None, created_days_ago=0, **fields):
    request = ContactRequest.objects.create(
        requester_name=NAME,
        relationship="Mother",
        country="United Kingdom",
        relative_name=RELATIVE,
        consent_contact=True,
        **fields,
    )
    # Only dates are aged, through update(): the personal fields keep their tokens.
    now = timezone.now()
    ContactRequest.objects.filter(pk=request.pk).update(
        created_at=now - datetime.timedelta(days=created_days_ago),
        **(
            {
                "status": ContactRequest.Status.CLOSED,
                "closed_at": now - datetime.timedelta(days=closed_days_ago),
            }
            if closed_days_ago is not None
            else {}
        ),
    )
    return request


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def run_as_manage_py_does(name):
    """The command's output, its system checks run first as manage.py runs them (call_command
    skips them)."""
    out = io.StringIO()
    load_command_class("campaigns", name).execute(
        stdout=out, stderr=io.StringIO(), no_color=True, force_color=False, skip_checks=False
    )
    return out.getvalue()


def remaining():
    return set(ContactRequest.objects.values_list("pk", flat=True))


def expiries():
    return ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ContactRequest),
        action="campaigns.contact_request.expire",
    )


# Retention


def test_closed_requests_past_the_period_are_deleted_and_nothing_else(settings):
    settings.FAMILY_CONTACT_RETENTION_MONTHS = 24
    expired = make_request(closed_days_ago=800, created_days_ago=1000)
    recently_closed = make_request(closed_days_ago=30, created_days_ago=1000)
    old_and_open = make_request(created_days_ago=2000)
    old_in_progress = make_request(created_days_ago=2000, status=ContactRequest.Status.IN_PROGRESS)
    old_contact_made = make_request(
        created_days_ago=2000,
        status=ContactRequest.Status.CONTACT_MADE,
        relative_consent=True,
        relative_consent_on=timezone.localdate(),
    )

    output = run("delete_closed_requests")

    assert remaining() == {
        recently_closed.pk,
        old_and_open.pk,
        old_in_progress.pk,
        old_contact_made.pk,
    }
    assert not ContactRequest.objects.filter(pk=expired.pk).exists()
    assert "Deleted 1 " in output


def test_the_period_comes_from_the_environment(settings):
    closed_two_months_ago = make_request(closed_days_ago=62)

    settings.FAMILY_CONTACT_RETENTION_MONTHS = 3
    run("delete_closed_requests")
    assert remaining() == {closed_two_months_ago.pk}

    settings.FAMILY_CONTACT_RETENTION_MONTHS = 1
    run("delete_closed_requests")
    assert remaining() == set()


def test_each_deletion_is_logged_without_personal_data():
    expired = make_request(closed_days_ago=800)

    output = run("delete_closed_requests")

    [entry] = expiries()
    assert entry.object_id == str(expired.pk)
    assert entry.label == f"Request {expired.pk}"
    assert entry.user is None
    assert entry.deleted
    for text in (entry.label, str(entry.data), output):
        assert NAME not in text and RELATIVE not in text


def test_a_dry_run_deletes_nothing_and_says_how_many_are_due():
    expired = make_request(closed_days_ago=800)
    make_request(closed_days_ago=900)

    output = run("delete_closed_requests", "--dry-run")

    assert output.startswith("2 closed request(s)")
    assert expired.pk in remaining() and len(remaining()) == 2
    assert not expiries().exists()


def test_running_again_deletes_nothing_more():
    make_request(closed_days_ago=800)
    kept = make_request(closed_days_ago=10)

    run("delete_closed_requests")
    output = run("delete_closed_requests")

    assert "Deleted 0 " in output
    assert remaining() == {kept.pk}
    assert expiries().count() == 1


# Key rotation


def raw_tokens(request):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT requester_name, relative_name, notes, search_text "  # noqa: S608
            f"FROM {ContactRequest._meta.db_table} WHERE id = %s",
            [request.pk],
        )
        return cursor.fetchone()


def test_after_rotation_the_old_key_can_be_removed(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FAMILY_CONTACT_KEYS = [old]
    request = make_request(notes="Phoned the Erbil office.")
    updated_at = ContactRequest.objects.get(pk=request.pk).updated_at
    before = raw_tokens(request)

    settings.FAMILY_CONTACT_KEYS = [new, old]
    output = run("rotate_family_contact_keys")
    after = raw_tokens(request)
    settings.FAMILY_CONTACT_KEYS = [new]
    rotated = ContactRequest.objects.get(pk=request.pk)

    assert "1 request(s)" in output
    assert all(
        token_before != token_after for token_before, token_after in zip(before, after, strict=True)
    )
    assert (rotated.requester_name, rotated.relative_name, rotated.notes) == (
        NAME,
        RELATIVE,
        "Phoned the Erbil office.",
    )
    assert rotated.updated_at == updated_at
    for token in after:
        assert NAME not in token and RELATIVE not in token


def test_without_rotation_removing_the_old_key_leaves_the_requests_unreadable_but_kept(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FAMILY_CONTACT_KEYS = [old]
    request = make_request()
    stored = raw_tokens(request)

    settings.FAMILY_CONTACT_KEYS = [new]
    unreadable = ContactRequest.objects.get(pk=request.pk)

    assert isinstance(unreadable.requester_name, Unreadable)
    assert unreadable.requester_name == "" and unreadable.relative_name == ""
    assert raw_tokens(request) == stored
    settings.FAMILY_CONTACT_KEYS = [new, old]
    assert ContactRequest.objects.get(pk=request.pk).relative_name == RELATIVE


def test_rotation_leaves_a_request_it_cannot_read_as_it_was_and_names_it(settings):
    ours, foreign = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FAMILY_CONTACT_KEYS = [foreign]
    unreadable = make_request()
    settings.FAMILY_CONTACT_KEYS = [ours]
    readable = make_request()
    before = raw_tokens(unreadable), raw_tokens(readable)

    settings.FAMILY_CONTACT_KEYS = [Fernet.generate_key().decode(), ours]
    out, err = io.StringIO(), io.StringIO()
    call_command("rotate_family_contact_keys", stdout=out, stderr=err)

    assert "Encrypted 1 request(s)" in out.getvalue()
    assert f"left as they were: {unreadable.pk}." in err.getvalue()
    assert raw_tokens(unreadable) == before[0]
    assert raw_tokens(readable) != before[1]
    assert ContactRequest.objects.get(pk=readable.pk).requester_name == NAME
    settings.FAMILY_CONTACT_KEYS = [foreign]
    assert ContactRequest.objects.get(pk=unreadable.pk).requester_name == NAME


def test_retention_and_rotation_still_run_while_the_keys_check_fails(settings):
    settings.FAMILY_CONTACT_KEYS = [Fernet.generate_key().decode()]
    make_request(closed_days_ago=800)
    settings.FAMILY_CONTACT_KEYS = [Fernet.generate_key().decode()]
    assert [error.id for error in run_checks(tags=[FAMILY_CONTACT_KEYS])] == ["campaigns.E001"]

    rotated = run_as_manage_py_does("rotate_family_contact_keys")
    deleted = run_as_manage_py_does("delete_closed_requests")

    assert "Encrypted 0 request(s)" in rotated
    assert "Deleted 1 " in deleted
    assert remaining() == set()
