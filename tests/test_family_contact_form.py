"""The family contact request form: what is stored (encrypted), what each mistake is told, and
how spam and abuse are refused without losing a person's answers."""

import logging
import smtplib
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory, TestCase
from wagtail.models import Locale

from base import form_guard
from campaigns.family_contact import acknowledgement
from campaigns.family_contact import form as contact_form
from campaigns.family_contact import views as contact_views
from campaigns.models import ContactRequest, FamilyContactPage
from tests.builders import (
    make_campaign,
    make_campaign_index,
    make_home_page,
    publish,
    set_site_settings,
    set_site_text,
    translate,
)
from tests.conftest import kept_for_module
from tests.html import parse
from tests.mail_queue import run_mail_queue

pytestmark = pytest.mark.django_db

ANSWERS = {
    "requester_name": "Maryam Tahmasebi",
    "relationship": "sister",
    "email": "maryam@example.com",
    "phone": "",
    "country": "Germany",
    "preferred_language": "fa",
    "relative_name": "Reza Tahmasebi",
    "relative_other_names": "Brother Ali",
    "relative_year": "1998",
    "relative_last_place": "Camp Ashraf",
    "message": "He wrote to us last from Baghdad.",
    "would_travel": "on",
    "consent_contact": "on",
}


def build_form_pages():
    """The form under its campaign, and its Persian translation: (English pk, Persian pk)."""
    home_page = make_home_page(title="Test Organisation")
    index = make_campaign_index(home_page)
    campaign = make_campaign(index)
    page = FamilyContactPage(
        title="Ask for news of a relative",
        slug="ask-for-news",
        intro="<p>Tell us who you are looking for.</p>",
        privacy="<p>Only our caseworkers read your request.</p>",
        thank_you="<p>We will reply within four weeks.</p>",
    )
    campaign.add_child(instance=page)
    publish(page)
    translate(home_page, "fa", title="سازمان آزمایشی")
    translate(index, "fa", title="کارزارها")
    translate(campaign, "fa", title="ارتباط خانوادگی")
    persian = translate(page, "fa", title="درخواست خبر از یکی از بستگان")
    return page.pk, persian.pk


@pytest.fixture(scope="module")
def form_pages(request, django_db_setup, django_db_blocker):
    yield from kept_for_module(request, django_db_blocker, build_form_pages)


@pytest.fixture
def form_page(form_pages, db):
    """The English form, put in once for the module with its Persian translation."""
    return FamilyContactPage.objects.get(pk=form_pages[0])


@pytest.fixture
def persian_form_page(form_pages, db):
    return FamilyContactPage.objects.get(pk=form_pages[1])


def a_while_ago():
    return contact_form.started_token(time.time() - 60)


def send(client, page_url, answers=None, address="192.0.2.10", **overrides):
    data = {**ANSWERS, "started": a_while_ago(), **(answers or {}), **overrides}
    data = {name: value for name, value in data.items() if value is not None}
    return client.post(page_url, data, REMOTE_ADDR=address)


URL = "/campaigns/family-contact/ask-for-news/"
SENT = URL + "sent/"


def errors(response):
    page = parse(response)
    return {
        element["id"].removesuffix("_error"): element.get_text(" ", strip=True)
        for element in page.select(".error-message")
    }


def kept_answers(response):
    page = parse(response)
    values = {field["name"]: field.get("value", "") for field in page.select("form input")}
    values.update(
        {
            field["name"]: field.get_text().removeprefix("\n")
            for field in page.select("form textarea")
        }
    )
    for select in page.select("form select"):
        values[select["name"]] = select.select_one("option[selected]")["value"]
    for box in page.select("form input[type=checkbox]"):
        values[box["name"]] = "on" if box.has_attr("checked") else ""
    return values


# Stored, encrypted


