"""Followers, the notices of what was published, and the mails that tell them (see __init__)."""

import datetime
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.encryption import EncryptedTextField

from . import keys

LANGUAGES = [("en", _("English")), ("fa", _("Persian"))]


class FollowerQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def with_address(self, address):
        """The followings of an address (one per campaign, and everything), under any key."""
        return self.filter(address_hash__in=keys.address_hashes(address))

    def unconfirmed_expired(self, now=None):
        """Unconfirmed for longer than FOLLOW_UNCONFIRMED_DAYS: to be deleted."""
        now = now or timezone.now()
        cutoff = now - datetime.timedelta(days=settings.FOLLOW_UNCONFIRMED_DAYS)
        return self.filter(confirmed_at__isnull=True, created_at__lt=cutoff)

    def hearing_of(self, language, campaign_key):
        """Confirmed followers in language of everything, and of the campaign (a translation
        key; None for what concerns the whole organisation)."""
        followed = models.Q(campaign_key__isnull=True)
        if campaign_key is not None:
            followed |= models.Q(campaign_key=campaign_key)
        return self.confirmed().filter(followed, language=language)


class Follower(models.Model):
    """An address that follows one campaign, or everything, in one language. The address is
    encrypted at rest; address_hash (keys.py) finds it again. A person following two campaigns
    is two followers, each with its own links."""

    class Frequency(models.TextChoices):
        EACH = "each", _("One mail each time")
        DAILY = "daily", _("One mail a day at most")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = EncryptedTextField(_("e-mail address"))
    address_hash = models.CharField(max_length=64, editable=False, db_index=True)
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGES)
    # The followed campaign's translation key, so that it is the same campaign in every
    # language; None follows everything.
    campaign_key = models.UUIDField(null=True, blank=True, db_index=True)
    frequency = models.CharField(
        _("how often"), max_length=10, choices=Frequency.choices, default=Frequency.EACH
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # What the form last asked for this following, applied only when the confirm link is used:
    # anyone can type an address into the form, so a post alone changes nobody's settings.
    pending_language = models.CharField(max_length=10, choices=LANGUAGES, blank=True)
    pending_frequency = models.CharField(max_length=10, choices=Frequency.choices, blank=True)

    objects = FollowerQuerySet.as_manager()

    class Meta:
        verbose_name = _("follower")
        permissions = [("export_follower", "Can export followers' e-mail addresses")]
        constraints = [
            models.UniqueConstraint(
                fields=["address_hash", "campaign_key"],
                condition=models.Q(campaign_key__isnull=False),
                name="one_following_per_address_and_campaign",
            ),
            models.UniqueConstraint(
                fields=["address_hash"],
                condition=models.Q(campaign_key__isnull=True),
                name="one_following_of_everything_per_address",
            ),
        ]

    def __str__(self):
        # Never the address: this is what logs and the audit log show.
        return _("Follower %(number)s") % {"number": self.pk}

    def save(self, *args, **kwargs):
        self.address_hash = keys.address_hash(self.email)
        super().save(*args, **kwargs)


class Notice(models.Model):
    """Something published that followers hear of: a development, a campaign update or an
    appeal, in one language. Made when it is first published in that language, or published
    again with "notify followers" ticked; never twice for one revision."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(max_length=10, choices=LANGUAGES)
    # The campaign's translation key; None for what concerns the whole organisation.
    campaign_key = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the mails for it were made (notices.fan_out); None until then.
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "revision"], name="one_notice_per_revision"
            )
        ]

    def __str__(self):
        return f"Notice {self.pk} ({self.content_type_id}:{self.object_id})"

    @property
    def subject(self):
        """What it is about: the published object, or None if it has gone since."""
        model = self.content_type.model_class()
        return model._default_manager.filter(pk=self.object_id).first() if model else None


class Mail(models.Model):
    """One mail to one follower: the confirmation, one notice, or a day's notices in a digest.

    Its state goes pending → sending → sent. A sender takes a mail by moving it to sending in
    its own committed update, before it talks to the mail server, and only a sender that moved
    it sends it: so a mail is never sent twice, even when a worker dies mid-batch (a mail left
    in sending by a dead worker is given up, not sent again: sending.py)."""

    class Kind(models.TextChoices):
        CONFIRM = "confirm", _("Confirmation")
        NOTICE = "notice", _("Notice")
        DIGEST = "digest", _("Daily digest")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Given up")

    follower = models.ForeignKey(Follower, on_delete=models.CASCADE, related_name="mails")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    # Not before: a digest's hour, or the next try after the server refused it for now.
    due_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    notices = models.ManyToManyField(Notice, through="MailNotice", related_name="mails")

    class Meta:
        indexes = [
            models.Index(fields=["state", "due_at"], name="mail_due"),
            # The rate per minute counts the mails sent lately (sending.py).
            models.Index(fields=["sent_at"], name="mail_sent_at"),
        ]
        constraints = [
            # One digest per follower per digest hour, however many fan-outs add to it at once
            # (notices.fan_out makes the missing ones with ignore_conflicts).
            models.UniqueConstraint(
                fields=["follower", "due_at"],
                condition=models.Q(kind="digest"),
                name="one_digest_per_follower_and_hour",
            )
        ]

    def __str__(self):
        return f"Mail {self.pk} ({self.kind}, {self.state})"


class MailNotice(models.Model):
    """A notice in a mail. A follower hears of each notice once: the constraint holds it however
    many times the notice is fanned out."""

    mail = models.ForeignKey(Mail, on_delete=models.CASCADE)
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE)
    follower = models.ForeignKey(Follower, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "notice"], name="one_mail_per_notice")
        ]

    def __str__(self):
        return f"Notice {self.notice_id} in mail {self.mail_id}"
