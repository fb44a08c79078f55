"""The timeline: dated developments (snippets) and the organisation's timeline page."""

from django import forms
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Max
from django.db.models.functions import Cast
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, PublishingPanel
from wagtail.contrib.routable_page.models import path
from wagtail.models import Page
from wagtail.search import index

from base import site_data
from base.dates import display_date
from base.forms import SameLanguageForm

from .bases import (
    WEB_ADDRESS,
    Precision,
    Publishable,
    PublishingQuerySet,
    SectionPage,
    TimelineFeedsMixin,
    campaign_addresses,
    notify_followers_field,
    paginated_timeline,
    publication_time,
    truncate_to_precision,
    year_filter,
    year_options,
)
from .pages import CampaignIndexPage, CampaignPage

ADDED_FIRST = "added"
# The timeline's campaign filter lists every campaign while there are at most this many; past
# it, the campaigns with the newest developments (and the one chosen), with a link to the
# campaign index, where each campaign's page has its own timeline. The 100x archive's 2,000
# options weighed 130 KB on every timeline page and took most of its render.
FILTER_CAMPAIGNS = 30


class TimelinePage(TimelineFeedsMixin, SectionPage):
    """The organisation's whole timeline of developments, by year, with feeds."""

    class Meta:
        verbose_name = _("timeline page")

    def timeline(self):
        from ..timeline import Timeline  # which imports this module

        return Timeline(self.locale)

    def timeline_url(self, request=None):
        return self.get_url(request)

    @path("")
    def index_route(self, request):
        # The filter needs only each campaign's slug and title: a page object each took more
        # time than the rest of the page once there were fifty campaigns.
        campaigns = site_data.listed(CampaignPage, self.locale_id)
        timeline = self.timeline()
        campaign = None
        if slug := request.GET.get("campaign"):
            campaign = (
                CampaignPage.objects.live()
                .public()
                .filter(locale=self.locale, slug=slug)
                .order_by("title")
                .first()
            )
            if campaign is None:
                raise Http404("No such campaign")
            timeline = campaign.timeline()
        year = year_filter(request)
        # ?order=added: the newest additions first, whatever the date of their event.
        order = request.GET.get("order", "")
        if order not in ("", ADDED_FIRST):
            raise Http404("No such order")
        added_first = order == ADDED_FIRST
        listed = timeline.in_year(year)
        context = self.get_context(request)
        offered = self.filter_campaigns(campaigns, campaign)
        context.update(
            paginated_timeline(request, listed.by_publication() if added_first else listed),
            campaigns=offered,
            all_campaigns=(
                site_data.section(CampaignIndexPage, self.locale_id)
                if len(offered) < len(campaigns)
                else None
            ),
            campaign=campaign,
            year=year,
            years=year_options(timeline, year),
            added_first=added_first,
        )
        return TemplateResponse(request, self.get_template(request), context)

    def filter_campaigns(self, campaigns, chosen):
        """The campaigns the filter offers, of the listed ones (by title): all of them, or past
        FILTER_CAMPAIGNS those with the newest developments in this language and the one
        chosen."""
        if len(campaigns) <= FILTER_CAMPAIGNS:
            return campaigns
        recent = site_data.kept(("timeline-filter", self.locale_id), self._recent_campaigns)
        return [
            item
            for item in campaigns
            if item["translation_key"] in recent or (chosen and item["pk"] == chosen.pk)
        ]

    def _recent_campaigns(self):
        """The translation keys of the campaigns with the newest developments in this language:
        by campaign id, then their keys (a development may name another language's copy)."""
        rows = (
            Development.objects.live()
            .filter(locale_id=self.locale_id, campaign__isnull=False)
            .values("campaign_id")
            .annotate(newest=Max("date"))
            .order_by("-newest", "campaign_id")[:FILTER_CAMPAIGNS]
        )
        ids = [row["campaign_id"] for row in rows]
        return set(Page.objects.filter(pk__in=ids).values_list("translation_key", flat=True))


