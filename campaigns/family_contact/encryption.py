"""Encryption at rest for the personal fields of family contact requests (and of the other
part that holds personal data, the followers' addresses: campaigns.followers).

The values are Fernet tokens (AES-128-CBC with an HMAC-SHA256, from the `cryptography`
package) made with the first of settings.FAMILY_CONTACT_KEYS and read with any of them: a
database dump, a backup or a query log shows no name, contact or message. Tokens differ each
time the same text is encrypted, so these fields cannot be searched or filtered in SQL; the
register searches the requests it has decrypted.

A token these keys cannot read (an app server given another key, or a key retired before
rotate_family_contact_keys ran) loads as an `Unreadable` value rather than an error, so that
one such request does not take the whole register down with it; and every app server checks at
start-up that its keys read the requests and addresses already stored
(verify_keys_read_stored_requests).
"""

import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, models, transaction


@functools.cache
def _fernet(keys):
    if not keys:
        raise ImproperlyConfigured("FAMILY_CONTACT_KEYS is not set: requests cannot be stored.")
    return MultiFernet([Fernet(key) for key in keys])


def fernet():
    return _fernet(tuple(settings.FAMILY_CONTACT_KEYS))


class Unreadable(str):
    """A stored value these keys cannot read. It is empty text, so that nothing shows and no
    search matches it, and it keeps the stored token, so that saving the row writes the token
    back unchanged instead of replacing what a family told us with nothing."""

    def __new__(cls, token=""):
        value = super().__new__(cls, "")
        value.token = token
        return value

    def __repr__(self):
        # Never the token, even in a traceback.
        return "<Unreadable>"


def encrypt(text):
    return fernet().encrypt(text.encode()).decode("ascii")


def decrypt(token):
    """The text of token, or Unreadable(token) if none of FAMILY_CONTACT_KEYS reads it."""
    try:
        return fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError):  # ValueError: not even ASCII, so not a token
        return Unreadable(token)


def rotate(token):
    """The token encrypted again with the first key (MultiFernet.rotate)."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


def cannot_read(instance):
    """Whether any encrypted field loaded on instance is Unreadable. Only the loaded fields are
    looked at: a deferred one is not fetched for this."""
    return any(isinstance(value, Unreadable) for value in vars(instance).values())


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token. Empty values are encrypted too, so a row does not show
    which questions were answered."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt(value)

    def get_prep_value(self, value):
        if isinstance(value, Unreadable):
            return value.token
        value = super().get_prep_value(value)
        return None if value is None else encrypt(str(value))


def _first_unreadable(model, fields):
    """("newest" or "oldest", the row) for the first of model's newest and oldest rows that
    these keys cannot read; None if both read, if there is none, or if the database cannot
    tell (no table yet, before migrate; no database to ask)."""
    # Only the encrypted fields: a check run before a migration that adds a column still works.
    rows = model.objects.only("pk", *fields)
    try:
        # A savepoint, so that a failed query does not spoil a transaction around the caller.
        with transaction.atomic():
            stored = {
                "newest": rows.order_by("-created_at", "-pk").first(),
                "oldest": rows.order_by("created_at", "pk").first(),
            }
    except DatabaseError:
        return None
    for which, row in stored.items():
        if row is not None and cannot_read(row):
            return which, row
    return None


def encrypted_fields(model):
    return [
        field.name for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)
    ]


def verify_keys_read_stored_requests():
    """None if FAMILY_CONTACT_KEYS read the newest and the oldest stored request (the oldest may
    still be under a key being rotated out), and the newest and the oldest stored follower's
    address, or if there is nothing to read: no row, no table yet (before migrate) or no
    database to ask. Otherwise the reason this app server must not serve, in one line that
    names neither a key nor anything a request or a follower holds.

    Followers (campaigns.followers) are encrypted with the same keys; they are looked up here
    rather than this package importing them, so that the family contact part knows nothing of
    them beyond this check."""
    if settings.FAMILY_CONTACT_REQUESTS:
        from .models import ContactRequest  # models imports this module

        found = _first_unreadable(ContactRequest, encrypted_fields(ContactRequest))
        if found:
            which, request = found
            return (
                f"FAMILY_CONTACT_KEYS cannot read the family contact requests already stored "
                f"(the {which}, request {request.pk}). Give this app server the same "
                "FAMILY_CONTACT_KEYS as the others; a key requests were stored with stays after "
                "the first until rotate_family_contact_keys has run."
            )
    if settings.FOLLOW_BY_EMAIL:
        from campaigns.followers.models import Follower

        found = _first_unreadable(Follower, encrypted_fields(Follower))
        if found:
            which, follower = found
            return (
                f"FAMILY_CONTACT_KEYS cannot read the followers' addresses already stored "
                f"(the {which}, follower {follower.pk}). Give this app server the same "
                "FAMILY_CONTACT_KEYS as the others; a key addresses were stored with stays after "
                "the first until rotate_family_contact_keys has run."
            )
    return None