def test_a_valid_request_is_stored_and_the_reader_is_sent_to_the_thank_you_page(client, form_page):
    response = send(client, URL)

    assert (response.status_code, response["Location"]) == (303, SENT)
    request = ContactRequest.objects.get()
    assert (request.requester_name, request.email, request.relative_year) == (
        "Maryam Tahmasebi",
        "maryam@example.com",
        "1998",
    )
    assert (request.language, request.preferred_language) == ("en", "fa")
    assert request.would_travel and request.consent_contact and not request.consent_share


def test_the_personal_answers_are_unreadable_in_the_raw_database_row(client, form_page):
    send(client, URL)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ContactRequest._meta.db_table}")  # noqa: S608
        row = " ".join(str(value) for value in cursor.fetchone())

    for answer in ("Maryam", "Tahmasebi", "maryam@example.com", "Baghdad", "Germany", "sister"):
        assert answer not in row
    assert ContactRequest.objects.get().message == "He wrote to us last from Baghdad."


def test_persian_digits_in_the_year_are_stored_as_a_western_year(client, form_page):
    send(client, URL, relative_year="۱۹۹۸")

    assert ContactRequest.objects.get().relative_year == "1998"


@pytest.mark.parametrize("typed", ["1382", "۱۳۸۲"])
def test_a_persian_calendar_year_is_kept_with_the_western_years_it_spans(client, form_page, typed):
    response = send(client, URL, relative_year=typed)

    assert response.status_code == 303
    assert ContactRequest.objects.get().relative_year == "1382 (2003–2004)"


def test_the_form_shown_again_says_how_it_read_a_persian_calendar_year(client, form_page):
    response = send(client, URL, requester_name="", relative_year="1377")

    assert response.status_code == 400
    assert kept_answers(response)["relative_year"] == "1377"
    hint = parse(response).select_one("#id_relative_year_helptext").get_text()
    assert hint == "Read as 1377 in the Persian calendar: 1998–1999 in the Western calendar."


# Each mistake gets its own message; nothing typed is lost


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"requester_name": ""}, "id_requester_name", "Enter your name."),
        ({"email": "", "phone": ""}, "id_email", "Give an e-mail address or a telephone number"),
        ({"email": "", "phone": ""}, "id_phone", "Give an e-mail address or a telephone number"),
        ({"email": "maryam.example.com"}, "id_email", "Enter an e-mail address in the form"),
        ({"relative_year": "98"}, "id_relative_year", "Enter a year as four digits"),
        ({"relative_year": "1900"}, "id_relative_year", "Enter a year between 1950 and"),
        ({"relative_year": "1300"}, "id_relative_year", "or between 1329 and"),
        ({"consent_contact": None}, "id_consent_contact", "Tick this box"),
        ({"message": "x" * 5001}, "id_message", "Shorten this to at most 5000 characters"),
        ({"phone": "call me"}, "id_phone", "Enter a telephone number in digits"),
    ],
)
def test_each_mistake_gets_its_message_and_every_other_answer_is_kept(
    client, form_page, change, field, message
):
    response = send(client, URL, change)

    assert response.status_code == 400
    assert message in errors(response)[field]
    summary = parse(response).select_one(".error-summary")
    # One line for a message that two fields share, linked to the first of them.
    linked = {a["href"]: a.get_text() for a in summary.select("a")}
    shared = message.startswith("Give an e-mail address")
    assert message in linked["#id_email" if shared else f"#{field}"]
    kept = kept_answers(response)
    for name, value in ANSWERS.items():
        if name not in change:
            assert kept[name] == value, name
    assert not ContactRequest.objects.exists()


def test_a_field_with_an_error_is_marked_invalid_and_described_by_its_message(client, form_page):
    response = send(client, URL, requester_name="")

    field = parse(response).select_one("#id_requester_name")
    assert field["aria-invalid"] == "true"
    assert "id_requester_name_error" in field["aria-describedby"].split()
    assert parse(response).title.get_text().startswith("Error:")


def test_a_phone_number_alone_is_enough(client, form_page):
    response = send(client, URL, email="", phone="+44 20 7946 0123")

    assert response.status_code == 303
    assert ContactRequest.objects.get().phone == "+44 20 7946 0123"


# Spam and abuse


