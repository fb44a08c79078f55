"""Defences for a public form that need no third-party service, no JavaScript and no record of
who sent it: a signed, time-stamped, single-use token, and a per-client limit.

- started_token() signs when the form was shown, with a random part so that no two forms share
  a token; seconds_since_start() reads it back (None if missing, altered or too old).
- take_token() takes a token once: the cache remembers a hash of it for as long as it would be
  accepted, so a robot that fetched the form once cannot post it again and again.
- rate_limited()/take_slot(): so many posts per client per window. The cache key is an HMAC of
  the client's address (base/client_address.py through django-axes's helper), never the address
  itself, and it expires with the window.

Each form names itself (`namespace`) so that its tokens and slots are its own. The cache's
failures are reported as None, for the form to decide whether to let the post through.
"""

import hashlib
import hmac
import secrets
import time

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core import signing
from django.core.cache import cache


def started_token(salt, started=None):
    """A signed record of when the form was shown (now, unless started is given)."""
    started = int(time.time() if started is None else started)
    return signing.TimestampSigner(salt=salt).sign(f"{started}:{secrets.token_urlsafe(9)}")


def seconds_since_start(token, salt, max_age):
    """Seconds since the form was shown, or None if the token is missing, altered or expired."""
    try:
        value = signing.TimestampSigner(salt=salt).unsign(token or "", max_age=max_age)
        started = int(value.split(":")[0])
    except (signing.BadSignature, ValueError):
        return None
    elapsed = time.time() - started
    if elapsed > max_age or elapsed < 0:
        return None
    return elapsed


def take_token(token, namespace, max_age):
    """True if the token is taken now, False if it was taken before, None if the cache did not
    answer (nothing is taken)."""
    key = f"{namespace}:used:" + hashlib.sha256(token.encode()).hexdigest()
    try:
        added = cache.add(key, 1, timeout=max_age)
    except Exception:  # noqa: BLE001 - the caller decides what a cache failure means
        return None
    return added is not False


def rate_key(request, namespace):
    """The cache key for the request's client: a keyed hash, so the address is not in it."""
    address = get_client_ip_address(request) or ""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{namespace}:{address}".encode(), "sha256")
    return f"{namespace}:rate:" + digest.hexdigest()


def rate_limited(request, namespace, limit):
    """Whether the client has used its slots: a quick look, which takes none (take_slot)."""
    try:
        used = cache.get(rate_key(request, namespace), 0) or 0
    except Exception:  # noqa: BLE001 - take_slot decides, and says that the cache failed
        return False
    return used >= limit


def take_slot(request, namespace, limit, window):
    """Takes one of the client's slots in the window: True if there was one left, False if not,
    None if the cache did not answer (nothing is taken).

    add() then incr() are each atomic in the cache (Redis, or LocMemCache under its lock), so
    however many requests arrive at once, no more than the limit get a number within it. The
    count disappears when the window ends."""
    return take_slot_for_key(rate_key(request, namespace), limit, window)


def take_slot_for_key(key, limit, window):
    """take_slot() for a limit on something other than the client (a keyed hash of what is
    limited, never the thing itself: the key is in the cache for the whole window)."""
    try:
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between the two calls: a new window starts
            count = 1 if cache.add(key, 1, timeout=window) else cache.incr(key)
    except Exception:  # noqa: BLE001 - the caller decides what a cache failure means
        count = None
    if count is None:
        return None
    return count <= limit
