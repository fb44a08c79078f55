"""Encryption at rest for the personal fields of family contact requests.

The values are Fernet tokens (AES-128-CBC with an HMAC-SHA256, from the `cryptography`
package) made with the first of settings.FAMILY_CONTACT_KEYS and read with any of them: a
database dump, a backup or a query log shows no name, contact or message. Tokens differ each
time the same text is encrypted, so these fields cannot be searched or filtered in SQL; the
register searches the requests it has decrypted.
"""

import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@functools.cache
def _fernet(keys):
    if not keys:
        raise ImproperlyConfigured("FAMILY_CONTACT_KEYS is not set: requests cannot be stored.")
    return MultiFernet([Fernet(key) for key in keys])


def fernet():
    return _fernet(tuple(settings.FAMILY_CONTACT_KEYS))


def encrypt(text):
    return fernet().encrypt(text.encode()).decode("ascii")


def decrypt(token):
    try:
        return fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        # A key was retired before every request was re-encrypted: say so, never show the token.
        raise ImproperlyConfigured(
            "A family contact request was encrypted with a key that is no longer in "
            "FAMILY_CONTACT_KEYS: put the old key back (after the new one)."
        ) from None


def rotate(token):
    """The token encrypted again with the first key (MultiFernet.rotate)."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token. Empty values are encrypted too, so a row does not show
    which questions were answered."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else encrypt(str(value))