def test_a_filled_honeypot_is_answered_as_sent_but_nothing_is_stored(client, form_page):
    response = send(client, URL, website="https://spam.example")

    assert (response.status_code, response["Location"]) == (303, SENT)
    assert not ContactRequest.objects.exists()
    assert mail.outbox == []


def test_the_honeypot_is_hidden_from_people(client, form_page):
    page = parse(client.get(URL))

    trap = page.select_one(".form-trap")
    assert trap["aria-hidden"] == "true"
    assert trap.input["tabindex"] == "-1" and trap.input["autocomplete"] == "off"


def test_a_request_sent_too_fast_is_refused_with_every_answer_kept(client, form_page):
    response = send(client, URL, started=contact_form.started_token())

    assert response.status_code == 400
    assert "Please check your answers and send it again" in parse(response).select_one(
        ".error-summary"
    ).get_text(" ", strip=True)
    kept = kept_answers(response)
    assert kept["requester_name"] == "Maryam Tahmasebi" and kept["consent_contact"] == "on"
    assert not ContactRequest.objects.exists()
    # A fresh start time comes with it: after the wait, the same answers go through.
    fresh = kept["started"]
    assert fresh
    started = int(fresh.split(":")[0])
    again = send(client, URL, started=contact_form.started_token(started - 10))
    assert again.status_code == 303
    assert ContactRequest.objects.count() == 1


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "1700000000:tampered",
        "PLACEHOLDER",
    ],
    ids=["missing", "empty", "tampered", "over-a-day-old"],
)
def test_a_missing_altered_or_expired_start_time_is_refused(client, form_page, token):
    if token == "PLACEHOLDER":
        token = contact_form.started_token(time.time() - 2 * 24 * 60 * 60)
    data = {**ANSWERS, "started": token}
    data = {name: value for name, value in data.items() if value is not None}

    response = client.post(URL, data, REMOTE_ADDR="192.0.2.10")

    assert response.status_code == 400
    assert not ContactRequest.objects.exists()
    assert kept_answers(response)["relative_name"] == "Reza Tahmasebi"


def test_an_address_is_refused_after_five_requests_in_an_hour_and_others_are_not(client, form_page):
    for _ in range(5):
        assert send(client, URL).status_code == 303

    refused = send(client, URL)
    other = send(client, URL, address="198.51.100.7")

    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert "please send them again in 60 minutes" in refused.content.decode()
    assert kept_answers(refused)["requester_name"] == "Maryam Tahmasebi"
    assert other.status_code == 303
    assert ContactRequest.objects.count() == 6


def test_the_rate_limit_ends_with_its_window(client, form_page, settings, monkeypatch):
    settings.FAMILY_CONTACT_RATE_LIMIT = 1
    settings.FAMILY_CONTACT_RATE_WINDOW = 1
    assert send(client, URL).status_code == 303
    assert send(client, URL).status_code == 429

    later = time.time() + 2
    monkeypatch.setattr(time, "time", lambda: later)

    assert send(client, URL).status_code == 303


def test_requests_sent_at_the_same_moment_from_one_address_store_exactly_the_limit(
    form_page, settings, monkeypatch
):
    settings.FAMILY_CONTACT_RATE_LIMIT = 5
    senders = 20
    page = FamilyContactPage.objects.get(pk=form_page.pk)
    assert page.locale.language_code == "en"  # loaded now: the threads use no database
    stored = []
    store = threading.Lock()
    # Every request has passed the look at its address's count before any is stored: the
    # moment at which the old check-then-count let them all through.
    all_checked = threading.Barrier(senders, timeout=60)
    validate = contact_form.RequestForm.clean

    def clean_together(form):
        cleaned = validate(form)
        all_checked.wait()
        return cleaned

    def save(form, language):
        with store:
            stored.append(form.cleaned_data["requester_name"])

    monkeypatch.setattr(contact_form.RequestForm, "clean", clean_together)
    monkeypatch.setattr(contact_form.RequestForm, "save", save)
    monkeypatch.setattr(contact_views, "queue_acknowledgement", lambda *args: None)
    monkeypatch.setattr(contact_views, "_sent_redirect", lambda *args: HttpResponse(status=303))
    monkeypatch.setattr(
        contact_views,
        "_render",
        lambda page, request, form, status=200, **kwargs: HttpResponse(status=status),
    )
    factory = RequestFactory()

    def post(_):
        request = factory.post(URL, {**ANSWERS, "started": a_while_ago()}, REMOTE_ADDR="192.0.2.10")
        return contact_views.form_view(page, request).status_code

    with ThreadPoolExecutor(senders) as pool:
        statuses = sorted(pool.map(post, range(senders)))

    assert len(stored) == 5
    assert statuses == [303] * 5 + [429] * 15


