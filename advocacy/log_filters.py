"""Log filters for production (settings.LOGGING).

While the database is down every request that needs it answers the plain 503 page, and Django
logs each one with a full traceback: forty to eighty lines a request, measured behind nginx,
which buries everything else in the log. The outage needs one line a request, not a traceback.
"""

import logging

from django.db import InterfaceError, OperationalError


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
