"""Log filters for production (settings.LOGGING).

While the database is down every request that needs it answers the plain 503 page, and Django
logs each one with a full traceback: forty to eighty lines a request, measured behind nginx,
which buries everything else in the log. The outage needs one line a request, not a traceback.

Django also logs the path of every 404: a secret link's token (a follower's link that has
expired, say) must not reach the log with it.
"""

import logging
import re

from django.db import InterfaceError, OperationalError

# Paths that hold a secret: Wagtail's admin <ADMIN_PATH>password_reset/confirm/<uidb64>/<token>/
# (it lets whoever reads it set the password) and a follower's [fa/]follow/confirm/<public id>/
# <token>/ and follow/leave/... (campaigns/followers/keys.py: they act for the follower).
SECRET_IN_PATH = re.compile(
    r"(/password_reset/confirm/|/follow/confirm/|/follow/leave/)[^/]+/[^/]+/"
)


def redact(path):
    """The path with its secret parts replaced, so that a log keeps only its shape."""
    return SECRET_IN_PATH.sub(r"\1…/…/", path or "")


class SecretPathFilter(logging.Filter):
    """Django's request log names the path of each 404, 405 and error: without the secret of a
    link (a wrong or expired follower's link answers 404)."""

    def filter(self, record):
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


class DatabaseOutageFilter(logging.Filter):
    """One line, without the traceback, for a request that failed for want of the database."""

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, (OperationalError, InterfaceError)):
            path = record.args[-1] if isinstance(record.args, tuple) and record.args else ""
            reason = (str(error).strip().splitlines() or [""])[0]
            record.msg = "The database is unavailable (%s: %s), answered 503: %s"
            record.args = (type(error).__name__, reason, path)
            record.exc_info, record.exc_text = None, None
        return True
