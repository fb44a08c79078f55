"""The family contact form page and the requests it stores, encrypted (see __init__.py)."""

import datetime
import html

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from base.models import SUMMARY_LENGTH, SitePage

from .encryption import EncryptedTextField, Unreadable


class FamilyContactPage(RoutablePageMixin, SitePage):
    """Below a campaign: the form on which families ask for news of a relative. The requests
    go, encrypted, to the caseworkers' register in the admin (register.py)."""

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
    # Its campaign links to it: the site data keeps the one below each campaign.
    site_child = True

    class Meta:
        verbose_name = _("family contact form page")

    def get_summary(self):
        return html.unescape(strip_tags(self.intro))[:SUMMARY_LENGTH]

    @path("")
    def form_route(self, request):
        from .views import form_view  # which imports this module

        return form_view(self, request)

    @path("sent/", name="sent")
    def sent_route(self, request):
        from .views import sent_view  # which imports this module

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
    (encryption.py); only Caseworkers see requests, and every view, change and export
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

    created_at = models.DateTimeField(_("Received"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The language of the form it was sent from, for the acknowledgement and the reply.
    language = models.CharField(max_length=10, default="en")

    # The verbose names are what caseworkers read in the register and its export (register.py);
    # the form asks the same things in the requester's own words (form.py).

    # The person asking
    requester_name = EncryptedTextField(_("Requester's name"))
    relationship = EncryptedTextField(_("Relationship to the relative"))
    email = EncryptedTextField(_("Requester's e-mail address"), blank=True)
    phone = EncryptedTextField(_("Requester's telephone number"), blank=True)
    country = EncryptedTextField(_("Country the requester lives in"))
    preferred_language = models.CharField(
        _("Language the requester prefers"),
        max_length=10,
        choices=Language.choices,
        default=Language.PERSIAN,
    )

    # The relative
    relative_name = EncryptedTextField(_("Relative's name"))
    relative_other_names = EncryptedTextField(_("Other names the relative has used"), blank=True)
    relative_year = EncryptedTextField(
        _("Year the relative joined, or of the last contact (roughly)"), blank=True
    )
    relative_last_place = EncryptedTextField(
        _("Where the relative was last known to be"), blank=True
    )
    message = EncryptedTextField(_("Message"), blank=True)
    would_travel = models.BooleanField(_("Would travel to visit them"), default=False)

    # Consents, each given separately
    consent_contact = models.BooleanField(_("May be contacted by the organisation"))
    consent_share = models.BooleanField(
        _("Request may be shared with named humanitarian bodies"), default=False
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
    closed_at = models.DateTimeField(_("Closed"), null=True, blank=True, editable=False)

    # The acknowledgement (acknowledgement.py), sent by the mail queue at most once: the task
    # moves it to "sending" in its own committed update before it talks to the mail server.
    class Acknowledgement(models.TextChoices):
        NONE = "", _("Not asked for")
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Given up")

    acknowledgement = models.CharField(
        max_length=10, choices=Acknowledgement.choices, blank=True, default="", editable=False
    )
    acknowledgement_attempts = models.PositiveSmallIntegerField(default=0, editable=False)

    # The answers the register's search looks in, and the same text in one token of its own:
    # the search decrypts one field a request instead of seven (a search of 10,000 requests in
    # make bench took 1.4 s decrypting each field). Written by save() from the answers, which
    # nothing changes once the form is sent; null only for rows from before it existed, which
    # the search reads field by field (register.py).
    SEARCHED_FIELDS = (
        "requester_name",
        "email",
        "phone",
        "country",
        "relative_name",
        "relative_other_names",
        "relative_last_place",
    )
    search_text = EncryptedTextField(null=True, editable=False)

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
        if (text := self.searched_text()) is not None:
            self.search_text = text
        super().save(*args, **kwargs)

    def searched_text(self):
        """The searched answers as one text, one a line; None when some are not loaded, or
        cannot be read with these keys (the stored search text is then left as it is)."""
        if self.get_deferred_fields() & set(self.SEARCHED_FIELDS):
            return None
        answers = [getattr(self, name) for name in self.SEARCHED_FIELDS]
        if any(isinstance(answer, Unreadable) for answer in answers):
            return None
        return "\n".join(answer or "" for answer in answers)

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
