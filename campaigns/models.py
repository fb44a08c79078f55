"""Campaigns, their dated timeline of developments, and the appeals supporters act on."""

import datetime
import html
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import URLValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, Q, Sum, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, PublishingPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import (
    DraftStateMixin,
    Locale,
    LockableMixin,
    Page,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
    WorkflowMixin,
)
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from advocacy import site_data
from advocacy.blocks import BodyStreamBlock
from advocacy.dates import display_date
from advocacy.models import SUMMARY_LENGTH, SectionedBodyMixin, SitePage

from .encryption import EncryptedTextField

# Links readers follow must be web addresses (not ftp: or the like).
WEB_ADDRESS = URLValidator(schemes=["http", "https"])
LATEST_ON_CAMPAIGN = 5
ENTRIES_PER_PAGE = 20


class Precision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month only")
    YEAR = "year", _("Year only")


def truncate_to_precision(date, precision):
    """The day a date sorts by: the first of its month, or of its year."""
    if precision == Precision.MONTH:
        return date.replace(day=1)
    if precision == Precision.YEAR:
        return date.replace(month=1, day=1)
    return date


# Pages


class TimelineFeedsMixin(RoutablePageMixin):
    """feed/rss/ and feed/atom/ below a page that has a timeline() and a timeline_url()."""

    @path("feed/rss/")
    def rss_route(self, request):
        from .feeds import TimelineRssFeed

        return TimelineRssFeed()(request, page=self)

    @path("feed/atom/")
    def atom_route(self, request):
        from .feeds import TimelineAtomFeed

        return TimelineAtomFeed()(request, page=self)


