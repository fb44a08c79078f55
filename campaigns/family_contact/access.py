"""Who may see family contact requests: the Caseworkers group only, and what the audit log
records of what they do (register.py shows the requests to them)."""

import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views.defaults import permission_denied
from wagtail.permission_policies import ModelPermissionPolicy

CASEWORKERS = "Caseworkers"

VIEW_ACTION = "campaigns.contact_request.view"
EXPORT_ACTION = "campaigns.contact_request.export"
EXPIRE_ACTION = "campaigns.contact_request.expire"


def caseworkers():
    """The active members of the Caseworkers group: the only people a request is assigned to."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=CASEWORKERS)
        .distinct()
        .order_by("first_name", "last_name", get_user_model().USERNAME_FIELD)
    )


class CaseworkerPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, given only to members of the Caseworkers group.

    Requests hold the names and whereabouts of vulnerable people and of the families looking
    for them. Data protection asks that only the people who work on them see them (least
    privilege), so a permission alone is not enough: a superuser, or anyone given the
    permissions directly, must also be added to the group, which makes the list of people who
    can read requests the group's member list, visible in one place. Nobody adds requests here
    (they come only from the public form), and with FAMILY_CONTACT_REQUESTS off nobody has any
    permission.
    """

    def is_caseworker(self, user):
        if not (settings.FAMILY_CONTACT_REQUESTS and user.is_authenticated and user.is_active):
            return False
        if not hasattr(user, "_is_caseworker"):
            user._is_caseworker = user.groups.filter(name=CASEWORKERS).exists()
        return user._is_caseworker

    def user_has_permission(self, user, action):
        return (
            action != "add"
            and self.is_caseworker(user)
            and super().user_has_permission(user, action)
        )

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action != "add"]
        if not (settings.FAMILY_CONTACT_REQUESTS and actions):
            return get_user_model().objects.none()
        return super().users_with_any_permission(actions).filter(groups__name=CASEWORKERS)


def admin_view_while(setting):
    """A decorator for admin views that exist only while the boolean setting is on (404 when
    off), and that refuse signed-in users who may not see them with a plain 403 rather than
    Wagtail's redirect to the dashboard, so that every refusal shows as one in the server's
    logs. The caseworkers' register uses it, and the followers' pages (followers/admin.py)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not getattr(settings, setting):
                raise Http404
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied as refusal:
                return permission_denied(request, refusal)

        return wrapper

    return decorator


# The register does not exist while FAMILY_CONTACT_REQUESTS is off.
register_view = admin_view_while("FAMILY_CONTACT_REQUESTS")
