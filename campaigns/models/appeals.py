"""Appeals: calls to supporters to act (snippets), their page, and the count of actions taken."""

import datetime
import re
from urllib.parse import quote, urlencode

from django import forms
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import RegexValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
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
from base.page_warm import addresses

from .bases import (
    WEB_ADDRESS,
    Publishable,
    PublishingQuerySet,
    SectionPage,
    campaign_addresses,
    notify_followers_field,
)

# Appeal cards per page of the appeals page: the 100x archive's appeals on one page weighed
# 251 KB.
APPEALS_PER_PAGE = 20


class AppealIndexPage(RoutablePageMixin, SectionPage):
    """/appeals/: the organisation's appeals, open ones first; each appeal's page is below it."""

    class Meta:
        verbose_name = _("appeal index page")

    @path("")
    def index_route(self, request):
        appeals = (
            Appeal.objects.live().filter(locale=self.locale).open_first().select_related("campaign")
        )
        page = Paginator(appeals, APPEALS_PER_PAGE).get_page(request.GET.get("page"))
        return self.render(request, context_overrides={"appeals": page, "page_obj": page})

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
            "closed", F("closes_on").desc(nulls_first=True), "-opens_on", "title", "pk"
        )

    def with_action_counts(self, today=None):
        """Clicks on the appeal's ways to act (actions_*) and confirmed sends (sent_*), in the
        last seven days and in all. Subqueries: two joined sums would multiply each other."""
        week_start = (today or timezone.localdate()) - datetime.timedelta(days=6)

        def total(model, **filters):
            rows = model.objects.filter(appeal=OuterRef("pk"), **filters).values("appeal")
            return Coalesce(Subquery(rows.annotate(total=Sum("count")).values("total")), 0)

        return self.annotate(
            actions_total=total(AppealActionCount),
            actions_week=total(AppealActionCount, date__gte=week_start),
            sent_total=total(AppealSentCount),
            sent_week=total(AppealSentCount, date__gte=week_start),
        )


# A telephone number as people write it: digits, spaces, brackets, dots and dashes, maybe a "+".
PHONE = RegexValidator(
    r"^\+?[0-9][0-9 ().\-]{4,30}$",
    _("A telephone number: digits, maybe with spaces, brackets or dashes and a leading +."),
)
# Arabic-script letters: a letter that has them is in Persian, else in English.
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")


class Channel(models.TextChoices):
    """The ways to act on an appeal, each counted through /act/<id>/<channel>/."""

    EMAIL = "email", _("E-mail program")
    # The services' own names, the same in every language.
    GMAIL = "gmail", "Gmail"
    OUTLOOK = "outlook", "Outlook.com"
    YAHOO = "yahoo", "Yahoo Mail"
    FORM = "form", _("Web form")
    PRINT = "print", _("Printed letter")
    PHONE = "phone", _("Telephone")
    LINK = "link", _("Another site")
    PAGE = "page", _("A page of this site")


