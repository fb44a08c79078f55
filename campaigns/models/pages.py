"""The campaigns: their index, each campaign page, and the dated updates below a campaign."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Case, When
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from base import site_data
from base.dates import display_date
from base.models import SUMMARY_LENGTH, SectionedBodyMixin, SitePage
from base.page_warm import addresses

from ..blocks import BodyStreamBlock
from ..family_contact.models import FamilyContactPage
from .appeals import Appeal
from .bases import (
    Precision,
    TimelineFeedsMixin,
    notify_followers_field,
    paginated_timeline,
    year_filter,
    year_options,
)

LATEST_ON_CAMPAIGN = 5
# Campaign cards per page of the campaign index: the 100x archive's 2,000 campaigns on one page
# weighed 824 KB.
CAMPAIGNS_PER_PAGE = 30


class CampaignIndexPage(SitePage):
    """/campaigns/: every campaign of the organisation, active ones first."""

    intro = models.TextField(
        blank=True,
        max_length=SUMMARY_LENGTH,
        help_text=_("A sentence or two above the list of campaigns."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = [settings.HOME_PAGE_MODEL]
    subpage_types = ["campaigns.CampaignPage"]
    max_count_per_parent = 1
    show_in_menus_default = True

    class Meta:
        verbose_name = _("campaign index page")

    # The timeline's campaign filter links to it (base/site_data.py keeps one per language).
    site_section = True

    def get_summary(self):
        return self.intro

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["page_obj"] = Paginator(self.campaigns(), CAMPAIGNS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        return context

    def campaigns(self):
        return (
            CampaignPage.objects.child_of(self)
            .live()
            .public()
            .order_by(
                Case(When(status=CampaignPage.Status.ACTIVE, then=0), default=1),
                "-first_published_at",
                "pk",  # the same order on every page of the index
            )
        )


class CampaignPage(TimelineFeedsMixin, SectionedBodyMixin, SitePage):
    """A campaign, such as Family Contact: its sections, open appeals and dated timeline."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CONCLUDED = "concluded", _("Concluded")

    summary = models.TextField(
        max_length=SUMMARY_LENGTH,
        help_text=_("What the campaign is about, in a sentence or two, for listings and sharing."),
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown at the top of the campaign and when it is shared."),
    )
    image_alt = models.CharField(
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.ACTIVE,
        help_text=_("Concluded campaigns are listed after active ones."),
    )
    body = StreamField(BodyStreamBlock(), blank=True, help_text=_("The campaign's sections."))

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("status"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("status"),
    ]

    parent_page_types = ["campaigns.CampaignIndexPage"]
    subpage_types = ["campaigns.CampaignUpdatePage", "campaigns.FamilyContactPage"]
    # The site data keeps their slugs and titles for the timeline's filter.
    site_listed = True

    class Meta:
        verbose_name = _("campaign page")

    def clean(self):
        super().clean()
        if self.image and not self.image_alt:
            raise ValidationError(
                {"image_alt": _("Describe the image for people who can't see it.")}
            )

    def get_summary(self):
        return self.summary

    def get_share_image(self):
        return self.share_image or self.image

    def timeline(self):
        from ..timeline import Timeline  # which imports this module

        return Timeline(self.locale, campaign=self)

    def timeline_url(self, request=None):
        return self.get_url(request) + self.reverse_subpage("timeline")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # All the open appeals, those the editors also placed in the body too: the box at the
        # top is where a supporter looks first.
        # Kept until the next change, and for the day: which are open changes at midnight.
        today = timezone.localdate()
        context["appeals"] = site_data.kept(
            ("campaign-appeals", self.pk, today),
            lambda: list(
                Appeal.objects.live()
                .in_language(self.locale)
                .open(today)
                .for_campaign(self)
                .open_first(today)
            ),
        )
        context["appeals_above"] = {appeal.pk for appeal in context["appeals"]}
        context["timeline_entries"] = self.timeline().latest(LATEST_ON_CAMPAIGN)
        # The contents bar leads to the action and the news as well as to the body's sections.
        context["contents"] = [
            *([{"anchor": "act-now", "text": _("Act now")}] if context["appeals"] else []),
            *self.headings(),
            {"anchor": "recent-developments", "text": _("Recent developments")},
        ]
        context["contact_form"] = self.contact_form()
        return context

    warm_routes = ("timeline", *TimelineFeedsMixin.warm_routes)

    def page_cache_addresses(self):
        """The campaign, its timeline and feeds, and the list of campaigns above it."""
        return [*super().page_cache_addresses(), *addresses(self.get_parent())]

    def contact_form(self):
        """The page where families ask for news of a relative, while requests are taken."""
        if not settings.FAMILY_CONTACT_REQUESTS:
            return None
        return site_data.child(FamilyContactPage, self)

    @path("")
    def index_route(self, request):
        return self.render(request)

    @path("timeline/", name="timeline")
    def timeline_route(self, request):
        timeline = self.timeline()
        year = year_filter(request)
        # The page's own context, without the appeals and latest entries the campaign shows.
        context = super().get_context(request)
        context.update(
            paginated_timeline(request, timeline.in_year(year)),
            year=year,
            years=year_options(timeline, year),
        )
        return TemplateResponse(request, "campaigns/campaign_timeline.html", context)


class CampaignUpdatePage(SectionedBodyMixin, SitePage):
    """A dated article under its campaign; once published it is on the campaign's timeline."""

    date = models.DateField(
        default=datetime.date.today,
        help_text=_("The day the update is about; it sets its place on the timeline."),
    )
    summary = models.TextField(
        max_length=SUMMARY_LENGTH,
        help_text=_("A sentence or two shown on the timeline, in feeds and when shared."),
    )
    body = StreamField(BodyStreamBlock(), blank=True)
    notify_followers = notify_followers_field()

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("notify_followers"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    parent_page_types = ["campaigns.CampaignPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("campaign update")
        indexes = [
            # The timeline's updates by date (campaigns/timeline.py): its first page read the
            # newest 20 of the 100x archive's 5,000 in 0.1 ms along it, 7.2 ms without (every
            # update joined to its page and sorted: live and language are on Wagtail's table).
            models.Index(fields=["date"], name="campaigns_update_date"),
        ]

    # What the timeline needs of an entry, the same names as Development's.
    timeline_kind = "update"
    precision = Precision.DAY

    @property
    def headline(self):
        return self.title

    def display_date(self):
        return display_date(self.date, Precision.DAY)

    def get_summary(self):
        return self.summary

    def page_cache_addresses(self):
        """The update and its campaign, whose page and timeline list it."""
        campaign = self.get_parent().specific
        return [*super().page_cache_addresses(), *campaign.page_cache_addresses()]
