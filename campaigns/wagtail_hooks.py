import django_filters
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn
from wagtail.models import Locale, Page, Revision
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from base.translations import outdated

from .family_contact import access, register
from .followers import admin as followers_admin
from .models import Appeal, AppealActionCount, CampaignPage, ContactRequest, Development

# Before anything asks for ContactRequest's policy, or Wagtail would make it a plain one.
register_permission_policy(ContactRequest, access.CaseworkerPermissionPolicy(ContactRequest))

PANEL_LENGTH = 10


def original_campaigns(request):
    """The campaigns in the site's own language, titles only: the listings' campaign filter
    offers each campaign once, not once a language, and an archive has thousands of them
    (options made of whole campaign pages took over a second to list at 100x)."""
    return (
        CampaignPage.objects.filter(locale=Locale.get_default())
        .only("id", "title", "translation_key")
        .order_by("title")
    )


# No "locale" here: Wagtail adds its own language filter to translatable snippets, by language
# code, the ?locale=en its create and edit views lead back to. A model filter of ours by the
# same name took the locale's id and answered those addresses with "Select a valid choice".
class CampaignFilterSet(WagtailFilterSet):
    campaign = django_filters.ModelChoiceFilter(
        label=_("Campaign"), queryset=original_campaigns, method="filter_campaign"
    )

    def filter_campaign(self, queryset, name, value):
        # The entries of the campaign in every language.
        return queryset.for_campaign(value)


class DevelopmentFilterSet(CampaignFilterSet):
    class Meta:
        model = Development
        fields = {"live": ["exact"]}


class AppealFilterSet(CampaignFilterSet):
    class Meta:
        model = Appeal
        fields = {"live": ["exact"]}


# No search_fields on these viewsets: the listings search each model's own search index
# (its search_fields), which works on SQLite and PostgreSQL alike.
class DevelopmentViewSet(SnippetViewSet):
    model = Development
    icon = "date"
    menu_label = _("Developments")
    list_display = [
        "headline",
        Column("display_date", label=_("Date"), sort_key="date"),
        # Not sortable: search results cannot be ordered by a related page.
        Column("campaign", label=_("Campaign")),
        "locale",
        LiveStatusTagColumn(),
    ]
    filterset_class = DevelopmentFilterSet
    ordering = ["-date", "headline"]

    def get_queryset(self, request):
        return Development.objects.select_related("campaign", "locale")


class AppealViewSet(SnippetViewSet):
    model = Appeal
    icon = "mail"
    menu_label = _("Appeals")
    list_display = [
        "title",
        # Not sortable: search results cannot be ordered by a related page.
        Column("campaign", label=_("Campaign")),
        "locale",
        LiveStatusTagColumn(),
        # Not sortable: the counts are annotations, which search results cannot be ordered by.
        Column("actions_week", label=_("Actions, last 7 days")),
        Column("actions_total", label=_("Actions in all")),
        Column("sent_total", label=_("Letters sent (confirmed)")),
    ]
    filterset_class = AppealFilterSet
    ordering = ["-opens_on", "title"]

    def get_queryset(self, request):
        return Appeal.objects.with_action_counts().select_related("campaign", "locale")


class CampaignSnippets(SnippetViewSetGroup):
    items = (DevelopmentViewSet, AppealViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("Campaigns")
    menu_name = "campaign-snippets"


register_snippet(CampaignSnippets)


class AppealActionsPanel(Component):
    """On the admin dashboard: how many supporters acted on each open appeal."""

    name = "appeal_actions"
    template_name = "campaigns/admin/appeal_actions_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["appeals"] = (
            Appeal.objects.live()
            .open()
            .with_action_counts()
            .select_related("locale")
            .order_by("-actions_week", "title")[:PANEL_LENGTH]
        )
        by_channel = AppealActionCount.by_channel(context["appeals"])
        for appeal in context["appeals"]:
            appeal.by_channel = by_channel.get(appeal.pk, [])
        return context