class Development(Publishable):
    """A dated entry of the timeline: what happened, when, and where to read more."""

    date = models.DateField(
        help_text=_(
            "When it happened. If only the month or year is known, pick any day in it and set "
            "the precision below."
        )
    )
    precision = models.CharField(
        max_length=10,
        choices=Precision.choices,
        default=Precision.DAY,
        help_text=_("How much of the date is known; readers see no more than that."),
    )
    headline = models.CharField(max_length=200, help_text=_("What happened, in one line."))
    summary = models.TextField(
        blank=True, max_length=600, help_text=_("A few sentences for the timeline and feeds.")
    )
    campaign = models.ForeignKey(
        "campaigns.CampaignPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="developments",
        help_text=_("Leave empty for a development that concerns the whole organisation."),
    )
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A page of this site to read more."),
    )
    link_document = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Or a document."),
    )
    link_url = models.URLField(
        blank=True, validators=[WEB_ADDRESS], help_text=_("Or an address on another site.")
    )
    notify_followers = notify_followers_field()

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="development")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="development",
        for_concrete_model=False,
    )

    objects = PublishingQuerySet.as_manager()
    timeline_kind = "development"

    base_form_class = SameLanguageForm
    panels = [
        FieldRowPanel([FieldPanel("date"), FieldPanel("precision")]),
        FieldPanel("headline"),
        FieldPanel("summary"),
        # A short list of campaigns reads better as a dropdown than as a page chooser.
        FieldPanel("campaign", widget=forms.Select),
        MultiFieldPanel(
            [FieldPanel("link_page"), FieldPanel("link_document"), FieldPanel("link_url")],
            heading=_("Read more (at most one)"),
        ),
        FieldPanel("notify_followers"),
        PublishingPanel(),
    ]
    search_fields = [
        index.SearchField("headline", boost=2),
        index.SearchField("summary"),
        # The admin listing searches only the autocomplete fields (as the editor types): each
        # field a reader's search finds is one of them too.
        index.AutocompleteField("headline"),
        index.AutocompleteField("summary"),
        index.FilterField("live"),
        index.FilterField("locale"),
        index.FilterField("date"),
        # The admin listing sorts search results by these.
        index.FilterField("headline"),
        index.FilterField("campaign"),
    ]

    class Meta(Publishable.Meta):
        verbose_name = _("development")
        ordering = ["-date", "headline"]
        indexes = [
            # The timeline's orders within a language (campaigns/timeline.py, Timeline.page).
            models.Index(fields=["locale", "live", "-date", "headline", "id"]),
            models.Index(
                F("locale"),
                F("live"),
                publication_time().desc(),
                F("headline"),
                F("id"),
                name="campaigns_development_added",
            ),
            # The admin's listing, newest first (Meta.ordering).
            models.Index(fields=["-date", "headline"], name="development_listing_order"),
            # The search joins its index entries to developments on the id as text (their
            # object_id is text): with this, PostgreSQL looks up the best-ranked few entries'
            # developments instead of reading every development of the language (with the
            # 100x archive, a search for a common word took 193 ms without it, 83 with it:
            # base/migrations/0001_search_title_body_index.py has the figures).
            models.Index(
                Cast(Cast("id", models.CharField(max_length=50)), models.TextField()),
                name="development_id_as_text",
            ),
        ]

    def __str__(self):
        return f"{self.display_date()}: {self.headline}"

    def page_cache_addresses(self):
        """Its campaign's page, timeline and feeds (base/page_warm.py); the timeline and home
        page are warmed for every change."""
        return campaign_addresses(self.campaign, self.locale)

    def clean(self):
        super().clean()
        links = [self.link_page_id, self.link_document_id, self.link_url]
        if sum(bool(link) for link in links) > 1:
            raise ValidationError(
                {"link_url": _("Choose at most one of a page, a document or an address.")}
            )
        if self.date:
            self.date = truncate_to_precision(self.date, self.precision)

    def display_date(self):
        return display_date(self.date, self.precision)

    def get_link_url(self, request=None):
        if self.link_page_id and self.link_page.live:
            return self.link_page.get_url(request)
        if self.link_document_id:
            return self.link_document.url
        return self.link_url or None

    def get_preview_template(self, request, mode_name):
        return "campaigns/previews/development.html"
