"""Encryption at rest for the personal fields of family contact requests.

The values are Fernet tokens (AES-128-CBC with an HMAC-SHA256, from the `cryptography`
package) made with the first of settings.FAMILY_CONTACT_KEYS and read with any of them: a
database dump, a backup or a query log shows no name, contact or message. Tokens differ each
time the same text is encrypted, so these fields cannot be searched or filtered in SQL; the
register searches the requests it has decrypted.

A token these keys cannot read (an app server given another key, or a key retired before
rotate_family_contact_keys ran) loads as an `Unreadable` value rather than an error, so that
one such request does not take the whole register down with it; and every app server checks at
start-up that its keys read the requests already stored (verify_keys_read_stored_requests).
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


def verify_keys_read_stored_requests():
    """None if FAMILY_CONTACT_KEYS read the newest and the oldest stored request (the oldest may
    still be under a key being rotated out), or if there is nothing to read: no request, no
    table yet (before migrate) or no database to ask. Otherwise the reason this app server must
    not serve, in one line that names neither a key nor anything a request holds."""
    if not settings.FAMILY_CONTACT_REQUESTS:
        return None
    from .models import ContactRequest  # models imports this module

    fields = [
        field.name
        for field in ContactRequest._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]
    # Only the encrypted fields: a check run before a migration that adds a column still works.
    requests = ContactRequest.objects.only("pk", *fields)
    try:
        # A savepoint, so that a failed query does not spoil a transaction around the caller.
        with transaction.atomic():
            stored = {
                "newest": requests.order_by("-created_at", "-pk").first(),
                "oldest": requests.order_by("created_at", "pk").first(),
            }
    except DatabaseError:
        return None
    for which, request in stored.items():
        if request is not None and cannot_read(request):
            return (
                f"FAMILY_CONTACT_KEYS cannot read the family contact requests already stored "
                f"(the {which}, request {request.pk}). Give this app server the same "
                "FAMILY_CONTACT_KEYS as the others; a key requests were stored with stays after "
                "the first until rotate_family_contact_keys has run."
            )
    return None
