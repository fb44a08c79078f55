"""The public side of following by e-mail: the form, the confirmation (double opt-in) and
leaving, with the confirmation mail's composition (the worker calls compose_confirmation).

- The form is on cached pages (campaigns, the timeline, the appeals page) that set no cookie,
  so it carries no CSRF token and no per-reader token, and posts to /follow/, which is
  csrf_exempt. A forged post subscribes nobody: only a click in the mail sent to the address
  confirms, and the limits below bound the mails a stranger can cause. GET /follow/ shows the
  same form as a page of its own, which sets no cookie either.
- Its defences are the family form's that need no token (base/form_guard.py): a honeypot, and
  FOLLOW_RATE_LIMIT posts per client and per address each FOLLOW_RATE_WINDOW. The address's
  slot is keyed by its keyed hash (keys.address_hash), never the address.
- Every valid post answers the same 303 to /follow/sent/, and does the same work (one row
  written, one mail queued), whether or not the address already follows: nothing tells a
  stranger who follows. An address that already follows is sent a mail saying so, with its
  link to leave, rather than nothing: the person who forgot gets their answer, and a stranger
  learns nothing they could see.
- A post for an address that follows already changes nothing in effect: the language and
  frequency asked for wait in pending_* until the confirm link is used.
- Confirm and leave links carry a token only the site can make (keys.py): that token, which
  only the mailbox receives, is what a forger lacks, so their POSTs are csrf_exempt too. A GET
  of either link changes nothing (mail scanners fetch links): each shows one button.
"""

import copy
import logging

from django import forms
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from base import form_guard, site_data
from base.dates import persian_digits

from . import keys, sending
from .models import LANGUAGES, Follower, Mail

logger = logging.getLogger(__name__)

NAMESPACE = "follow"
ADDRESS_KEY_PREFIX = f"{NAMESPACE}:address:"
# The "what to follow" choice that follows everything.
EVERYTHING = "all"
# At most this many campaigns are listed to choose from, off a campaign's own pages.
OFFERED_CAMPAIGNS = 20


def _campaign_model():
    from campaigns.models import CampaignPage  # which imports the followers' models

    return CampaignPage


# The form


class FollowForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address in the form name@example.com."),
        },
    )
    follow = forms.ChoiceField(
        label=_("What to follow"),
        error_messages={
            "required": _("Choose what to follow."),
            "invalid_choice": _("Choose one of the campaigns in the list, or everything."),
        },
    )
    language = forms.ChoiceField(
        label=_("Language of the mails"),
        choices=LANGUAGES,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose English or Persian.")},
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Follower.Frequency.choices,
        initial=Follower.Frequency.EACH,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose how often we may write.")},
    )
    # The honeypot: hidden from people (CSS, aria-hidden, out of the tab order).
    website = forms.CharField(label=_("Leave this empty"), required=False, max_length=200)

    def __init__(self, *args, campaigns=(), campaign=None, **kwargs):
        """campaigns: the site's campaigns in the page's language (site_data.listed); on a
        campaign's own page, campaign is that page and the choice is it or everything."""
        kwargs.setdefault("auto_id", "follow-%s")
        super().__init__(*args, **kwargs)
        follow = self.fields["follow"]
        if campaign is not None:
            follow.choices = [
                (str(campaign.translation_key), _("This campaign: %s") % campaign.title),
                (EVERYTHING, _("Everything we publish")),
            ]
            follow.widget = forms.RadioSelect(choices=follow.choices)
            follow.initial = str(campaign.translation_key)
        else:
            follow.initial = EVERYTHING
            chosen = str(self["follow"].value())
            if len(campaigns) > OFFERED_CAMPAIGNS and not self.is_bound:
                # Any campaign is accepted, but a list of hundreds helps nobody and costs every
                # render of the pages it is on (at 100x, 2,000 options took the uncached
                # timeline from 31 to 9 requests a second, and building them alone 20 ms of
                # its 50): only the one chosen already is offered beside everything, and each
                # campaign's page offers itself. A form sent back checks against them all.
                campaigns = [item for item in campaigns if str(item["translation_key"]) == chosen]
            follow.choices = [
                (EVERYTHING, _("Everything we publish")),
                *((str(item["translation_key"]), item["title"]) for item in campaigns),
            ]
            if len(follow.choices) > OFFERED_CAMPAIGNS + 1:
                follow.widget.choices = [c for c in follow.choices if c[0] in {EVERYTHING, chosen}]
        self.fields["language"].initial = translation.get_language()
        email = self.fields["email"].widget.attrs
        email.update(autocomplete="email", dir="ltr", spellcheck="false")
        # The hint is the template's (it names FOLLOW_UNCONFIRMED_DAYS in the page's digits).
        email["aria-describedby"] = f"{self.auto_id % 'email'}_helptext"
        self.fields["website"].widget.attrs.update(autocomplete="off", tabindex="-1")

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def campaign_key(self):
        chosen = self.cleaned_data["follow"]
        return None if chosen == EVERYTHING else chosen

    def caught_in_honeypot(self):
        return bool(self.data.get("website", "").strip())

    def summary(self):
        """(field id, message) for the error summary."""
        entries = []
        for field in self:
            target = f"{field.auto_id}_0" if _is_radio(field) else field.auto_id
            entries += [(target, message) for message in field.errors]
        return entries


