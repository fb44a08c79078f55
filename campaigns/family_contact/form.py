"""The family contact request form (campaigns.FamilyContactPage) and its defences against spam and
abuse, none of which needs a third-party service or JavaScript (its two views are in views.py).

- A honeypot field people never see: a request that fills it is answered as if it were sent,
  and nothing is stored.
- A signed start time (TimestampSigner) in the form: a request sent sooner than
  FAMILY_CONTACT_MIN_SECONDS after the form was shown, or with a token that is missing, altered
  or over a day old, is shown again with everything kept and a fresh start time.
- Each start time is taken once: a request sent with one already used (a robot that fetched the
  form once and posts it again and again) is shown again the same way.
- A per-address limit: FAMILY_CONTACT_RATE_LIMIT requests per FAMILY_CONTACT_RATE_WINDOW
  seconds. The cache key is an HMAC of the address (never the address itself) and expires with
  the window, so nothing about an address outlives it. A slot is taken atomically before a
  request is stored, so that requests sent at the same moment cannot all pass.

The last two keep their state in the cache. When the cache does not answer, both let the request
through: a family's request matters more than a robot's being stopped.

Both views send `Cache-Control: private, no-store`: the page cache never keeps them, and the
form page's only cookie is Django's CSRF cookie.
"""

import logging
import re

from django import forms
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from base import form_guard
from base.dates import persian_digits, solar_year, solar_year_days

from .models import ContactRequest

logger = logging.getLogger(__name__)


SIGNER_SALT = "campaigns.family_contact.started"
NAMESPACE = "family-contact"
RATE_KEY_PREFIX = f"{NAMESPACE}:rate:"
EARLIEST_YEAR = 1950
# Families in Iran count years in the Solar Hijri calendar: 1329 began at Nowruz 1950.
EARLIEST_SOLAR_YEAR = EARLIEST_YEAR - 621
# Persian and Arabic-Indic digits, as phones and keyboards type them, read as 0-9.
ASCII_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
PHONE = re.compile(r"^\+?[0-9 ().\-]+$")
TEXT_MAX = 200
MESSAGE_MAX = 5000


def local_digits(number):
    """A number in the digits of the page's language."""
    return persian_digits(number) if translation.get_language() == "fa" else str(number)


# The fill-time token and the per-address limit (base/form_guard.py), with this form's settings.
# When the cache does not answer, both let the request through.


def started_token(started=None):
    """A signed record of when the form was shown (now, unless started is given). A random part
    makes each token unique, so that two people shown the form in the same second do not share
    one: a token is taken once (take_token)."""
    return form_guard.started_token(SIGNER_SALT, started)


def seconds_since_start(token):
    """Seconds since the form was shown, or None if the token is missing, altered or expired."""
    return form_guard.seconds_since_start(token, SIGNER_SALT, settings.FAMILY_CONTACT_TOKEN_MAX_AGE)


def take_token(token):
    """False if the token was taken before; otherwise it is taken now, for as long as it would
    be accepted."""
    taken = form_guard.take_token(token, NAMESPACE, settings.FAMILY_CONTACT_TOKEN_MAX_AGE)
    if taken is None:
        logger.warning("The cache did not answer: a family contact token was not checked")
        return True
    return taken


def rate_key(request):
    """The cache key for the request's address: a keyed hash, so the address is not in it."""
    return form_guard.rate_key(request, NAMESPACE)


def rate_limited(request):
    """Whether the address has used its slots: a quick look, which takes none (take_slot)."""
    return form_guard.rate_limited(request, NAMESPACE, settings.FAMILY_CONTACT_RATE_LIMIT)


def take_slot(request):
    """Takes one of the address's slots in the window and says whether there was one left."""
    taken = form_guard.take_slot(
        request,
        NAMESPACE,
        settings.FAMILY_CONTACT_RATE_LIMIT,
        settings.FAMILY_CONTACT_RATE_WINDOW,
    )
    if taken is None:
        # Never the address, nor its hash.
        logger.warning("The cache did not answer: a family contact request was not counted")
        return True
    return taken


# The form


