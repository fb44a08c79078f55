"""What a publish tells followers, who hears of it, and the mails that say it.

A development, a campaign update or an appeal makes a Notice when it is first published in a
language (no publish of it logged yet), or when it is published again with "notify followers"
ticked; the tick is then cleared on the live row and
in the published revision, so that the next edit starts unticked. Any other publish (a
correction, a translation brought up to date) tells nobody.

The publish only records the notice; the mail queue's sender fans it out (fan_out): a mail of
its own now for each follower who chose each time, and a line in the follower's next daily
digest for the others.
"""

import datetime
import json
import logging
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.log_actions import registry as log_registry
from wagtail.models import Page
from wagtail.signals import page_published, published
from wagtail_localize.models import TranslationSource

from base import site_data
from base.dates import DAY, display_date, persian_digits
from base.site_data import site_settings_model

from . import keys
from .models import Follower, Mail, MailNotice, Notice

logger = logging.getLogger(__name__)

# What followers hear of: the models with a "notify followers" tick.
TOLD = ("campaigns.Development", "campaigns.CampaignUpdatePage", "campaigns.Appeal")
# Rows per INSERT when a notice is fanned out to many followers.
BULK = 1000


# Publishing


def campaign_key(instance):
    """The translation key of the campaign the object belongs to; None for the organisation."""
    if instance._meta.label == "campaigns.CampaignUpdatePage":
        parent = instance.get_parent()
        return parent.translation_key if parent else None
    campaign = instance.campaign
    return campaign.translation_key if campaign else None


def _untick(instance, revision):
    """Clears the tick wherever the next edit or translation would find it: the live row, the
    published revision, and wagtail-localize's source, whose synchronised fields a translation
    takes (else every translation synced after would tell its followers again)."""
    type(instance)._default_manager.filter(pk=instance.pk).update(notify_followers=False)
    instance.notify_followers = False
    if revision is not None and revision.content.get("notify_followers"):
        revision.content["notify_followers"] = False
        revision.save(update_fields=["content"])
    sources = TranslationSource.objects.filter(
        object_id=instance.translation_key, locale_id=instance.locale_id
    )
    for source in sources:
        content = json.loads(source.content_json)
        if content.get("notify_followers"):
            content["notify_followers"] = False
            source.content_json = json.dumps(content, cls=DjangoJSONEncoder)
            source.save(update_fields=["content_json"])


def _first_publish(instance):
    """Whether this is the object's first publish. Wagtail logs a publish after sending its
    signal, so none is logged yet. (Its first_published_at cannot say: wagtail-localize copies
    an original snippet's into its translation, which is then never "first".)"""
    logs = log_registry.get_logs_for_instance(instance)
    return not logs.filter(action__in=["wagtail.publish", "wagtail.publish.scheduled"]).exists()


def published_now(sender, instance, revision=None, **kwargs):
    """Records a notice of a publish followers should hear of, and queues the sender."""
    if instance._meta.label not in TOLD or not settings.FOLLOW_BY_EMAIL or not instance.live:
        return  # a scheduled publish sends the signal too, before it goes live
    first = _first_publish(instance)
    ticked = instance.notify_followers
    if ticked:
        _untick(instance, revision)
    if not (first or ticked):
        return
    language, key = instance.locale.language_code, campaign_key(instance)
    if not Follower.objects.hearing_of(language, key).exists():
        return  # nobody to tell: no notice to keep
    Notice.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(instance),
        object_id=instance.pk,
        revision=revision,
        defaults={"language": language, "campaign_key": key},
    )
    from .sending import queue_sending  # which imports this module

    queue_sending()


for _signal in (page_published, published):
    _signal.connect(published_now, dispatch_uid=f"followers-notice-{_signal!r}")


# Fan-out


