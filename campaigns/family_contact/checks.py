"""System checks of the campaigns app, registered in CampaignsConfig.ready()."""

from django.core import checks

from .encryption import verify_keys_read_stored_requests

# With Tags.security, so that `check --tag security` runs it too.
FAMILY_CONTACT_KEYS = "family_contact_keys"


def family_contact_keys_read_stored_requests(app_configs=None, **kwargs):
    """An app server whose valid but wrong key stores requests (or followers' addresses) that no
    other server can read: `check`, runserver and migrate refuse it before it takes one
    (advocacy/wsgi.py refuses it under gunicorn, which runs no checks)."""
    problem = verify_keys_read_stored_requests()
    if problem is None:
        return []
    return [checks.Error(problem, id="campaigns.E001")]