def _is_radio(field):
    return isinstance(field.field.widget, forms.RadioSelect)


def site_form(data=None, initial=None, campaign=None):
    """The form with the site's campaigns in the active language."""
    locale = site_data.active_locale()
    campaigns = site_data.listed(_campaign_model(), locale.pk)
    return FollowForm(data, initial=initial, campaigns=campaigns, campaign=campaign)


# What a following is about, for the pages and mails


def followed_title(campaign_key, language=None):
    """The followed campaign's title in the language (else in any), or None for everything."""
    if campaign_key is None:
        return None
    language = language or translation.get_language()
    pages = _campaign_model().objects.live().filter(translation_key=campaign_key)
    found = {page.locale.language_code: page.title for page in pages.select_related("locale")}
    return found.get(language) or next(iter(found.values()), "")


# Following


def request_following(address, campaign_key, language, frequency):
    """Records that the address asked to follow, and queues the mail that asks it to confirm
    (or, once it follows, tells it so). The same work whether or not the address is known."""
    with transaction.atomic():
        follower = _existing(address, campaign_key)
        if follower is None:
            try:
                with transaction.atomic():
                    follower = Follower.objects.create(
                        email=address,
                        campaign_key=campaign_key,
                        language=language,
                        frequency=frequency,
                    )
            except IntegrityError:  # the same address sent at the same moment
                follower = _existing(address, campaign_key)
        else:
            follower.pending_language = language
            follower.pending_frequency = frequency
            # save() also gives a follower found under an old secret key the current hash.
            follower.save()
        # One confirmation waiting is enough: it is composed when sent, from what was last asked.
        if not follower.mails.filter(kind=Mail.Kind.CONFIRM, state=Mail.State.PENDING).exists():
            Mail.objects.create(follower=follower, kind=Mail.Kind.CONFIRM)
        sending.queue_sending()
    return follower


def _existing(address, campaign_key):
    return (
        Follower.objects.with_address(address)
        .filter(campaign_key=campaign_key)
        .select_for_update()
        .first()
    )


def asked_settings(follower):
    """(language, frequency) that confirming would give the follower."""
    return (
        follower.pending_language or follower.language,
        follower.pending_frequency or follower.frequency,
    )


def has_change(follower):
    return asked_settings(follower) != (follower.language, follower.frequency)


def confirm_following(follower):
    follower.language, follower.frequency = asked_settings(follower)
    follower.pending_language = follower.pending_frequency = ""
    if follower.confirmed_at is None:
        follower.confirmed_at = timezone.now()
    follower.save()


# The confirmation mail