def next_digest_time(now=None):
    """The next FOLLOW_DIGEST_HOUR (TIME_ZONE) strictly after now."""
    now = timezone.localtime(now or timezone.now())
    at = now.replace(hour=settings.FOLLOW_DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if at <= now:
        at = timezone.make_aware(
            datetime.datetime.combine(at.date() + datetime.timedelta(days=1), at.time())
        )
    return at


def fan_out(notice_id, now=None):
    """Makes the mails of one notice: a mail each now, or a line in the next digest, for each
    confirmed follower hearing of it who has not had it. A few queries whatever the number of
    followers; the number of followers reached."""
    now = now or timezone.now()
    with transaction.atomic():
        # The notice is taken by one fan-out only, even with two senders running.
        if not Notice.objects.filter(pk=notice_id, fanned_out_at__isnull=True).update(
            fanned_out_at=now
        ):
            return 0
        notice = Notice.objects.get(pk=notice_id)
        told = MailNotice.objects.filter(notice=notice).values("follower")
        hearing = (
            Follower.objects.hearing_of(notice.language, notice.campaign_key)
            .exclude(pk__in=told)
            # The campaign's own following before everything's, for the address that has both.
            .order_by(F("campaign_key").asc(nulls_last=True), "pk")
            .values_list("pk", "frequency", "address_hash")
        )
        each, daily, addresses = [], [], set()
        for pk, frequency, address in hearing:
            if address in addresses:
                continue  # one mail for one address, however many of its followings hear of it
            addresses.add(address)
            (daily if frequency == Follower.Frequency.DAILY else each).append(pk)
        mails = Mail.objects.bulk_create(
            [Mail(follower_id=pk, kind=Mail.Kind.NOTICE, due_at=now) for pk in each],
            batch_size=BULK,
        )
        lines = [
            MailNotice(mail=mail, notice=notice, follower_id=mail.follower_id) for mail in mails
        ]
        if daily:
            due = next_digest_time(now)
            Mail.objects.bulk_create(
                [Mail(follower_id=pk, kind=Mail.Kind.DIGEST, due_at=due) for pk in daily],
                batch_size=BULK,
                ignore_conflicts=True,  # the follower's digest for that hour already exists
            )
            # A subquery, not the list: SQLite takes a few thousand parameters at most.
            daily_followers = Follower.objects.hearing_of(
                notice.language, notice.campaign_key
            ).filter(frequency=Follower.Frequency.DAILY)
            digests = Mail.objects.filter(
                kind=Mail.Kind.DIGEST,
                due_at=due,
                state=Mail.State.PENDING,
                follower__in=daily_followers.values("pk"),
            ).values_list("follower_id", "pk")
            lines += [
                MailNotice(mail_id=mail, notice=notice, follower_id=follower)
                for follower, mail in digests
            ]
        MailNotice.objects.bulk_create(lines, batch_size=BULK, ignore_conflicts=True)
    logger.info(
        "Notice %s: %s mails now, %s in digests", notice_id, len(each), len(lines) - len(each)
    )
    return len(each) + len(daily)


# The mails


def _default_site():
    from wagtail.models import Site

    return Site.objects.filter(is_default_site=True).first() or Site.objects.first()


def _root():
    site = _default_site()
    return (site.root_url if site else settings.WAGTAILADMIN_BASE_URL).rstrip("/") + "/"


def _full(url):
    return urljoin(_root(), url) if url else None


def _timeline_url(instance):
    """Where a development without a link of its own is read: its campaign's timeline in its
    language, or the organisation's."""
    from campaigns.models import CampaignPage, TimelinePage

    campaign = instance.campaign
    if campaign is not None and campaign.locale_id != instance.locale_id:
        campaign = campaign.get_translation_or_none(instance.locale)
    if isinstance(campaign, CampaignPage) and campaign.live:
        return campaign.get_full_url() + campaign.reverse_subpage("timeline")
    timeline = site_data.section(TimelinePage, instance.locale_id)
    return timeline.get_full_url() if timeline else _root()


def item(instance):
    """What a mail says of one published object: a dict for the mail templates."""
    label = instance._meta.label
    if label == "campaigns.Appeal":
        from campaigns.models.appeals import Channel

        index_page = instance.index_page
        url = (
            index_page.get_full_url() + index_page.reverse_subpage("appeal", args=[instance.slug])
            if index_page
            else _root()
        )
        # The action itself, straight to where it leads: a mail takes no counted or rewritten
        # link (the site's own action addresses count clicks).
        action = None
        if instance.action == instance.Action.EMAIL and instance.email_to:
            action = instance.channel_target(Channel.EMAIL)
        elif instance.action == instance.Action.LINK:
            action = instance.action_url
        elif instance.action == instance.Action.PAGE and instance.action_page_id:
            action = _full(instance.channel_target(Channel.PAGE))
        return {
            "kind": "appeal",
            "date": display_date(instance.opens_on, DAY),
            "headline": instance.title,
            "summary": instance.ask,
            "url": url,
            "appeal": instance,
            "action_url": action,
            "action_label": instance.get_action_label(),
            "letter_language": instance.letter_language,
        }
    if label == "campaigns.CampaignUpdatePage":
        return {
            "kind": "update",
            "date": instance.display_date(),
            "headline": instance.title,
            "summary": instance.summary,
            "url": instance.get_full_url(),
        }
    return {
        "kind": "development",
        "date": instance.display_date(),
        "headline": instance.headline,
        "summary": instance.summary,
        "url": _full(instance.get_link_url()) or _timeline_url(instance),
    }


def _still_published(notice):
    """What the notice is about, while readers may see it: published, and not on a page kept
    to some readers (a password, a login), which a mail would give to everyone."""
    instance = notice.subject
    if instance is None or not getattr(instance, "live", False):
        return None
    if isinstance(instance, Page) and instance.get_view_restrictions().exists():
        return None
    return getattr(instance, "specific", instance)


def compose(mail):
    """The notice or digest mail, in the follower's language; None when nothing it would tell
    is still published (deleted or unpublished since)."""
    follower = mail.follower
    notices = mail.notices.select_related("content_type").order_by("created_at", "pk")
    with translation.override(follower.language):
        items = [item(instance) for instance in map(_still_published, notices) if instance]
        if not items:
            return None
        organisation = site_settings_model().for_site(_default_site()).name
        leave = keys.link(follower, "leave")
        if mail.kind == Mail.Kind.DIGEST:
            subject = ngettext(
                "%(count)s new from %(organisation)s, %(date)s",
                "%(count)s new from %(organisation)s, %(date)s",
                len(items),
            ) % {
                "count": persian_digits(str(len(items)))
                if follower.language == "fa"
                else len(items),
                "organisation": organisation,
                "date": display_date(timezone.localdate(), DAY),
            }
        else:
            subject = _("%(headline)s (%(organisation)s)") % {
                "headline": items[0]["headline"],
                "organisation": organisation,
            }
        # One line, whatever an import put in a headline: a header cannot hold a line break.
        subject = " ".join(subject.split())
        context = {
            "items": items,
            "organisation": organisation,
            "leave_url": leave,
            "digest": mail.kind == Mail.Kind.DIGEST,
            "language": follower.language,
            "direction": "rtl" if follower.language == "fa" else "ltr",
            "subject": subject,
        }
        text = render_to_string("campaigns/emails/follower_notice.txt", context)
        html = render_to_string("campaigns/emails/follower_notice.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[follower.email],
        headers={
            # RFC 8058: mail programs offer their own "unsubscribe", which posts to the link.
            "List-Unsubscribe": f"<{leave}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
