"""Closed family contact requests are deleted when their retention period is over, and the
encryption key can be changed without losing a request."""

import datetime
import io

import pytest
from cryptography.fernet import Fernet
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from wagtail.models import ModelLogEntry

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
            f"SELECT requester_name, relative_name, notes FROM {ContactRequest._meta.db_table} "  # noqa: S608
            "WHERE id = %s",
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


def test_without_rotation_removing_the_old_key_loses_the_requests(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FAMILY_CONTACT_KEYS = [old]
    request = make_request()

    settings.FAMILY_CONTACT_KEYS = [new]

    with pytest.raises(ImproperlyConfigured, match="FAMILY_CONTACT_KEYS"):
        ContactRequest.objects.get(pk=request.pk)
