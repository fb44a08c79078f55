"""gunicorn's access log without secrets: a password-reset link's path holds a token that lets
whoever reads it set the account's password (a follower's link, one that ends their following),
so the log keeps only the address's shape.

`make serve` passes this as gunicorn's --logger-class. docs/deploy.md's nginx log does the same.
"""

import re

from gunicorn.glogging import Logger

# Wagtail's admin: <ADMIN_PATH>password_reset/confirm/<uidb64>/<token>/, and a follower's
# links (campaigns/followers/keys.py): follow/confirm|leave/<public id>/<token>/, which confirm
# or end someone's following.
SECRET_IN_PATH = re.compile(r"(/password_reset/confirm/|/follow/(?:confirm|leave)/)[^/]+/[^/]+/")


def redact(path):
    return SECRET_IN_PATH.sub(r"\1…/…/", path or "")


class PrivateLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact(atoms["U"])
        atoms["r"] = redact(atoms["r"])
        return atoms
