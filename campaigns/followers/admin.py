"""What the admin shows of the followers: counts to editors and moderators, never an address;
the list itself only to people given campaigns.export_follower, each export in the audit log.

Editors and moderators decide what to publish, and how many people hear of a campaign is part
of that; who those people are is not. The export is for whoever runs the mailing by other means
(a move to another server, a request from a follower to see what we hold): the permission is
given to nobody by default, superusers aside, and the audit log records who took the list, when
and how many addresses it held, never an address.
"""

import csv
import logging
import uuid

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import get_language, get_supported_language_variant, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import LogFormatter, log

from ..family_contact.access import admin_view_while
from ..family_contact.encryption import Unreadable
from ..family_contact.register import UNREADABLE_CELL, neutralise_formula
from ..models.pages import CampaignPage
from .models import LANGUAGES, Follower

logger = logging.getLogger(__name__)

EXPORT_PERMISSION = "campaigns.export_follower"
EXPORT_ACTION = "campaigns.follower.export"
# The groups that publish (campaigns migration 0002): what they publish reaches the followers.
EDITORIAL_GROUPS = ("Editors", "Moderators")


def export_permission():
    """The permission, for the groups' editor (Settings → Groups) to offer."""
    app_label, codename = EXPORT_PERMISSION.split(".")
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename)


def can_see_counts(user):
    if not (user.is_active and user.has_perm("wagtailadmin.access_admin")):
        return False
    if user.is_superuser or user.has_perm(EXPORT_PERMISSION):
        return True
    if not hasattr(user, "_is_editorial"):
        user._is_editorial = user.groups.filter(name__in=EDITORIAL_GROUPS).exists()
    return user._is_editorial


def can_export(user):
    return user.is_active and user.has_perm(EXPORT_PERMISSION)


def _campaign_title(language_code):
    pages = CampaignPage.objects.filter(translation_key=OuterRef("campaign_key"))
    if language_code:
        pages = pages.filter(locale__language_code=language_code)
    return Subquery(pages.order_by("pk").values("title")[:1])


def with_campaign_title(followers):
    """followers with campaign_title: the followed campaign's title in the admin's language,
    else in the site's, else in any (a campaign written in Persian first); None for
    everything, and for a campaign deleted since (its followers hear of nothing more)."""
    try:
        active = get_supported_language_variant(get_language() or settings.LANGUAGE_CODE)
    except LookupError:
        active = settings.LANGUAGE_CODE
    languages = dict.fromkeys([active, settings.LANGUAGE_CODE, None])
    return followers.annotate(
        campaign_title=Coalesce(*(_campaign_title(code) for code in languages))
    )


def follower_counts():
    """One row per campaign followed (everything first, then by title): confirmed followers in
    each language, in all, and those not yet confirmed; and a row of totals. One query,
    however many campaigns and followers there are."""
    counts = {
        f"confirmed_{code}": Count("pk", filter=Q(confirmed_at__isnull=False, language=code))
        for code, _name in LANGUAGES
    }
    grouped = (
        Follower.objects.order_by()
        .values("campaign_key")
        .annotate(**counts, unconfirmed=Count("pk", filter=Q(confirmed_at__isnull=True)))
    )
    rows = []
    for group in with_campaign_title(grouped):
        rows.append(
            {
                "everything": group["campaign_key"] is None,
                "title": group["campaign_title"],
                "by_language": [group[f"confirmed_{code}"] for code, _name in LANGUAGES],
                "confirmed": sum(group[name] for name in counts),
                "unconfirmed": group["unconfirmed"],
            }
        )
    rows.sort(key=lambda row: (not row["everything"], row["title"] is None, row["title"] or ""))
    total = {
        "by_language": [
            sum(row["by_language"][column] for row in rows) for column in range(len(LANGUAGES))
        ],
        "confirmed": sum(row["confirmed"] for row in rows),
        "unconfirmed": sum(row["unconfirmed"] for row in rows),
    }
    return rows, total


# Neither page exists while FOLLOW_BY_EMAIL is off.
followers_view = admin_view_while("FOLLOW_BY_EMAIL")


class FollowerCountsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "campaigns/admin/followers/counts.html"
    page_title = _("Followers by e-mail")
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        if not can_see_counts(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        rows, total = follower_counts()
        return super().get_context_data(
            languages=[name for _code, name in LANGUAGES],
            rows=rows,
            total=total,
            unconfirmed_days=settings.FOLLOW_UNCONFIRMED_DAYS,
            export_url=reverse("follower_export") if can_export(self.request.user) else "",
            **kwargs,
        )


def export_followers(request):
    """The confirmed followers as CSV, and one entry in the audit log for the export."""
    if not can_export(request.user):
        raise PermissionDenied
    followers = list(
        with_campaign_title(Follower.objects.confirmed())
        .only("pk", "email", "language", "campaign_key", "frequency", "confirmed_at")
        .order_by("confirmed_at", "pk")
    )
    if unreadable := [
        follower.pk for follower in followers if isinstance(follower.email, Unreadable)
    ]:
        # Numbers only: the operator needs to know which, and nothing they hold.
        logger.warning(
            "Exported %d follower(s) whose address FAMILY_CONTACT_KEYS on this server cannot "
            "read, without it: %s",
            len(unreadable),
            ", ".join(str(pk) for pk in unreadable),
        )
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="followers.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            gettext("E-mail address"),
            gettext("Language"),
            gettext("Follows"),
            gettext("How often"),
            gettext("Confirmed on"),
        ]
    )
    everything = gettext("Everything")
    gone = gettext("A campaign no longer on the site")
    for follower in followers:
        if isinstance(follower.email, Unreadable):
            address = gettext(UNREADABLE_CELL)
        else:
            address = neutralise_formula(follower.email)
        if follower.campaign_key is None:
            follows = everything
        else:
            follows = neutralise_formula(follower.campaign_title or gone)
        writer.writerow(
            [
                address,
                follower.get_language_display(),
                follows,
                follower.get_frequency_display(),
                timezone.localtime(follower.confirmed_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    # One entry for the export, on the followers as a whole: a follower's own history would
    # need a row per follower, and what the log must answer is who took the list and when.
    with transaction.atomic():
        log(
            Follower(pk=0),  # no follower has the number 0: the entry names the list
            EXPORT_ACTION,
            user=request.user,
            uuid=uuid.uuid4(),
            title=str(Follower._meta.verbose_name_plural).capitalize(),
            data={"count": len(followers)},
        )
    return response


class FollowerExportFormatter(LogFormatter):
    label = _("Export followers")

    def format_message(self, log_entry):
        count = log_entry.data.get("count", 0)
        return ngettext(
            "Exported %(count)d follower's address",
            "Exported %(count)d followers' addresses",
            count,
        ) % {"count": count}


class FollowerCountsMenuItem(MenuItem):
    def is_shown(self, request):
        return settings.FOLLOW_BY_EMAIL and can_see_counts(request.user)


def menu_item():
    return FollowerCountsMenuItem(
        _("Followers by e-mail"),
        reverse("follower_counts"),
        name="follower-counts",
        icon_name="mail",
        order=650,
    )


def urlpatterns():
    return [
        path("followers/", followers_view(FollowerCountsView.as_view()), name="follower_counts"),
        path("followers/export/", followers_view(export_followers), name="follower_export"),
    ]
