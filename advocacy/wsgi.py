"""WSGI entry point for gunicorn: `gunicorn advocacy.wsgi`."""

import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings.base")

try:
    application = get_wsgi_application()
except SystemExit as error:
    # A configuration error: say it once, then exit with gunicorn's "worker failed to boot"
    # status so that gunicorn stops instead of starting new workers in a loop.
    if error.code not in (None, 0):
        print(error.code, file=sys.stderr)
    raise SystemExit(3) from None
