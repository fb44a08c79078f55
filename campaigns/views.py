"""The appeal's ways to act, which are not pages: each counts, then redirects to what the appeal
stores (or shows the letter to print), and the "I have sent it" confirmation.

Nothing about the supporter is kept: no address, no cookie, only one more in a day's count.
"""

import logging

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_http_methods, require_safe

from base import form_guard

from .models import Appeal, AppealActionCount, AppealSentCount, Channel

logger = logging.getLogger(__name__)

SENT_SALT = "campaigns.appeal.sent"
SENT_NAMESPACE = "appeal-sent"


class ActionRedirect(HttpResponseRedirect):
    # Every target comes from the appeal, never the request.
    allowed_schemes = ["http", "https", "mailto", "tel"]


def _open_appeal(request, appeal_id):
    """The live appeal, and None, or a "not open" answer in the appeal's language."""
    appeal = get_object_or_404(Appeal.objects.live().select_related("locale"), pk=appeal_id)
    if appeal.is_open():
        return appeal, None
    return appeal, _in_language(
        appeal,
        lambda: TemplateResponse(
            request, "campaigns/appeal_closed.html", {"appeal": appeal}, status=404
        ).render(),
    )


def _in_language(appeal, render):
    # These addresses have no language prefix: the appeal's own language is the page's.
    with translation.override(appeal.locale.language_code):
        return render()


def _never_cached(response):
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


@require_safe
def appeal_action(request, appeal_id, channel=None):
    """Counts one supporter taking one of the appeal's ways to act, then sends them to where it
    leads: /act/<id>/ is the appeal's main action, /act/<id>/<channel>/ one way among several."""
    appeal, refusal = _open_appeal(request, appeal_id)
    if refusal:
        return _never_cached(refusal)
    if channel is None:
        channel = appeal.action
    if channel not in Channel.values or channel not in appeal.channels():
        raise Http404("This appeal offers no such way to act")
    channel = Channel(channel)
    if channel == Channel.PRINT:
        response = _in_language(
            appeal,
            lambda: TemplateResponse(
                request, "campaigns/appeal_letter.html", {"appeal": appeal}
            ).render(),
        )
    else:
        target = appeal.channel_target(channel, request)
        if not target:
            raise Http404("This appeal's action has no target")
        response = ActionRedirect(target)
    if request.method == "GET":
        AppealActionCount.add_one(appeal, channel=channel)
    return _never_cached(response)


# "I have sent it"
#
# The appeal page is cached for everyone, so it cannot carry a token: it links to this small
# page, which is never cached. Its form carries a signed start time, taken once, which must be
# FORM_MIN_SECONDS old and no older than the maximum age; each client has so many confirmations
# per window (base/form_guard.py, as the family contact form). Nothing names the supporter: the
# rate limit's key is a keyed hash that expires with its window. The page is a form page, so
# Django's CSRF cookie is the only cookie it may set, and only this page sets it; the token alone
# would let a robot count no more than it could by posting itself.


def _sent_page(request, appeal, status=200, **context):
    response = _in_language(
        appeal,
        lambda: TemplateResponse(
            request,
            "campaigns/appeal_sent.html",
            {"appeal": appeal, "token": form_guard.started_token(SENT_SALT), **context},
            status=status,
        ).render(),
    )
    response["X-Robots-Tag"] = "noindex"
    return _never_cached(response)


def _token_problem(token):
    """Why the token cannot count, or None if it can."""
    elapsed = form_guard.seconds_since_start(token, SENT_SALT, settings.APPEAL_SENT_TOKEN_MAX_AGE)
    if elapsed is None:
        return "expired"
    if elapsed < settings.APPEAL_SENT_MIN_SECONDS:
        return "early"
    return None


@require_http_methods(["GET", "HEAD", "POST"])
def appeal_sent(request, appeal_id):
    appeal, refusal = _open_appeal(request, appeal_id)
    if refusal:
        return _never_cached(refusal)
    if request.method != "POST":
        return _sent_page(request, appeal, done=request.GET.get("done") == "1")
    if form_guard.rate_limited(request, SENT_NAMESPACE, settings.APPEAL_SENT_RATE_LIMIT):
        return _sent_page(request, appeal, status=429, problem="rate")
    token = request.POST.get("token", "")
    if problem := _token_problem(token):
        return _sent_page(request, appeal, status=400, problem=problem)
    slot = form_guard.take_slot(
        request, SENT_NAMESPACE, settings.APPEAL_SENT_RATE_LIMIT, settings.APPEAL_SENT_RATE_WINDOW
    )
    if slot is False:
        return _sent_page(request, appeal, status=429, problem="rate")
    taken = form_guard.take_token(token, SENT_NAMESPACE, settings.APPEAL_SENT_TOKEN_MAX_AGE)
    if taken is False:
        return _sent_page(request, appeal, status=400, problem="used")
    if slot is None or taken is None:
        # Without the cache neither the limit nor the token's single use can be checked: a
        # count that could be inflated is worth less than one left out.
        logger.warning("The cache did not answer: a confirmed appeal letter was not counted")
        return _sent_page(request, appeal, status=503, problem="unavailable")
    AppealSentCount.add_one(appeal)
    response = HttpResponseRedirect(f"{appeal.get_sent_url()}?done=1", status=303)
    return _never_cached(response)