# Compose pages of the common webmail services: (address, the names of to, subject and body).
WEBMAIL = {
    Channel.GMAIL: ("https://mail.google.com/mail/", {"view": "cm"}, ("to", "su", "body")),
    Channel.OUTLOOK: (
        "https://outlook.live.com/mail/0/deeplink/compose",
        {},
        ("to", "subject", "body"),
    ),
    Channel.YAHOO: ("https://compose.mail.yahoo.com/", {}, ("to", "subject", "body")),
}


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
    email_subject = models.CharField(
        max_length=200, blank=True, help_text=_("For an e-mail: its subject line.")
    )
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
    opens_on = models.DateField(
        default=datetime.date.today, help_text=_("The first day supporters can act.")
    )
    closes_on = models.DateField(
        null=True, blank=True, help_text=_("Leave empty for an appeal with no end date.")
    )
    outcome = RichTextField(
        blank=True,
        features=["bold", "italic", "link", "document-link"],
        help_text=_("The target's response, once there is one."),
    )
    postal_address = models.TextField(
        max_length=500,
        blank=True,
        help_text=_(
            "Optional: the target's postal address, one line per line of the envelope. "
            "Supporters can then print the letter and post it."
        ),
    )
    phone = models.CharField(
        max_length=32,
        blank=True,
        validators=[PHONE],
        help_text=_("Optional: a telephone number supporters can call, e.g. +41 22 917 9000."),
    )
    web_form_url = models.URLField(
        blank=True,
        validators=[WEB_ADDRESS],
        help_text=_("Optional: the address of the target's own web form for messages."),
    )
    notify_followers = notify_followers_field()

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
        MultiFieldPanel(
            [FieldPanel("postal_address"), FieldPanel("phone"), FieldPanel("web_form_url")],
            heading=_("Other ways to reach the target"),
        ),
        FieldRowPanel([FieldPanel("opens_on"), FieldPanel("closes_on")], heading=_("Dates")),
        FieldPanel("outcome"),
        FieldPanel("notify_followers"),
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

    def page_cache_addresses(self):
        """Its page below the appeals page, and its campaign's (base/page_warm.py)."""
        index_page = self.index_page
        if index_page is None:
            own = []
        else:
            own = addresses(index_page, index_page.reverse_subpage("appeal", args=[self.slug]))
        return [*own, *campaign_addresses(self.campaign, self.locale)]

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
        """Where the main action leads: only ever what editors stored."""
        return self.channel_target(self.action, request)

    def channels(self):
        """The ways to act this appeal offers, in the order readers see them."""
        offered = []
        if self.email_to:
            offered += [Channel.EMAIL, Channel.GMAIL, Channel.OUTLOOK, Channel.YAHOO]
        if self.web_form_url:
            offered.append(Channel.FORM)
        if self.action == self.Action.LINK and self.action_url:
            offered.append(Channel.LINK)
        if self.action == self.Action.PAGE and self.action_page_id:
            offered.append(Channel.PAGE)
        if self.postal_address and self.email_body:
            offered.append(Channel.PRINT)
        if self.phone:
            offered.append(Channel.PHONE)
        return offered

    def channel_links(self):
        """{channel: our counted address} for each way to act, for the templates."""
        return {channel.value: self.get_action_url(channel) for channel in self.channels()}

    def webmail_links(self):
        """(service name, our counted address) for each webmail compose page."""
        return [
            (channel.label, self.get_action_url(channel))
            for channel in self.channels()
            if channel in WEBMAIL
        ]

    def channel_target(self, channel, request=None):
        """Where a channel leads, built only from what editors stored; None if the appeal does
        not offer it. The printed letter is a page of ours and has no target."""
        if channel not in self.channels():
            return None
        if channel == Channel.EMAIL:
            query = f"subject={quote(self.email_subject)}&body={quote(self.email_body)}"
            return f"mailto:{quote(self.email_to, safe='@')}?{query}"
        if channel in WEBMAIL:
            address, fixed, (to, subject, body) = WEBMAIL[channel]
            query = {**fixed, to: self.email_to, subject: self.email_subject, body: self.email_body}
            return f"{address}?{urlencode(query, quote_via=quote)}"
        if channel == Channel.FORM:
            return self.web_form_url
        if channel == Channel.LINK:
            return self.action_url
        if channel == Channel.PHONE:
            return "tel:" + re.sub(r"[^0-9+]", "", self.phone)
        if channel == Channel.PAGE and self.action_page.live:
            return self.action_page.get_url(request)
        return None

    @property
    def letter_language(self):
        """The language the letter is written in, which may not be the appeal's (a Persian
        appeal asks supporters to write in English to a UN official)."""
        return "fa" if ARABIC_SCRIPT.search(self.email_subject + self.email_body) else "en"

    @property
    def postal_address_language(self):
        return "fa" if ARABIC_SCRIPT.search(self.postal_address) else "en"

    # What its page tells link previews and search engines (the meta_tags page_meta tag).
    og_type = "article"

    def get_meta_description(self):
        return self.ask

    def get_action_url(self, channel=None):
        """Our own address for the action (or one channel of it), which counts it and then
        redirects."""
        if channel is None:
            return reverse("appeal_action", args=[self.pk])
        return reverse("appeal_channel", args=[self.pk, channel])

    def get_sent_url(self):
        """The small page where a supporter says they have sent the letter."""
        return reverse("appeal_sent", args=[self.pk])

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


class DailyCount(models.Model):
    """A number per appeal and day (and whatever else a subclass keys it by); nothing about who
    was counted."""

    date = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    @classmethod
    def add_one(cls, appeal, date=None, **keys):
        """Adds one to the day's count without losing an increment to a concurrent request."""
        date = date or timezone.localdate()
        rows = cls.objects.filter(appeal=appeal, date=date, **keys)
        if rows.update(count=F("count") + 1):
            return
        try:
            with transaction.atomic():
                cls.objects.create(appeal=appeal, date=date, count=1, **keys)
        except IntegrityError:
            # Another request created the day's row first.
            rows.update(count=F("count") + 1)


class AppealActionCount(DailyCount):
    """How many supporters followed one of an appeal's ways to act on a day."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="action_counts")
    channel = models.CharField(
        max_length=10,
        choices=Channel.choices,
        default=Channel.EMAIL,
        help_text=_("The way to act that supporters followed."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["appeal", "date", "channel"], name="one_count_per_appeal_day_and_channel"
            )
        ]

    def __str__(self):
        return f"{self.appeal}: {self.count} by {self.channel} on {self.date}"

    @classmethod
    def add_one(cls, appeal, date=None, channel=Channel.EMAIL):
        super().add_one(appeal, date, channel=channel)

    @classmethod
    def by_channel(cls, appeals):
        """{appeal id: [(channel label, clicks in all)]} for the appeals, in one query."""
        found = {}
        rows = (
            cls.objects.filter(appeal__in=appeals)
            .values("appeal", "channel")
            .annotate(total=Sum("count"))
            .order_by("appeal", "-total", "channel")
        )
        for row in rows:
            label = Channel(row["channel"]).label if row["channel"] in Channel else row["channel"]
            found.setdefault(row["appeal"], []).append((label, row["total"]))
        return found


class AppealSentCount(DailyCount):
    """How many supporters said, on a day, that they had sent the appeal's letter."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="sent_counts")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appeal", "date"], name="one_sent_count_per_appeal_day")
        ]

    def __str__(self):
        return f"{self.appeal}: {self.count} sent on {self.date}"