class CampaignIndexPage(SitePage):
    """/campaigns/: every campaign of the organisation, active ones first."""

    intro = models.TextField(
        blank=True,
        max_length=SUMMARY_LENGTH,
        help_text=_("A sentence or two above the list of campaigns."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["advocacy.HomePage"]
    subpage_types = ["campaigns.CampaignPage"]
    max_count_per_parent = 1
    show_in_menus_default = True

    class Meta:
        verbose_name = _("campaign index page")

    def get_summary(self):
        return self.intro

    def campaigns(self):
        return (
            CampaignPage.objects.child_of(self)
            .live()
            .public()
            .order_by(
                Case(When(status=CampaignPage.Status.ACTIVE, then=0), default=1),
                "-first_published_at",
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
        from .timeline import Timeline

        return Timeline(self.locale, campaign=self)

    def timeline_url(self, request=None):
        return self.get_url(request) + self.reverse_subpage("timeline")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Appeals the editors already placed in the body are not listed a second time.
        in_body = [
            block.value["appeal"].translation_key
            for block in self.body
            if block.block_type == "call_to_action" and block.value["appeal"]
        ]
        context["appeals"] = list(
            Appeal.objects.live()
            .in_language(self.locale)
            .open()
            .for_campaign(self)
            .exclude(translation_key__in=in_body)
        )
        context["timeline_entries"] = self.timeline().latest(LATEST_ON_CAMPAIGN)
        context["contact_form"] = self.contact_form()
        return context

    def contact_form(self):
        """The page where families ask for news of a relative, while requests are taken."""
        if not settings.FAMILY_CONTACT_REQUESTS:
            return None
        data = site_data.current()
        if data is not None:
            return data.contact_form(self)
        return FamilyContactPage.objects.child_of(self).live().public().first()

    @path("")
    def index_route(self, request):
        return self.render(request)

    @path("timeline/", name="timeline")
    def timeline_route(self, request):
        timeline = self.timeline()
        year = _year_filter(request)
        # The page's own context, without the appeals and latest entries the campaign shows.
        context = super().get_context(request)
        context.update(
            _paginated_timeline(request, timeline.in_year(year)),
            year=year,
            years=timeline.years(),
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

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
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


class SectionPage(SitePage):
    """A page of its own kind directly under the home page, one per language: a short intro
    above a listing the page builds itself."""

    intro = models.TextField(blank=True, max_length=SUMMARY_LENGTH, help_text=_("Shown above."))

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["advocacy.HomePage"]
    subpage_types = []
    max_count_per_parent = 1
    show_in_menus_default = True

    class Meta:
        abstract = True

    def get_summary(self):
        return self.intro


class TimelinePage(TimelineFeedsMixin, SectionPage):
    """The organisation's whole timeline of developments, by year, with feeds."""

    class Meta:
        verbose_name = _("timeline page")

    def timeline(self, campaigns=()):
        from .timeline import Timeline

        return Timeline(self.locale, campaigns=campaigns)

    def timeline_url(self, request=None):
        return self.get_url(request)

    @path("")
    def index_route(self, request):
        campaigns = list(
            CampaignPage.objects.live().public().filter(locale=self.locale).order_by("title")
        )
        timeline = self.timeline(campaigns)
        campaign = None
        if slug := request.GET.get("campaign"):
            campaign = next((c for c in campaigns if c.slug == slug), None)
            if campaign is None:
                raise Http404("No such campaign")
            timeline = campaign.timeline()
        year = _year_filter(request)
        context = self.get_context(request)
        context.update(
            _paginated_timeline(request, timeline.in_year(year)),
            campaigns=campaigns,
            campaign=campaign,
            year=year,
            years=timeline.years(),
        )
        return TemplateResponse(request, self.get_template(request), context)


def _year_filter(request):
    """The ?year= filter: absent, or a year; anything else is not a page of ours."""
    raw = request.GET.get("year")
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 9999:
        raise Http404("No such year")
    return int(raw)


def _paginated_timeline(request, timeline):
    page = Paginator(timeline.rows(), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    return {"entries": timeline.hydrate(page.object_list), "page_obj": page}


class AppealIndexPage(RoutablePageMixin, SectionPage):
    """/appeals/: the organisation's appeals, open ones first; each appeal's page is below it."""

    class Meta:
        verbose_name = _("appeal index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["appeals"] = (
            Appeal.objects.live().filter(locale=self.locale).open_first().select_related("campaign")
        )
        return context

    @path("")
    def index_route(self, request):
        return self.render(request)

    @re_path(r"^(?P<slug>[-\w]+)/$", name="appeal")
    def appeal_route(self, request, slug):
        appeal = get_object_or_404(
            Appeal.objects.live().select_related("campaign"), locale=self.locale, slug=slug
        )
        context = self.get_context(request)
        # The language links and the out-of-date notice are about the appeal, not this page.
        context.update(appeal=appeal, translatable=appeal)
        return TemplateResponse(request, "campaigns/appeal_detail.html", context)

    @classmethod
    def for_locale(cls, locale_id):
        """The live appeals page of a language, where its appeals have their addresses."""
        return cls.objects.live().filter(locale_id=locale_id).first()

    def url_for(self, appeal, request=None):
        return self.get_url(request) + self.reverse_subpage("appeal", args=[appeal.slug])


# Snippets


class PublishingQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def live(self):
        return self.filter(live=True)

    def in_language(self, locale=None):
        return self.filter(locale=locale or Locale.get_active())

    def for_campaign(self, campaign):
        """Entries of a campaign, whichever language's copy of the campaign they point at."""
        return self.filter(campaign__translation_key=campaign.translation_key)


class Publishable(
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    TranslatableMixin,
    index.Indexed,
    models.Model,
):
    """Drafts, revisions, locking, previews, moderation and translation, as pages have."""

    class Meta(TranslatableMixin.Meta):
        abstract = True

    @property
    def revisions(self):
        return self._revisions

    def copy_for_translation(self, locale, exclude_fields=None):
        """A translation starts as a draft that has never been published, as a page's does.
        Wagtail's copy of a snippet would be live at once, in the original's words, without
        moderation; and, sharing its dates, never read as out of date."""
        translation = super().copy_for_translation(locale, exclude_fields=exclude_fields)
        translation.live = False
        translation.has_unpublished_changes = True
        translation.live_revision = None
        translation.first_published_at = translation.last_published_at = None
        translation.go_live_at = translation.expire_at = None
        translation.expired = False
        translation.locked, translation.locked_at, translation.locked_by = False, None, None
        return translation


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
        CampaignPage,
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
        PublishingPanel(),
    ]
    search_fields = [
        index.SearchField("headline", boost=2),
        index.SearchField("summary"),
        index.AutocompleteField("headline"),
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
        indexes = [models.Index(fields=["live", "locale", "date"])]

    def __str__(self):
        return f"{self.display_date()}: {self.headline}"

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


class AppealQuerySet(PublishingQuerySet):
    @staticmethod
    def _is_open(today=None):
        today = today or timezone.localdate()
        return Q(opens_on__lte=today) & (Q(closes_on__isnull=True) | Q(closes_on__gte=today))

    def open(self, today=None):
        return self.filter(self._is_open(today))

    def open_first(self, today=None):
        is_open = self._is_open(today)
        return self.annotate(closed=Case(When(is_open, then=Value(0)), default=Value(1))).order_by(
            "closed", F("closes_on").desc(nulls_first=True), "-opens_on", "title"
        )

    def with_action_counts(self, today=None):
        week_start = (today or timezone.localdate()) - datetime.timedelta(days=6)
        return self.annotate(
            actions_total=Sum("action_counts__count", default=0),
            actions_week=Sum(
                "action_counts__count",
                filter=Q(action_counts__date__gte=week_start),
                default=0,
            ),
        )


class Appeal(Publishable):
    """A call to supporters to act on a target, e.g. to write to a UN Special Rapporteur."""

    class Action(models.TextChoices):
        EMAIL = "email", _("Send a prepared e-mail")
        LINK = "link", _("Go to another site")
        PAGE = "page", _("Read a page of this site")

    title = models.CharField(max_length=200, help_text=_("The appeal in a few words."))
    slug = models.SlugField(
        max_length=100,
        allow_unicode=True,
        help_text=_("The last part of the appeal's address. Don't change it once it is shared."),
    )
    campaign = models.ForeignKey(
        CampaignPage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appeals",
        help_text=_("The campaign the appeal belongs to, if any."),
    )
    target_name = models.CharField(
        max_length=200, help_text=_("Who supporters address, e.g. Mr Andreas Mavrommatis.")
    )
    target_role = models.CharField(
        max_length=200,
        blank=True,
        help_text=_(
            "Their role, e.g. UN Special Rapporteur on the situation of human rights in Iraq."
        ),
    )
    ask = models.TextField(
        max_length=600, help_text=_("What we ask supporters to ask of the target, in a few lines.")
    )
    background = RichTextField(
        blank=True,
        features=["bold", "italic", "link", "document-link", "ol", "ul"],
        help_text=_("Why this appeal, for readers who want to know more."),
    )
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.EMAIL)
    action_label = models.CharField(
        max_length=80,
        blank=True,
        help_text=_("The button's words, e.g. Write to the Special Rapporteur."),
    )
    email_to = models.EmailField(blank=True, help_text=_("For an e-mail: the target's address."))
    email_subject = models.CharField(max_length=200, blank=True)
    email_body = models.TextField(
        blank=True, help_text=_("The letter supporters start from; they can change it.")
    )
    action_url = models.URLField(
        blank=True, validators=[WEB_ADDRESS], help_text=_("For a link: the address.")
    )
    action_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("For a page: the page to read."),
    )
    opens_on = models.DateField(default=datetime.date.today)
    closes_on = models.DateField(
        null=True, blank=True, help_text=_("Leave empty for an appeal with no end date.")
    )
    outcome = RichTextField(
        blank=True,
        features=["bold", "italic", "link", "document-link"],
        help_text=_("The target's response, once there is one."),
    )

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="appeal")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="appeal",
        for_concrete_model=False,
    )

    objects = AppealQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        # A short list of campaigns reads better as a dropdown than as a page chooser.
        FieldPanel("campaign", widget=forms.Select),
        MultiFieldPanel(
            [FieldPanel("target_name"), FieldPanel("target_role")], heading=_("Target")
        ),
        FieldPanel("ask"),
        FieldPanel("background"),
        MultiFieldPanel(
            [
                FieldPanel("action"),
                FieldPanel("action_label"),
                FieldPanel("email_to"),
                FieldPanel("email_subject"),
                FieldPanel("email_body"),
                FieldPanel("action_url"),
                FieldPanel("action_page"),
            ],
            heading=_("What supporters do"),
        ),
        FieldRowPanel([FieldPanel("opens_on"), FieldPanel("closes_on")], heading=_("Dates")),
        FieldPanel("outcome"),
        PublishingPanel(),
    ]
    search_fields = [
        index.SearchField("title", boost=2),
        index.SearchField("ask"),
        index.SearchField("background"),
        index.SearchField("target_name"),
        index.AutocompleteField("title"),
        index.FilterField("live"),
        index.FilterField("locale"),
        # The admin listing sorts search results by these.
        index.FilterField("title"),
        index.FilterField("campaign"),
        index.FilterField("opens_on"),
    ]

    class Meta(Publishable.Meta):
        verbose_name = _("appeal")
        ordering = ["-opens_on", "title"]
        constraints = [
            models.UniqueConstraint(fields=["locale", "slug"], name="unique_appeal_slug_per_locale")
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        required = {
            self.Action.EMAIL: ["email_to", "email_subject", "email_body"],
            self.Action.LINK: ["action_url"],
            self.Action.PAGE: ["action_page"],
        }[self.action]
        errors = {
            name: _("Needed for this kind of action.")
            for name in required
            if not getattr(self, name if name != "action_page" else "action_page_id")
        }
        if self.closes_on and self.opens_on and self.closes_on < self.opens_on:
            errors["closes_on"] = _("An appeal cannot close before it opens.")
        # The form has no locale field, so the database constraint alone would fail with a 500.
        same_slug = Appeal.objects.filter(slug=self.slug, locale_id=self.locale_id)
        if self.locale_id and same_slug.exclude(pk=self.pk).exists():
            errors["slug"] = _("Another appeal in this language already has this address.")
        if errors:
            raise ValidationError(errors)

    def is_open(self, today=None):
        today = today or timezone.localdate()
        return self.opens_on <= today and (self.closes_on is None or self.closes_on >= today)

    def has_closed(self, today=None):
        return self.closes_on is not None and self.closes_on < (today or timezone.localdate())

    def get_action_label(self):
        if self.action_label:
            return self.action_label
        return {
            self.Action.EMAIL: _("Write the e-mail"),
            self.Action.LINK: _("Take action"),
            self.Action.PAGE: _("Read more"),
        }[self.action]

    def get_target_url(self, request=None):
        """Where the action leads: only ever what editors stored."""
        if self.action == self.Action.EMAIL:
            query = f"subject={quote(self.email_subject)}&body={quote(self.email_body)}"
            return f"mailto:{quote(self.email_to, safe='@')}?{query}"
        if self.action == self.Action.LINK:
            return self.action_url
        if self.action_page_id and self.action_page.live:
            return self.action_page.get_url(request)
        return None

    def get_action_url(self):
        """Our own address for the action, which counts it and then redirects."""
        return reverse("appeal_action", args=[self.pk])

    @cached_property
    def index_page(self):
        data = site_data.current()
        if data is not None:
            return data.section(AppealIndexPage, self.locale_id)
        return AppealIndexPage.for_locale(self.locale_id)

    def get_url(self, request=None):
        index_page = self.index_page
        return index_page.url_for(self, request) if index_page else None

    def get_preview_template(self, request, mode_name):
        return "campaigns/previews/appeal.html"

    def get_preview_context(self, request, mode_name):
        return {"appeal": self, "object": self, "request": request}


class AppealActionCount(models.Model):
    """How many supporters followed an appeal's action on a day; nothing about who they were."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="action_counts")
    date = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appeal", "date"], name="one_count_per_appeal_and_day")
        ]

    def __str__(self):
        return f"{self.appeal}: {self.count} on {self.date}"

    @classmethod
    def add_one(cls, appeal, date=None):
        """Adds one to the day's count without losing an increment to a concurrent request."""
        date = date or timezone.localdate()
        if cls.objects.filter(appeal=appeal, date=date).update(count=F("count") + 1):
            return
        try:
            with transaction.atomic():
                cls.objects.create(appeal=appeal, date=date, count=1)
        except IntegrityError:
            # Another request created the day's row first.
            cls.objects.filter(appeal=appeal, date=date).update(count=F("count") + 1)


# Family contact requests


class FamilyContactPage(RoutablePageMixin, SitePage):
    """Below a campaign: the form on which families ask for news of a relative. The requests
    go, encrypted, to the caseworkers' register in the admin (campaigns/caseworkers.py)."""

    intro = RichTextField(
        features=["bold", "italic", "link"],
        help_text=_("Above the form: who may ask, and what the organisation does with a request."),
    )
    privacy = RichTextField(
        features=["bold", "italic", "link", "ul"],
        help_text=_(
            "Beside the form, in plain words: who sees the answers, how long they are kept, and "
            "how to withdraw a request."
        ),
    )
    thank_you = RichTextField(
        features=["bold", "italic", "link"],
        help_text=_("Shown once a request is sent: what happens next. It repeats none of it."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("privacy"),
        FieldPanel("thank_you"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["campaigns.CampaignPage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("family contact form page")

    def get_summary(self):
        return html.unescape(strip_tags(self.intro))[:SUMMARY_LENGTH]

    @path("")
    def form_route(self, request):
        from .family_contact import form_view

        return form_view(self, request)

    @path("sent/", name="sent")
    def sent_route(self, request):
        from .family_contact import sent_view

        return sent_view(self, request)


class ContactRequestQuerySet(models.QuerySet):
    def due_for_deletion(self, now=None):
        """Closed requests whose retention period (FAMILY_CONTACT_RETENTION_MONTHS) is over."""
        now = now or timezone.now()
        months = settings.FAMILY_CONTACT_RETENTION_MONTHS
        # A month counted as 30.44 days: the period is a policy, not a calendar sum.
        cutoff = now - datetime.timedelta(days=round(months * 30.44))
        return self.filter(status=ContactRequest.Status.CLOSED, closed_at__lt=cutoff)


class ContactRequest(models.Model):
    """A family's request for news of a relative. Every personal field is encrypted at rest
    (campaigns/encryption.py); only Caseworkers see requests, and every view, change and export
    is written to the audit log."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_PROGRESS = "in_progress", _("In progress")
        CONTACT_MADE = "contact_made", _("Contact made")
        CLOSED = "closed", _("Closed")

    class Language(models.TextChoices):
        PERSIAN = "fa", _("Persian")
        ENGLISH = "en", _("English")
        OTHER = "other", _("Another language")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The language of the form it was sent from, for the acknowledgement and the reply.
    language = models.CharField(max_length=10, default="en")

    # The person asking
    requester_name = EncryptedTextField(_("your name"))
    relationship = EncryptedTextField(_("relationship to your relative"))
    email = EncryptedTextField(_("e-mail address"), blank=True)
    phone = EncryptedTextField(_("telephone number"), blank=True)
    country = EncryptedTextField(_("country where you live"))
    preferred_language = models.CharField(
        _("language you prefer us to use"),
        max_length=10,
        choices=Language.choices,
        default=Language.PERSIAN,
    )

    # The relative
    relative_name = EncryptedTextField(_("your relative's name"))
    relative_other_names = EncryptedTextField(_("other names they have used"), blank=True)
    relative_year = EncryptedTextField(
        _("year they joined, or you were last in contact (roughly)"), blank=True
    )
    relative_last_place = EncryptedTextField(_("where they were last known to be"), blank=True)
    message = EncryptedTextField(_("message"), blank=True)
    would_travel = models.BooleanField(_("would travel to visit them"), default=False)

    # Consents, each given separately
    consent_contact = models.BooleanField(_("may be contacted by the organisation"))
    consent_share = models.BooleanField(
        _("request may be shared with named humanitarian bodies"), default=False
    )

    # The caseworkers' part
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("caseworker"),
    )
    relative_consent = models.BooleanField(
        _("the relative agrees to contact"),
        default=False,
        help_text=_(
            "Only once the relative has said, to us or to a body acting for us, that they want "
            "contact. A request cannot be marked contact made without it."
        ),
    )
    relative_consent_on = models.DateField(_("date the relative agreed"), null=True, blank=True)
    notes = EncryptedTextField(_("caseworker notes"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ContactRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("family contact request")
        ordering = ["-created_at"]
        permissions = [("export_contactrequest", "Can export family contact requests")]
        constraints = [
            # The database holds the mutual consent rule too, against a queryset update().
            models.CheckConstraint(
                condition=~models.Q(status="contact_made") | models.Q(relative_consent=True),
                name="contact_made_needs_relative_consent",
            )
        ]

    def __str__(self):
        # Never a name: this is what the audit log and the admin's messages show.
        return _("Request %(number)s") % {"number": self.pk}

    def save(self, *args, **kwargs):
        if self.status == self.Status.CONTACT_MADE and not self.relative_consent:
            # The rule holds however a request is saved, not only through the admin's form.
            raise ValidationError(_("Contact made needs the relative's recorded consent."))
        if self.status == self.Status.CLOSED and self.closed_at is None:
            self.closed_at = timezone.now()
        elif self.status != self.Status.CLOSED:
            self.closed_at = None
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.status == self.Status.CONTACT_MADE and not self.relative_consent:
            raise ValidationError(
                {
                    "status": _(
                        "Contact can only be recorded as made once the relative's consent to "
                        "contact is recorded."
                    )
                }
            )
        if self.relative_consent and not self.relative_consent_on:
            raise ValidationError({"relative_consent_on": _("Give the date they agreed.")})
