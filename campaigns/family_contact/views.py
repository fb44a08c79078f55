"""The family contact form's two views: the form (GET and POST) and the thank-you page."""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.utils.cache import patch_cache_control

from base.site_data import site_settings_model

from .acknowledgement import queue_acknowledgement
from .form import (
    RequestForm,
    local_digits,
    rate_limited,
    seconds_since_start,
    started_token,
    take_slot,
    take_token,
)


def _private(response, index=True):
    patch_cache_control(response, private=True, no_store=True)
    if not index:
        response["X-Robots-Tag"] = "noindex"
    return response


def _render(page, request, form, status=200, refused_for_rate=False):
    form.name_organisation(site_settings_model().for_request(request).name)
    started = form.data.get("started") if form.is_bound else None
    if seconds_since_start(started) is None or refused_for_rate or form.timing_refused():
        # A fresh start time, so that sending again works; every answer stays as typed.
        started = started_token()
    response = page.render(
        request,
        template="campaigns/family_contact_page.html",
        context_overrides={
            "form": form,
            "fieldsets": [
                (legend, [form[name] for name in names]) for legend, names in form.fieldsets()
            ],
            "errors": form.summary() if form.is_bound else [],
            "started": started,
            "rate_limited": refused_for_rate,
            "retry_minutes": local_digits(settings.FAMILY_CONTACT_RATE_WINDOW // 60),
        },
    )
    response.status_code = status
    if refused_for_rate:
        response["Retry-After"] = str(settings.FAMILY_CONTACT_RATE_WINDOW)
    return _private(response)


def form_view(page, request):
    if not settings.FAMILY_CONTACT_REQUESTS:
        raise Http404("Family contact requests are turned off")
    if request.method != "POST":
        return _render(page, request, RequestForm())
    form = RequestForm(request.POST)
    if rate_limited(request):
        return _refuse_for_rate(page, request)
    token = request.POST.get("started", "")
    if form.caught_in_honeypot():
        # Answered as if sent, so that a robot learns nothing; nothing is kept. It still uses
        # a slot, and its token if that is one of ours.
        take_slot(request)
        if seconds_since_start(token) is not None:
            take_token(token)
        return _sent_redirect(page, request)
    if not form.is_valid():
        return _render(page, request, form, status=400)
    # The slot first: requests sent at the same moment passed rate_limited() together.
    if not take_slot(request):
        return _refuse_for_rate(page, request)
    if not take_token(token):
        form.refuse_used_token()
        return _render(page, request, form, status=400)
    contact_request = form.save(language=page.locale.language_code)
    # Sent by the mail queue's worker, off this request (acknowledgement.py).
    queue_acknowledgement(contact_request, page.locale.language_code)
    return _sent_redirect(page, request)


def _refuse_for_rate(page, request):
    # Shown again unchecked (its answers kept), with when to try again.
    kept = RequestForm(initial=request.POST.dict())
    return _render(page, request, kept, status=429, refused_for_rate=True)


def _sent_redirect(page, request):
    url = page.get_url(request) + page.reverse_subpage("sent")
    return _private(HttpResponseRedirect(url, status=303))


def sent_view(page, request):
    if not settings.FAMILY_CONTACT_REQUESTS:
        raise Http404("Family contact requests are turned off")
    response = page.render(request, template="campaigns/family_contact_sent.html")
    return _private(response, index=False)
