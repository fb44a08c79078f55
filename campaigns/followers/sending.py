"""The mail queue: mails (models.Mail) sent by a task on the database task queue, off the
request that made them (`manage.py db_worker --backend=database --queue-name=mail`).

The contract the rest of the package keeps: make Mail rows (with their MailNotice rows) in a
transaction, then call queue_sending(); the worker sends what is due.

Each run of the sender (send_due_mail) fans out the new notices (notices.fan_out), then sends
at most MAIL_BATCH_SIZE due mails, and no more than MAIL_PER_MINUTE less those sent in the last
minute, over one connection to the mail server. Each mail is taken by its own committed update
(pending → sending) before the server hears of it, and only the sender that took it sends it:
a mail is sent at most once, whatever dies when. A mail the server refuses for now (a 4xx
answer, a lost connection) waits MAIL_RETRY_SECONDS, then twice that, and so on, for MAIL_ATTEMPTS
tries in all; a 5xx answer gives it up at once.

The task queue holds at most one waiting sender (schedule): a change that needs sending moves it
earlier, and each run sets it to when it is next needed (more mail due, a retry, a digest hour)
or removes it when nothing waits. A running sender first puts the waiting one no later than
STALE_SECONDS ahead, so that if its worker dies, another worker takes up the rest.

Logs hold counts and mail numbers only: never an address, a link or a mail server's answer
(which repeats the address).
"""

import datetime
import logging
import smtplib
from collections import Counter

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone
from django_tasks import task

from . import notices
from .models import Mail, Notice

logger = logging.getLogger(__name__)

# A mail still "sending" after this long was taken by a worker that died mid-batch (a batch
# takes seconds). It may or may not have reached the server, so it is given up, never sent
# again: a mail lost now and then is better than a mail twice.
STALE_SECONDS = 5 * 60
# How long the mail server may take over each step, unless EMAIL_TIMEOUT says otherwise: a
# hung server must not hold a batch until its mails look abandoned.
SMTP_TIMEOUT = 30
# Sent and given-up mails, and the notices they told, are deleted this long after they were
# made: what was sent to whom is kept no longer than a question about a mail could need it.
KEEP_DAYS = 30

TEMPORARY, PERMANENT = "temporary", "permanent"