class CacheThatDoesNotAnswer:
    """The cache of an outage: each call fails (Django's Redis backend), or answers nothing
    (django-redis with IGNORE_EXCEPTIONS, as the settings configure it)."""

    def __init__(self, raises):
        self.raises = raises

    def _fail(self, default=None):
        if self.raises:
            raise ConnectionError("Redis is down")
        return default

    def get(self, key, default=None, **kwargs):
        return self._fail(default)

    def add(self, *args, **kwargs):
        return self._fail()

    def incr(self, *args, **kwargs):
        return self._fail()


@pytest.mark.parametrize("raises", [True, False], ids=["raising", "answering-nothing"])
def test_a_cache_that_does_not_answer_refuses_no_family(
    client, form_page, settings, monkeypatch, caplog, raises
):
    settings.FAMILY_CONTACT_RATE_LIMIT = 1
    monkeypatch.setattr(form_guard, "cache", CacheThatDoesNotAnswer(raises))
    token = a_while_ago()

    with caplog.at_level(logging.WARNING, logger="campaigns.family_contact"):
        statuses = [send(client, URL, started=token).status_code for _ in range(2)]

    # Neither the limit nor the used token can be checked: both requests are kept.
    assert statuses == [303, 303]
    assert ContactRequest.objects.count() == 2
    assert caplog.records
    assert "192.0.2" not in caplog.text


# Each start time is taken once


def test_a_start_time_is_taken_once_and_a_second_post_with_it_is_shown_again(
    client, form_page, monkeypatch
):
    token = a_while_ago()

    first = send(client, URL, started=token)
    again = send(client, URL, started=token, relative_name="Ali Tahmasebi")

    assert first.status_code == 303
    assert again.status_code == 400
    assert ContactRequest.objects.get().relative_name == "Reza Tahmasebi"
    summary = parse(again).select_one(".error-summary").get_text(" ", strip=True)
    assert "This form has already been sent once" in summary
    kept = kept_answers(again)
    assert kept["relative_name"] == "Ali Tahmasebi"
    assert kept["requester_name"] == "Maryam Tahmasebi" and kept["consent_contact"] == "on"
    # With the fresh start time it comes with, the answers go through once the wait is over.
    assert kept["started"] != token
    later = time.time() + 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert send(client, URL, kept).status_code == 303
    assert ContactRequest.objects.count() == 2


def test_a_start_time_caught_in_the_honeypot_cannot_be_used_again(client, form_page):
    token = a_while_ago()

    trapped = send(client, URL, started=token, website="https://spam.example")
    replayed = send(client, URL, started=token)

    assert trapped.status_code == 303
    assert replayed.status_code == 400
    assert not ContactRequest.objects.exists()


def test_a_refused_request_leaves_its_start_time_usable(client, form_page):
    token = a_while_ago()

    assert send(client, URL, started=token, requester_name="").status_code == 400
    assert send(client, URL, started=token).status_code == 303


def test_forms_shown_in_the_same_second_get_different_start_times(form_pages):
    # Otherwise two families opening the form together would share one, and the second to
    # send it would be refused.
    now = time.time()

    assert contact_form.started_token(now) != contact_form.started_token(now)


def test_invalid_attempts_do_not_count_towards_the_limit(client, form_page, settings):
    settings.FAMILY_CONTACT_RATE_LIMIT = 1
    for _ in range(3):
        assert send(client, URL, requester_name="").status_code == 400

    assert send(client, URL).status_code == 303


