"""The acknowledgement of a family contact request: a short mail saying it arrived, sent by the
mail queue's worker off the request (`db_worker --queue-name=mail`), at most once.

Only to requesters who agreed to be contacted and gave an address; it repeats none of their
answers. The task takes the request by its own committed update (acknowledgement pending →
sending) before the mail server hears of it, so a second run, or a second worker, never sends it
again; a server that refuses it for now gets it again later, with the followers' mail's back-off
(campaigns/followers/sending.py). A failure loses nothing: the request is stored.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task
from wagtail.models import Site

from base.site_data import site_settings_model

from ..followers.sending import TEMPORARY, open_connection, outcome, retry_delay
from .models import ContactRequest

logger = logging.getLogger(__name__)

State = ContactRequest.Acknowledgement


def queue_acknowledgement(contact_request, language):
    """Marks the request's acknowledgement as due and queues it once the request is committed;
    nothing for a requester who gave no address or did not agree to be contacted."""
    if not (contact_request.consent_contact and contact_request.email):
        return
    ContactRequest.objects.filter(pk=contact_request.pk).update(acknowledgement=State.PENDING)
    transaction.on_commit(lambda: send_acknowledgement.enqueue(contact_request.pk, language))


def _message(contact_request, language):
    with translation.override(language):
        site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
        subject = _("We have received your request")
        body = render_to_string(
            "campaigns/emails/family_contact_acknowledgement.txt",
            {"organisation": site_settings_model().for_site(site)},
        )
    # RFC 3834: an answer made by a machine, which out-of-office replies must not answer.
    return EmailMessage(
        subject, body, None, [contact_request.email], headers={"Auto-Submitted": "auto-replied"}
    )


@task(backend="database", queue_name="mail")
def send_acknowledgement(pk, language):
    """Sends one request's acknowledgement, if it still waits; what became of it."""
    requests = ContactRequest.objects.filter(pk=pk, acknowledgement=State.PENDING)
    if not requests.update(
        acknowledgement=State.SENDING, acknowledgement_attempts=F("acknowledgement_attempts") + 1
    ):
        return "not waiting"  # sent, being sent, given up, or the request deleted
    contact_request = ContactRequest.objects.get(pk=pk)
    taken = ContactRequest.objects.filter(pk=pk, acknowledgement=State.SENDING)
    if contact_request.preferred_language in ("en", "fa"):
        language = contact_request.preferred_language
    try:
        connection = open_connection()
        try:
            connection.send_messages([_message(contact_request, language)])
        finally:
            connection.close()
    except Exception as error:  # noqa: BLE001 - the request is stored; the mail is a courtesy
        attempts = contact_request.acknowledgement_attempts
        again = outcome(error) == TEMPORARY and attempts < settings.MAIL_ATTEMPTS
        # The number and the error's type only, never the error itself nor a traceback: SMTP
        # errors carry the address, and the mail's own errors could carry what it says.
        logger.error(  # noqa: TRY400
            "Could not send the acknowledgement of family contact request %s (%s)",
            pk,
            type(error).__name__,
        )
        if not again:
            taken.update(acknowledgement=State.FAILED)
            return "failed"
        taken.update(acknowledgement=State.PENDING)
        logger.info("The acknowledgement of request %s will be tried again", pk)
        send_acknowledgement.using(run_after=timezone.now() + retry_delay(attempts)).enqueue(
            pk, language
        )
        return "retry"
    taken.update(acknowledgement=State.SENT)
    return "sent"
