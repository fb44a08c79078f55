"""Login throttling: who can lock whom out.

django-axes refuses a username from one address after LOGIN_FAILURE_LIMIT failures there
(settings.AXES_LOCKOUT_PARAMETERS: the pair). A stranger guessing an editor's password therefore
locks only themselves out, never the editor at their own desk. Alone, that would let a botnet
guess freely: each of its addresses gets its own few tries. So a username also has a ceiling
across all addresses, LOGIN_USERNAME_FAILURE_LIMIT failures per LOGIN_COOLOFF_MINUTES: past it,
that username signs in only from addresses it has signed in from before (django-axes's access
log), which a botnet does not have and the editor does.

django-axes has one failure limit for all its lockout parameters, so a second, higher limit for
the username alone is this backend's, placed before axes's own in AUTHENTICATION_BACKENDS.
"""

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.utils import timezone


def username_failures(username):
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class UsernameCeilingBackend:
    """Refuses a username under attack from addresses it has never signed in from."""

    def authenticate(self, request, username=None, **credentials):
        if request is None or not username:
            return None
        if username_failures(username) < settings.LOGIN_USERNAME_FAILURE_LIMIT:
            return None
        known = AccessLog.objects.filter(
            username=username, ip_address=get_client_ip_address(request)
        ).exists()
        if not known:
            # Stops Django trying the other backends; the failure is counted like any other.
            raise PermissionDenied
        # It never signs anyone in, so it has no get_user (Django then never picks it for a
        # session, force_login included).
        return None
