"""gunicorn's access log without secrets: a password-reset link's path holds a token that lets
whoever reads it set the account's password, and a follower's confirm or leave link one that
acts for that follower, so the log keeps only the address's shape.

`make serve` passes this as gunicorn's --logger-class. docs/deploy.md's nginx log does the same.
"""

import re

from gunicorn.glogging import Logger

# Wagtail's admin: <ADMIN_PATH>password_reset/confirm/<uidb64>/<token>/; a follower's links:
# [fa/]follow/confirm/<public id>/<token>/ and follow/leave/... (campaigns/followers/keys.py).
SECRET_IN_PATH = re.compile(
    r"(/password_reset/confirm/|/follow/confirm/|/follow/leave/)[^/]+/[^/]+/"
)


def redact(path):
    return SECRET_IN_PATH.sub(r"\1…/…/", path or "")


class PrivateLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact(atoms["U"])
        atoms["r"] = redact(atoms["r"])
        return atoms