class RequestForm(forms.Form):
    requester_name = forms.CharField(
        label=_("Your name"),
        max_length=TEXT_MAX,
        error_messages={"required": _("Enter your name.")},
    )
    relationship = forms.CharField(
        label=_("Your relationship to them"),
        help_text=_("For example: mother, brother, cousin, friend."),
        max_length=TEXT_MAX,
        error_messages={"required": _("Enter how you are related to them.")},
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("Give an e-mail address, a telephone number or both."),
        required=False,
        max_length=254,
        error_messages={
            "invalid": _("Enter an e-mail address in the form name@example.com."),
        },
    )
    phone = forms.CharField(
        label=_("Telephone number"),
        help_text=_("With the country code, for example +44 20 7946 0123."),
        required=False,
        max_length=40,
    )
    country = forms.CharField(
        label=_("Country where you live"),
        max_length=TEXT_MAX,
        error_messages={"required": _("Enter the country where you live.")},
    )
    preferred_language = forms.ChoiceField(
        label=_("Language you would like us to use"),
        choices=ContactRequest.Language.choices,
        initial=ContactRequest.Language.PERSIAN,
        error_messages={"invalid_choice": _("Choose one of the languages in the list.")},
    )
    relative_name = forms.CharField(
        label=_("Your relative's name"),
        max_length=TEXT_MAX,
        error_messages={"required": _("Enter your relative's name.")},
    )
    relative_other_names = forms.CharField(
        label=_("Other names they have used (if you know them)"),
        help_text=_("For example a name used in the organisation, or a different spelling."),
        required=False,
        max_length=TEXT_MAX,
    )
    relative_year = forms.CharField(
        label=_("Year they joined, or you were last in contact (roughly)"),
        help_text=_(
            "A year in the Western (Gregorian) calendar, for example 1998, or in the Persian "
            "calendar, for example 1377."
        ),
        required=False,
        max_length=10,
    )
    relative_last_place = forms.CharField(
        label=_("Where they were last known to be (if you know)"),
        help_text=_("A town, a camp or a country."),
        required=False,
        max_length=TEXT_MAX,
    )
    message = forms.CharField(
        label=_("Anything else we should know (if you wish)"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    would_travel = forms.BooleanField(
        label=_("I would travel to visit them if a safe visit could be arranged"),
        required=False,
    )
    consent_contact = forms.BooleanField(
        # Named by name_organisation(): around this form "the organisation" can mean the
        # Mojahedin, and a frightened relative must not read this as consent to hear from them.
        label=_("I agree that the people who run this site may contact me about this request"),
        help_text=_("We cannot act on a request without a way to reply to you."),
        error_messages={
            "required": _("Tick this box so that we can contact you: we cannot act without it.")
        },
    )
    consent_share = forms.BooleanField(
        label=_(
            "I agree that my request may be shared with the International Committee of the Red "
            "Cross (ICRC) or the United Nations (UN), if that could help"
        ),
        help_text=_("You can leave this unticked: we will then keep your request to ourselves."),
        required=False,
    )
    # The honeypot: hidden from people (CSS, aria-hidden, out of the tab order).
    website = forms.CharField(label=_("Leave this empty"), required=False, max_length=TEXT_MAX)
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = ngettext_lazy(
                    "Shorten this to at most %(limit_value)s character.",
                    "Shorten this to at most %(limit_value)s characters.",
                    "limit_value",
                )
            if isinstance(field, forms.CharField):
                # Latin names typed on the Persian page (and the reverse) keep their direction;
                # addresses and numbers read left to right.
                field.widget.attrs["dir"] = "ltr" if name in ("email", "phone") else "auto"
        autocomplete = {
            "requester_name": "name",
            "email": "email",
            "phone": "tel",
            "country": "country-name",
            "relationship": "off",
            "relative_name": "off",
            "relative_other_names": "off",
            "relative_last_place": "off",
            "website": "off",
        }
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value
        self.fields["phone"].widget.input_type = "tel"
        self.fields["relative_year"].widget.attrs["inputmode"] = "numeric"
        self.fields["website"].widget.attrs["tabindex"] = "-1"
        # The server says when a message is too long; a browser would cut a pasted one short.
        self.fields["message"].widget.attrs.pop("maxlength", None)

    def name_organisation(self, name):
        """The consent to be contacted names who would contact the family: the organisation
        that runs this site, by its name in the site settings."""
        self.fields["consent_contact"].label = _(
            "I agree that %(organisation)s, who run this site, may contact me about this request"
        ) % {"organisation": name}

    def clean_phone(self):
        phone = self.cleaned_data["phone"].translate(ASCII_DIGITS).strip()
        digits = sum(character.isdigit() for character in phone)
        if phone and (not PHONE.match(phone) or not 6 <= digits <= 20):
            raise forms.ValidationError(
                _("Enter a telephone number in digits, for example +44 20 7946 0123.")
            )
        return phone

    def clean_relative_year(self):
        """A Western year, or a year of the Persian (Solar Hijri) calendar, which families in
        Iran count in: the two ranges never meet (1329 to about 1405, 1950 to about 2026). A
        Persian year is kept as typed, with the Western years it spans beside it for the
        caseworkers ("1382 (2003–2004)"), and the field's hint says how it was read, for when
        the form is shown again."""
        text = self.cleaned_data["relative_year"].translate(ASCII_DIGITS).strip()
        if not text:
            return ""
        today = timezone.localdate()
        bounds = {
            "earliest": local_digits(EARLIEST_YEAR),
            "latest": local_digits(today.year),
            "earliest_solar": local_digits(EARLIEST_SOLAR_YEAR),
            "latest_solar": local_digits(solar_year(today)),
        }
        if not re.fullmatch(r"[0-9]{4}", text):
            raise forms.ValidationError(
                _(
                    "Enter a year as four digits, between %(earliest)s and %(latest)s, or "
                    "between %(earliest_solar)s and %(latest_solar)s in the Persian calendar."
                ),
                params=bounds,
            )
        year = int(text)
        if EARLIEST_SOLAR_YEAR <= year <= solar_year(today):
            first, last = solar_year_days(year)
            span = f"{first.year}–{last.year}"
            read_as = _(
                "Read as %(year)s in the Persian calendar: %(span)s in the Western calendar."
            ) % {"year": local_digits(year), "span": local_digits(span)}
            # The bound field copied the hint when cleaning began.
            self.fields["relative_year"].help_text = self["relative_year"].help_text = read_as
            return f"{year} ({span})"
        if not EARLIEST_YEAR <= year <= today.year:
            raise forms.ValidationError(
                _(
                    "Enter a year between %(earliest)s and %(latest)s, or between "
                    "%(earliest_solar)s and %(latest_solar)s in the Persian calendar."
                ),
                params=bounds,
            )
        return text

    def clean(self):
        cleaned = super().clean()
        if not self.errors.get("email") and not self.errors.get("phone"):
            if not cleaned.get("email") and not cleaned.get("phone"):
                message = _("Give an e-mail address or a telephone number, so that we can reply.")
                self.add_error("email", message)
                self.add_error("phone", message)
        elapsed = seconds_since_start(cleaned.get("started"))
        if elapsed is None or elapsed < settings.FAMILY_CONTACT_MIN_SECONDS:
            self.add_error(
                None,
                forms.ValidationError(
                    _(
                        "Your request has not been sent yet. Please check your answers and "
                        "send it again."
                    ),
                    code="too_fast",
                ),
            )
        return cleaned

    def refuse_used_token(self):
        """Told once the form is valid, since only a request that would be stored takes its
        token: the answers are shown again, with a fresh token to send them with."""
        self.add_error(
            None,
            forms.ValidationError(
                _(
                    "This form has already been sent once. If you want to send another "
                    "request, check your answers below and send them again."
                ),
                code="token_used",
            ),
        )

    def summary(self):
        """(field id, message) for the error summary; the field id is None for the form's own."""
        entries = [(None, message) for message in self.non_field_errors()]
        for field in self:
            for message in field.errors:
                if message not in [shown for _id, shown in entries]:
                    entries.append((field.auto_id, message))
        return entries

    def timing_refused(self):
        if not self.is_bound:
            return False
        return any(
            error.code in ("too_fast", "token_used") for error in self.non_field_errors().as_data()
        )

    def caught_in_honeypot(self):
        return bool(self.data.get("website", "").strip())

    def fieldsets(self):
        """(legend, bound fields) for each part of the form, in order."""
        return [
            (
                _("About you"),
                ["requester_name", "relationship", "email", "phone", "country"]
                + ["preferred_language"],
            ),
            (
                _("About your relative"),
                ["relative_name", "relative_other_names", "relative_year"]
                + ["relative_last_place", "message", "would_travel"],
            ),
            (_("Your consent"), ["consent_contact", "consent_share"]),
        ]

    def save(self, language):
        data = self.cleaned_data
        return ContactRequest.objects.create(
            language=language,
            **{name: data[name] for name in self.fields if name not in ("website", "started")},
        )
