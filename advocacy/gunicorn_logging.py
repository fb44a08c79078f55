"""gunicorn's access log without secrets: a password-reset link's path holds a token that lets
whoever reads it set the account's password, and a follower's confirm or leave link one that
acts for that follower, so the log keeps only the address's shape.

`make serve` passes this as gunicorn's --logger-class. docs/deploy.md's nginx log does the same.
"""

from gunicorn.glogging import Logger

from .log_filters import redact


class PrivateLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact(atoms["U"])
        atoms["r"] = redact(atoms["r"])
        return atoms