def outcome(error):
    """Whether a send that failed with error may work later (TEMPORARY: a 4xx answer, a lost,
    refused or timed-out connection) or never will (PERMANENT: a 5xx answer, anything else)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _answer in error.recipients.values()]
        return TEMPORARY if codes and all(400 <= code < 500 for code in codes) else PERMANENT
    if isinstance(error, smtplib.SMTPResponseException):
        return TEMPORARY if 400 <= error.smtp_code < 500 else PERMANENT
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return TEMPORARY
    if isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException):
        return TEMPORARY  # refused, reset or timed out: the network, not the mail
    return PERMANENT


def connection_lost(error):
    """Whether the connection is gone after error (the rest of the batch must wait): lost, or
    closed by the server with a 421."""
    if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code == 421:
        return True
    return isinstance(error, smtplib.SMTPServerDisconnected) or (
        isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)
    )


def retry_delay(attempts):
    """The wait before the next try, after `attempts` tries."""
    return datetime.timedelta(seconds=settings.MAIL_RETRY_SECONDS * 2 ** (attempts - 1))


def open_connection():
    """A connection to the mail server (EMAIL_BACKEND), opened now."""
    connection = get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or SMTP_TIMEOUT)
    connection.open()
    return connection


def compose(mail):
    """The message of a mail, or None when nothing it would tell is still published."""
    if mail.kind == Mail.Kind.CONFIRM:
        try:
            from .subscribe import compose_confirmation
        except ImportError as error:
            raise ImproperlyConfigured(
                "Confirmation mails are composed by campaigns.followers.subscribe."
                "compose_confirmation, which this version of the site lacks."
            ) from error
        return compose_confirmation(mail)
    return notices.compose(mail)


# The sender


def _sent_lately(now):
    """Mails sent in the last minute, or being sent: what the rate per minute counts."""
    minute_ago = now - datetime.timedelta(minutes=1)
    return Mail.objects.filter(Q(sent_at__gt=minute_ago) | Q(state=Mail.State.SENDING)).count()


def _give_up_abandoned(now):
    abandoned = Mail.objects.filter(
        state=Mail.State.SENDING, claimed_at__lt=now - datetime.timedelta(seconds=STALE_SECONDS)
    ).update(state=Mail.State.FAILED)
    if abandoned:
        logger.warning(
            "Gave up %s mails left being sent by a worker that stopped; they are not sent again "
            "(each may or may not have reached the mail server)",
            abandoned,
        )
    return abandoned


def _forget_old(now):
    """Deletes closed mails older than KEEP_DAYS, and the notices no mail tells any more."""
    before = now - datetime.timedelta(days=KEEP_DAYS)
    Mail.objects.filter(
        state__in=[Mail.State.SENT, Mail.State.FAILED], created_at__lt=before
    ).delete()
    Notice.objects.filter(created_at__lt=before, fanned_out_at__isnull=False, mails=None).delete()


def _take(pk):
    """The mail, if this sender is the one that moved it from pending to sending."""
    taken = Mail.objects.filter(pk=pk, state=Mail.State.PENDING).update(
        state=Mail.State.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    return Mail.objects.select_related("follower").filter(pk=pk).first() if taken else None


def _close(mail, **changes):
    Mail.objects.filter(pk=mail.pk, state=Mail.State.SENDING).update(**changes)


def _send_one(mail, connection):
    """Composes and sends one taken mail; what became of it."""
    try:
        message = compose(mail)
    except Exception as error:  # noqa: BLE001 - one broken mail must not stop the others
        _close(mail, state=Mail.State.FAILED)
        logger.error("Mail %s could not be composed (%s)", mail.pk, type(error).__name__)  # noqa: TRY400
        return "failed"
    if message is None:
        # Nothing left to tell (unpublished or deleted since): closed as sent, with no sent_at,
        # so that it counts in no rate and alarms nobody.
        _close(mail, state=Mail.State.SENT)
        return "empty"
    message.connection = connection
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - sorted below; its text holds the address
        temporary = outcome(error) == TEMPORARY
        if temporary and mail.attempts < settings.MAIL_ATTEMPTS:
            due = timezone.now() + retry_delay(mail.attempts)
            _close(mail, state=Mail.State.PENDING, due_at=due, claimed_at=None)
            result = "retry"
        else:
            _close(mail, state=Mail.State.FAILED)
            result = "failed"
        # The error's type only: its text repeats the address.
        logger.warning(  # noqa: TRY400
            "Mail %s not sent (%s, try %s): %s",
            mail.pk,
            type(error).__name__,
            mail.attempts,
            "will try again" if result == "retry" else "given up",
        )
        return "lost" if connection_lost(error) else result
    _close(mail, state=Mail.State.SENT, sent_at=timezone.now())
    return "sent"


@task(backend="database", queue_name="mail")
def send_due_mail():
    """Fans out new notices and sends one batch of the mails that are due; the counts."""
    now = timezone.now()
    # Should this worker die, the next sender is already waiting.
    schedule(now + datetime.timedelta(seconds=STALE_SECONDS))
    _give_up_abandoned(now)
    _forget_old(now)
    for notice in Notice.objects.filter(fanned_out_at__isnull=True).values_list("pk", flat=True):
        notices.fan_out(notice, now)
    room = min(settings.MAIL_BATCH_SIZE, settings.MAIL_PER_MINUTE - _sent_lately(now))
    due = Mail.objects.filter(state=Mail.State.PENDING, due_at__lte=now).order_by("due_at", "pk")
    batch = list(due.values_list("pk", flat=True)[: max(room, 0)])
    counts = Counter()
    pause = None
    if batch:
        try:
            connection = open_connection()
        except Exception as error:  # noqa: BLE001 - no mail was taken: all wait for the next run
            logger.warning("The mail server cannot be reached (%s)", type(error).__name__)  # noqa: TRY400
            pause = timezone.now() + datetime.timedelta(seconds=settings.MAIL_RETRY_SECONDS)
        else:
            try:
                for pk in batch:
                    if _sent_lately(timezone.now()) >= settings.MAIL_PER_MINUTE:
                        break  # another sender's mails took the rest of the minute
                    mail = _take(pk)
                    if mail is None:
                        continue  # another sender took it, or its follower left
                    result = _send_one(mail, connection)
                    counts[result] += 1
                    if result == "lost":
                        pause = timezone.now() + datetime.timedelta(
                            seconds=settings.MAIL_RETRY_SECONDS
                        )
                        break
            finally:
                try:
                    connection.close()
                except Exception:  # noqa: BLE001, S110 - the mails are already accounted for
                    pass
    reschedule(pause)
    if batch:
        logger.info(
            "Mail sent: %s; to try again: %s; given up: %s; nothing left to tell: %s",
            counts["sent"],
            counts["retry"] + counts["lost"],
            counts["failed"],
            counts["empty"],
        )
    return dict(counts)


# The one waiting sender


def _waiting():
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=send_due_mail.module_path
    ).order_by("run_after")


def _keep_one(at):
    """Under the lock of the waiting senders: the first is set to run at `at`, the others go
    (all go if at is None)."""
    waiting = list(_waiting().select_for_update())
    if at is not None and not waiting:
        send_due_mail.using(run_after=at).enqueue()
    elif at is not None:
        first, waiting = waiting[0], waiting[1:]
        if first.run_after != at:
            type(first).objects.filter(pk=first.pk).update(run_after=at)
    if waiting:
        type(waiting[0]).objects.filter(pk__in=[row.pk for row in waiting]).delete()


def schedule(at=None):
    """Makes sure one sender waits in the queue, to run no later than `at` (now if None)."""
    from django_tasks_db.models import get_date_max  # which stands for "at once"

    at = at or timezone.now()
    with transaction.atomic():
        waiting = _waiting().select_for_update().first()
        if waiting is not None and (waiting.run_after <= at or waiting.run_after == get_date_max()):
            return
        _keep_one(at)


def _next_run(now):
    """When mail next needs a sender; None when nothing waits."""
    due = Mail.objects.filter(state=Mail.State.PENDING, due_at__lte=now).exists()
    if due or Notice.objects.filter(fanned_out_at__isnull=True).exists():
        if _sent_lately(now) < settings.MAIL_PER_MINUTE:
            return now
        # When the oldest send of the last minute leaves it.
        minute_ago = now - datetime.timedelta(minutes=1)
        oldest = Mail.objects.filter(sent_at__gt=minute_ago).aggregate(at=Min("sent_at"))["at"]
        return (oldest or now) + datetime.timedelta(minutes=1)
    later = [Mail.objects.filter(state=Mail.State.PENDING).aggregate(at=Min("due_at"))["at"]]
    claimed = Mail.objects.filter(state=Mail.State.SENDING).aggregate(at=Min("claimed_at"))["at"]
    if claimed is not None:
        later.append(claimed + datetime.timedelta(seconds=STALE_SECONDS, milliseconds=1))
    later = [at for at in later if at is not None]
    return min(later) if later else None


def reschedule(not_before=None):
    """Sets the waiting sender to when mail next needs one (not before not_before), or removes
    it when nothing waits."""
    with transaction.atomic():
        # The lock first: a mail committed while this looks is seen here, or its
        # queue_sending() comes after and moves the sender earlier again.
        list(_waiting().select_for_update())
        at = _next_run(timezone.now())
        if at is not None and not_before is not None:
            at = max(at, not_before)
        _keep_one(at)


def queue_sending():
    """Queues a run of the sender once the current transaction commits."""
    transaction.on_commit(schedule)
