"""WSGI entry point for gunicorn: `gunicorn advocacy.wsgi`."""

import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings.base")

try:
    application = get_wsgi_application()

    from django.db import connections

    from campaigns.family_contact.encryption import verify_keys_read_stored_requests

    # gunicorn runs no system checks: an app server whose valid but wrong FAMILY_CONTACT_KEYS
    # would store requests or followers' addresses that no other server can read stops here
    # (the check campaigns.E001).
    problem = verify_keys_read_stored_requests()
    # Not kept open: gunicorn --preload would share it with every worker it forks.
    connections.close_all()
    if problem:
        raise SystemExit(problem)
except SystemExit as error:
    # A configuration error: say it once, then exit with gunicorn's "worker failed to boot"
    # status so that gunicorn stops instead of starting new workers in a loop.
    if error.code not in (None, 0):
        print(error.code, file=sys.stderr)
    raise SystemExit(3) from None