def compose_confirmation(mail):
    """The mail that asks an address to confirm a following (or a change to it), or, when it
    follows already as asked, says so: plain text and simple HTML in the language asked for,
    with nothing in it that could tell us it was opened (no image, no rewritten link)."""
    follower = mail.follower
    language, frequency = asked_settings(follower)
    # The links open the pages in the language of the mail.
    shown = copy.copy(follower)
    shown.language = language
    with translation.override(language):
        already = follower.confirmed_at is not None and not has_change(follower)
        changing = follower.confirmed_at is not None and has_change(follower)
        context = {
            "already": already,
            "changing": changing,
            "title": followed_title(follower.campaign_key, language),
            "frequency": Follower.Frequency(frequency).label,
            "language_name": dict(LANGUAGES)[language],
            "confirm_url": keys.link(shown, "confirm"),
            "leave_url": keys.link(shown, "leave"),
            "days": local_number(settings.FOLLOW_UNCONFIRMED_DAYS),
            "organisation": _organisation_name(language),
        }
        if already:
            subject = gettext("You already follow us by e-mail")
        elif changing:
            subject = gettext("Confirm the change to the mails you receive from us")
        else:
            subject = gettext("Confirm that you want our mails")
        text = render_to_string("campaigns/emails/follow_confirmation.txt", context)
        html = render_to_string("campaigns/emails/follow_confirmation.html", context)
    message = EmailMultiAlternatives(subject, text, to=[follower.email])
    message.attach_alternative(html, "text/html")
    return message


def _organisation_name(language):
    with translation.override(language):
        text = site_data.site_text()
    return getattr(text, "organisation_name", "") or settings.WAGTAIL_SITE_NAME


def local_number(number):
    return persian_digits(number) if translation.get_language() == "fa" else str(number)


# The views


def _page(request, template, context, status=200):
    # Every follow page is in both languages, at the same address under the language's prefix.
    return TemplateResponse(
        request, template, {**context, "in_every_language": True}, status=status
    )


def _private(response, index=False):
    patch_cache_control(response, private=True, no_store=True)
    if not index:
        response["X-Robots-Tag"] = "noindex"
    return response


