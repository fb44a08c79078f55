"""Appeals: calls to supporters to act (snippets), their page, and the count of actions taken."""

import datetime
from urllib.parse import quote

from django import forms
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, Q, Sum, Value, When
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    PublishingPanel,
    TitleFieldPanel,
)
from wagtail.admin.widgets.slug import SlugInput
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField
from wagtail.search import index

from base import site_data
from base.forms import SameLanguageForm

from .bases import WEB_ADDRESS, Publishable, PublishingQuerySet, SectionPage


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

    def url_for(self, appeal, request=None):
        return self.get_url(request) + self.reverse_subpage("appeal", args=[appeal.slug])


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
        "campaigns.CampaignPage",
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

    base_form_class = SameLanguageForm
    panels = [
        # As on pages: the address follows the title as it is typed, until the appeal is
        # live (a shared address must not move) or the editor types one of their own.
        TitleFieldPanel("title", placeholder=False),
        FieldPanel("slug", widget=SlugInput),
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
        # The admin listing searches only the autocomplete fields: see Development's.
        index.AutocompleteField("title"),
        index.AutocompleteField("ask"),
        index.AutocompleteField("background"),
        index.AutocompleteField("target_name"),
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

    # What its page tells link previews and search engines (the meta_tags page_meta tag).
    og_type = "article"

    def get_meta_description(self):
        return self.ask

    def get_action_url(self):
        """Our own address for the action, which counts it and then redirects."""
        return reverse("appeal_action", args=[self.pk])

    @cached_property
    def index_page(self):
        return site_data.section(AppealIndexPage, self.locale_id)

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