def test_the_cache_keeps_no_address_in_clear(client, form_page):
    send(client, URL, address="203.0.113.99")

    keys = list(cache._cache)
    values = [str(cache.get(key.split(":", 2)[-1])) for key in keys]
    assert [key for key in keys if "203.0.113" in key] == []
    assert [value for value in values if "203.0.113" in value] == []
    assert [key for key in keys if contact_form.RATE_KEY_PREFIX in key] != []


# The thank-you page and the acknowledgement


def test_the_thank_you_page_echoes_none_of_the_answers(client, form_page):
    response = client.get(send(client, URL)["Location"])

    text = response.content.decode()
    assert response.status_code == 200
    assert "We will reply within four weeks." in text
    for answer in ("Maryam", "Tahmasebi", "maryam@example.com", "Baghdad", "Germany"):
        assert answer not in text
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]


def send_and_acknowledge(client, page_url, **overrides):
    """A request sent, then the mail queue's worker run: the acknowledgement leaves off the
    request (campaigns/family_contact/acknowledgement.py)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = send(client, page_url, **overrides)
    assert mail.outbox == []
    run_mail_queue()
    return response


def test_an_acknowledgement_goes_only_to_those_who_agreed_to_contact_and_gave_an_address(
    client, form_page
):
    send_and_acknowledge(client, URL)

    (message,) = mail.outbox
    assert message.to == ["maryam@example.com"]
    assert message.from_email == "webmaster@localhost"
    # In the language they prefer (Persian), and with none of their answers.
    assert message.subject == "درخواست شما به دست ما رسید"
    for answer in ("Maryam", "Tahmasebi", "Reza", "Baghdad", "Germany", "sister", "Ashraf"):
        assert answer not in message.subject + message.body
    assert ContactRequest.objects.get().acknowledgement == "sent"


def test_no_acknowledgement_without_an_address(client, form_page):
    send_and_acknowledge(client, URL, email="", phone="+44 20 7946 0123")

    assert mail.outbox == []
    assert ContactRequest.objects.get().acknowledgement == ""


def test_the_acknowledgement_is_in_english_when_asked_for(client, form_page):
    send_and_acknowledge(client, URL, preferred_language="en")

    assert mail.outbox[0].subject == "We have received your request"
    assert "reply to this e-mail and we will delete it" in mail.outbox[0].body


class RefusingMailBackend(BaseEmailBackend):
    """An SMTP server that refuses the recipient, saying the address back, as servers do."""

    def send_messages(self, messages):
        [address] = messages[0].to
        raise smtplib.SMTPRecipientsRefused(
            {address: (550, f"5.1.1 <{address}>: Recipient address rejected".encode())}
        )


def test_a_mail_failure_is_logged_with_the_request_number_and_nothing_it_holds(
    client, form_page, settings, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingMailBackend"

    with caplog.at_level(logging.DEBUG):
        response = send_and_acknowledge(client, URL)

    request = ContactRequest.objects.get()
    assert response.status_code == 303
    [failure] = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert failure.args == (request.pk, "SMTPRecipientsRefused")
    assert failure.exc_info is None
    for answer in ANSWERS.values():
        if len(answer) > 3:
            assert answer not in caplog.text
    # Refused for good (550): not tried again.
    assert request.acknowledgement == "failed"


def test_a_mail_failure_loses_no_request(client, form_page, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(acknowledgement, "open_connection", broken)

    response = send_and_acknowledge(client, URL)

    assert response.status_code == 303
    assert ContactRequest.objects.count() == 1
    assert ContactRequest.objects.get().acknowledgement == "pending"  # to be tried again


# Caching, cookies, CSRF, the switch


def test_the_form_sets_only_the_csrf_cookie_and_is_never_cached(client, form_page):
    response = client.get(URL)

    assert response.status_code == 200
    assert set(response.cookies) == {"csrftoken"}
    assert {"private", "no-store"} <= {
        part.strip() for part in response["Cache-Control"].split(",")
    }


def test_the_csrf_cookie_lasts_only_until_the_browser_closes(client, form_page):
    response = client.get(URL)

    cookie = response.cookies["csrftoken"]
    assert (cookie["max-age"], cookie["expires"]) == ("", "")


def test_the_page_cache_stores_neither_the_form_nor_the_thank_you_page(client, form_page, settings):
    settings.PAGE_CACHE_SECONDS = 600

    for path in (URL, SENT):
        client.get(path)
        second = client.get(path)
        assert "X-Cache" not in second, path
    assert [key for key in cache._cache if "ask-for-news" in key] == []


def test_a_post_without_the_csrf_token_is_refused(form_page):
    strict = Client(enforce_csrf_checks=True)

    response = send(strict, URL)

    assert response.status_code == 403
    assert not ContactRequest.objects.exists()


def test_the_form_answers_404_when_requests_are_turned_off(client, form_page, settings):
    settings.FAMILY_CONTACT_REQUESTS = False

    assert client.get(URL).status_code == 404
    assert send(client, URL).status_code == 404
    assert client.get(SENT).status_code == 404
    assert not ContactRequest.objects.exists()


# In Persian

PERSIAN_URL = "/fa/campaigns/family-contact/ask-for-news/"


def test_the_persian_form_has_persian_labels_and_errors(client, persian_form_page):
    page = parse(client.get(PERSIAN_URL))
    assert (page.html["lang"], page.html["dir"]) == ("fa", "rtl")
    assert (
        page.select_one("label[for=id_requester_name]").get_text(strip=True).startswith("نام شما")
    )

    response = send(client, PERSIAN_URL, requester_name="", relative_year="1900")

    assert response.status_code == 400
    assert errors(response)["id_requester_name"] == "خطا: نام خود را بنویسید."
    assert "۱۹۵۰" in errors(response)["id_relative_year"]


def test_the_persian_form_says_in_persian_digits_how_it_read_a_persian_year(
    client, persian_form_page
):
    response = send(client, PERSIAN_URL, requester_name="", relative_year="۱۳۷۷")

    hint = parse(response).select_one("#id_relative_year_helptext").get_text()
    assert hint == "سال خورشیدی ۱۳۷۷ خوانده شد، یعنی ۱۹۹۸–۱۹۹۹ میلادی."


def test_a_request_from_the_persian_form_is_stored_as_persian(client, persian_form_page):
    response = send(client, PERSIAN_URL, relative_year="۱۹۹۸")

    assert response["Location"] == "/fa/campaigns/family-contact/ask-for-news/sent/"
    assert ContactRequest.objects.get().language == "fa"


def test_a_form_refused_for_its_security_token_says_how_to_send_it_again(form_page):
    strict = Client(enforce_csrf_checks=True)

    response = strict.post("/fa/search/")

    assert response.status_code == 403
    assert "فرم شما فرستاده نشد" in response.content.decode()


@pytest.mark.parametrize("url", [URL, PERSIAN_URL], ids=["en", "fa"])
def test_the_consent_to_be_contacted_names_the_organisation_that_runs_the_site(
    client, persian_form_page, url
):
    set_site_settings(organisation_name="Iran-Interlink <Test>")

    label = parse(client.get(url)).select_one("label[for=id_consent_contact]")

    # By name: around this form, "the organisation" can mean the Mojahedin.
    assert "Iran-Interlink <Test>" in label.get_text()
    assert label.select("script, test") == []
    assert "organisation" not in label.get_text().lower()


def test_the_persian_consent_names_the_organisation_in_persian(client, persian_form_page):
    set_site_settings(organisation_name="Iran-Interlink")
    set_site_text(Locale.objects.get(language_code="fa"), organisation_name="ایران اینترلینک")

    persian = parse(client.get(PERSIAN_URL)).select_one("label[for=id_consent_contact]")
    english = parse(client.get(URL)).select_one("label[for=id_consent_contact]")

    assert "ایران اینترلینک" in persian.get_text()
    assert "Iran-Interlink" in english.get_text()