def _form_page(request, form, status=200, refused_for_rate=False):
    response = _page(
        request,
        "campaigns/follow_form_page.html",
        {
            "form": form,
            "errors": form.summary() if form.is_bound else [],
            "rate_limited": refused_for_rate,
            "retry_minutes": local_number(settings.FOLLOW_RATE_WINDOW // 60),
        },
        status=status,
    )
    if refused_for_rate:
        response["Retry-After"] = str(settings.FOLLOW_RATE_WINDOW)
    # The form page itself may be found by search engines; what it shows after a post may not.
    return _private(response, index=request.method != "POST")


def _enabled():
    if not settings.FOLLOW_BY_EMAIL:
        raise Http404("Following by e-mail is turned off")


@csrf_exempt  # see the module's docstring: a forged post subscribes nobody
@require_http_methods(["GET", "HEAD", "POST"])
def follow(request):
    _enabled()
    if request.method != "POST":
        chosen = request.GET.get("campaign", "")
        form = site_form(initial={"follow": chosen} if chosen else None)
        return _form_page(request, form)
    form = site_form(request.POST)
    if form_guard.rate_limited(request, NAMESPACE, settings.FOLLOW_RATE_LIMIT):
        return _refuse_for_rate(request)
    if form.caught_in_honeypot():
        # Answered as if followed, so that a robot learns nothing; nothing is kept.
        form_guard.take_slot(
            request, NAMESPACE, settings.FOLLOW_RATE_LIMIT, settings.FOLLOW_RATE_WINDOW
        )
        return _sent_redirect()
    if not form.is_valid():
        return _form_page(request, form, status=400)
    # The slots before anything is written: posts sent at the same moment all passed the look
    # above.
    if not _take_slots(request, form.cleaned_data["email"]):
        return _refuse_for_rate(request)
    data = form.cleaned_data
    request_following(data["email"], form.campaign_key(), data["language"], data["frequency"])
    return _sent_redirect()


def _take_slots(request, address):
    limit, window = settings.FOLLOW_RATE_LIMIT, settings.FOLLOW_RATE_WINDOW
    client = form_guard.take_slot(request, NAMESPACE, limit, window)
    by_address = form_guard.take_slot_for_key(
        ADDRESS_KEY_PREFIX + keys.address_hash(address), limit, window
    )
    if client is None or by_address is None:
        # As the family form: a cache that does not answer lets the post through, since
        # nothing is sent to an address without its own confirmation. Never the address.
        logger.warning("The cache did not answer: a follow request was not counted")
    return client is not False and by_address is not False


def _refuse_for_rate(request):
    # Shown again unchecked, everything typed kept, with when to try again.
    kept = site_form(initial=request.POST.dict())
    return _form_page(request, kept, status=429, refused_for_rate=True)


def _sent_redirect():
    return _private(HttpResponseRedirect(reverse("follow_sent"), status=303))


@require_http_methods(["GET", "HEAD"])
def sent(request):
    _enabled()
    response = _page(
        request,
        "campaigns/follow_sent.html",
        {"days": local_number(settings.FOLLOW_UNCONFIRMED_DAYS)},
    )
    return _private(response)


class _Gone:
    """A follower that is no longer there: its links' tokens can still be checked, since they
    are made from its public id alone."""

    def __init__(self, public_id):
        self.public_id = public_id


def _follower(public_id, token, purpose):
    """(follower or None, token valid)."""
    follower = Follower.objects.filter(public_id=public_id).first()
    valid = keys.link_token_valid(follower or _Gone(public_id), purpose, token)
    return (follower if valid else None), valid


def _link_page(request, template, status=200, **context):
    context.setdefault("days", local_number(settings.FOLLOW_UNCONFIRMED_DAYS))
    return _private(_page(request, template, context, status=status))


def _bad_link(request):
    return _link_page(request, "campaigns/follow_bad_link.html", status=404)


@csrf_exempt  # the link's token does CSRF's work: see the module's docstring
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, public_id, token):
    _enabled()
    follower, _valid = _follower(public_id, token, "confirm")
    if follower is None:
        # A wrong link, or one not confirmed in time and deleted since.
        return _bad_link(request)
    if request.method == "POST":
        confirm_following(follower)
        done = True
    else:
        done = follower.confirmed_at is not None and not has_change(follower)
    language, frequency = asked_settings(follower)
    return _link_page(
        request,
        "campaigns/follow_confirm.html",
        done=done,
        changing=follower.confirmed_at is not None and has_change(follower),
        title=followed_title(follower.campaign_key),
        frequency=Follower.Frequency(frequency).label,
        language_name=dict(LANGUAGES)[language],
        leave_url=reverse("follow_leave", kwargs=_kwargs(follower, "leave")),
    )


@csrf_exempt  # the link's token does CSRF's work; RFC 8058's one-click POST has neither
@require_http_methods(["GET", "HEAD", "POST"])
def leave(request, public_id, token):
    """GET asks; any POST leaves: the page's button, or a mail client's one-click
    (List-Unsubscribe=One-Click), which answers 200 as RFC 8058 expects."""
    _enabled()
    follower, valid = _follower(public_id, token, "leave")
    if not valid:
        return _bad_link(request)
    title = followed_title(follower.campaign_key) if follower else None
    following = follower is not None
    everything = following and follower.campaign_key is None
    others = 0
    if request.method == "POST":
        if follower is not None:
            follower.delete()
            others = Follower.objects.with_address(follower.email).count()
        following = False
    return _link_page(
        request,
        "campaigns/follow_leave.html",
        following=following,
        title=title,
        everything=everything,
        others=others,
        others_shown=local_number(others),
    )


def _kwargs(follower, purpose):
    return {"public_id": follower.public_id, "token": keys.link_token(follower, purpose)}