class ScheduledPanel(Component):
    """On the admin dashboard: pages, developments and appeals approved to go live later."""

    name = "scheduled"
    template_name = "campaigns/admin/scheduled_panel.html"
    order = 60

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        finder = AdminURLFinder(parent_context["request"].user)
        revisions = (
            Revision.objects.filter(approved_go_live_at__gt=timezone.now())
            .select_related("content_type")
            .order_by("approved_go_live_at")[:PANEL_LENGTH]
        )
        context["scheduled"] = [
            {
                "title": revision.object_str,
                "kind": revision.content_type.name,
                "go_live_at": revision.approved_go_live_at,
                "edit_url": finder.get_edit_url(revision.content_object),
            }
            for revision in revisions
        ]
        return context


class OutdatedTranslationsPanel(Component):
    """On the admin dashboard: live translations whose original was published after them,
    which readers of the translation are told may be out of date."""

    name = "outdated_translations"
    template_name = "campaigns/admin/outdated_translations_panel.html"
    order = 70

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        finder = AdminURLFinder(parent_context["request"].user)
        kinds = [
            outdated(Page.objects.select_related("locale", "content_type")),
            outdated(Appeal.objects.select_related("locale")),
            outdated(Development.objects.select_related("locale")),
        ]
        # The first few of each kind, and how many there are in all: an archive has thousands.
        firsts = [list(kind[:PANEL_LENGTH]) for kind in kinds]
        total = sum(
            len(first) if len(first) < PANEL_LENGTH else kind.count()
            for kind, first in zip(kinds, firsts, strict=True)
        )
        found = sorted(
            (item for first in firsts for item in first),
            key=lambda translation: translation.original_published_at,
        )
        context["outdated"] = [
            {
                "title": (item.get_admin_display_title() if isinstance(item, Page) else str(item)),
                "kind": (
                    item.content_type.name if isinstance(item, Page) else item._meta.verbose_name
                ),
                # In the editor's language: the locale's own name is in its language.
                "language": get_language_info(item.locale.language_code)["name_translated"],
                "translated_at": item.last_published_at,
                "original_at": item.original_published_at,
                "edit_url": finder.get_edit_url(item),
            }
            for item in found[:PANEL_LENGTH]
        ]
        context["more"] = max(total - PANEL_LENGTH, 0)
        return context


# Wagtail's panels that go before ours (lower order first): what waits for this moderator's
# review, then what of their own waits for someone else's. Our panels are 50 to 70.
FIRST_PANELS = {"workflow_objects_to_moderate": 10, "user_objects_in_workflow_moderation": 20}


@hooks.register("construct_homepage_panels")
def add_dashboard_panels(request, panels):
    for panel in panels:
        if getattr(panel, "name", None) in FIRST_PANELS:
            panel.order = FIRST_PANELS[panel.name]
    panels.append(AppealActionsPanel())
    panels.append(ScheduledPanel())
    panels.append(OutdatedTranslationsPanel())


@hooks.register("register_admin_viewset")
def register_contact_request_register():
    return register.ContactRequestViewSet("family_contact_requests")


@hooks.register("register_log_actions")
def register_contact_request_actions(actions):
    actions.register_action(access.VIEW_ACTION, _("View"), _("Viewed"))
    actions.register_action(access.EXPORT_ACTION, _("Export"), _("Exported"))
    actions.register_action(
        access.EXPIRE_ACTION,
        _("Delete after retention"),
        _("Deleted at the end of its retention period"),
    )


@hooks.register("register_admin_urls")
def register_follower_admin_urls():
    return followers_admin.urlpatterns()


@hooks.register("register_reports_menu_item")
def register_follower_counts_menu_item():
    return followers_admin.menu_item()


@hooks.register("register_permissions")
def register_follower_export_permission():
    # Only the export: nobody adds, changes or views followers in the admin.
    return followers_admin.export_permission()


@hooks.register("register_log_actions")
def register_follower_actions(actions):
    actions.register_action(followers_admin.EXPORT_ACTION)(followers_admin.FollowerExportFormatter)
