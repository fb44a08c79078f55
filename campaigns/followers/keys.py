"""The keyed hash of an address, and the links that act for one follower.

An address is stored encrypted (campaigns.encryption), so SQL cannot compare addresses; the
keyed hash can. It is an HMAC with SECRET_KEY, so a copy of the database alone cannot test
whether somebody's address is in it; lookups try SECRET_KEY_FALLBACKS too, so rotating the
secret key loses no follower (a follower found under an old key is given the new hash).

Each follower's confirm and unsubscribe links carry an HMAC of its public id and the purpose:
nothing about the link is stored, and deleting the follower ends every link it had.
"""

import hashlib
import hmac

from django.conf import settings
from django.utils.crypto import constant_time_compare


def normalise(address):
    """The address as compared: trimmed, and lower case (mail providers treat the local part
    case-insensitively in practice, and people type it either way)."""
    return address.strip().lower()


def _secrets():
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _mac(secret, purpose, value):
    key = hashlib.sha256(f"campaigns.followers.{purpose}:{secret}".encode()).digest()
    return hmac.new(key, value.encode(), "sha256").hexdigest()


def address_hash(address):
    """The keyed hash stored beside an encrypted address."""
    return _mac(settings.SECRET_KEY, "address", normalise(address))


def address_hashes(address):
    """The hashes the address may be stored under: the current key's first, then the
    fallbacks'."""
    return [_mac(secret, "address", normalise(address)) for secret in _secrets()]


def link_token(follower, purpose):
    """The token of a follower's link for purpose ("confirm" or "leave")."""
    return _mac(settings.SECRET_KEY, f"link.{purpose}", str(follower.public_id))[:32]


def link_token_valid(follower, purpose, token):
    return any(
        constant_time_compare(_mac(secret, f"link.{purpose}", str(follower.public_id))[:32], token)
        for secret in _secrets()
    )


# The path of a follower's links under the site's root (with /fa/ before it for Persian): the
# public views (subscribe.py) serve these, and the mails (sending.py) print them.
LINK_PATH = "follow/{purpose}/{public_id}/{token}/"


def link(follower, purpose):
    """The full address of a follower's link for purpose, in the follower's language, on the
    default site (mails are made off any request)."""
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    root = site.root_url if site else settings.WAGTAILADMIN_BASE_URL
    prefix = "" if follower.language == settings.LANGUAGE_CODE else f"{follower.language}/"
    path = LINK_PATH.format(
        purpose=purpose, public_id=follower.public_id, token=link_token(follower, purpose)
    )
    return f"{root.rstrip('/')}/{prefix}{path}"
