"""The family contact form in a real browser with JavaScript off, in English and Persian: sent,
refused with its answers kept, accessible (axe, light and dark), private (no third-party request,
no cookie but the CSRF one)."""

import time

import pytest

from campaigns.family_contact.form import started_token
from campaigns.models import ContactRequest
from tests.browser.test_readers import axe_violations, dark_theme_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAGES = {
    "en": "/campaigns/family-contact/ask-for-news/",
    "fa": "/fa/campaigns/family-contact/ask-for-news/",
}
NAMES = {"en": ("Maryam Tahmasebi", "Reza Tahmasebi"), "fa": ("مریم طهماسبی", "رضا طهماسبی")}


def session(browser, javascript):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=javascript, bypass_csp=True
    )
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    return page


@pytest.fixture
def family(browser, demo_site):
    """A person asking, with JavaScript off, recording every request their browser makes."""
    page = session(browser, javascript=False)
    yield page
    page.context.close()


@pytest.fixture
def auditor(browser, demo_site):
    """The same, with JavaScript on in the page for axe (the site's CSP bypassed for it)."""
    page = session(browser, javascript=True)
    yield page
    page.context.close()


def filled_in_a_minute(page):
    """Dates the form's start time a minute back, as if the person had taken that long over it,
    instead of waiting out FAMILY_CONTACT_MIN_SECONDS. Playwright sets it, not the page: the
    page's own scripts may be off."""
    page.locator(".request-form input[name=started]").evaluate(
        "(field, token) => field.value = token", started_token(time.time() - 60)
    )


def accessible_in_both_themes(page):
    return axe_violations(page), dark_theme_violations(page)


def fill(page, language, email="maryam@example.com"):
    requester, relative = NAMES[language]
    page.fill("#id_requester_name", requester)
    page.fill("#id_relationship", "sister" if language == "en" else "خواهر")
    page.fill("#id_email", email)
    page.fill("#id_country", "Germany" if language == "en" else "آلمان")
    page.fill("#id_relative_name", relative)
    page.fill("#id_relative_year", "1998" if language == "en" else "۱۹۹۸")
    page.fill("#id_message", "He wrote to us last from Baghdad.")
    page.check("#id_consent_contact")


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_family_sends_a_request_with_javascript_off(family, demo_site, language):
    family.goto(demo_site.url + PAGES[language])
    fill(family, language)
    filled_in_a_minute(family)
    family.click(".request-form button[type=submit]")

    assert family.url == demo_site.url + PAGES[language] + "sent/"
    assert family.locator("h1").inner_text() == (
        "Your request has been sent" if language == "en" else "درخواست شما فرستاده شد"
    )
    assert NAMES[language][0] not in family.content()
    request = ContactRequest.objects.get()
    assert (request.requester_name, request.language) == (NAMES[language][0], language)
    assert request.relative_year == "1998"
    assert [url for url in family.requests if not url.startswith(demo_site.url)] == []
    assert [cookie["name"] for cookie in family.context.cookies()] == ["csrftoken"]


@pytest.mark.parametrize("language", ["en", "fa"])
def test_mistakes_are_explained_and_the_answers_kept(family, demo_site, language):
    family.goto(demo_site.url + PAGES[language])
    fill(family, language, email="maryam.example.com")
    family.fill("#id_requester_name", "")
    family.uncheck("#id_consent_contact")
    filled_in_a_minute(family)
    family.click(".request-form button[type=submit]")

    summary = family.locator(".error-summary a")
    assert summary.count() == 3
    assert family.locator("#id_requester_name").get_attribute("aria-invalid") == "true"
    assert family.locator("#id_email").input_value() == "maryam.example.com"
    assert family.locator("#id_relative_name").input_value() == NAMES[language][1]
    assert family.locator("#id_message").input_value() == "He wrote to us last from Baghdad."
    if language == "fa":
        assert family.locator("#id_requester_name_error").inner_text().startswith("خطا:")
    assert not ContactRequest.objects.exists()

    summary.first.click()  # a link to the field: no script needed
    assert family.url.endswith("#id_requester_name")
    family.fill("#id_requester_name", NAMES[language][0])
    family.fill("#id_email", "maryam@example.com")
    family.check("#id_consent_contact")
    family.click(".request-form button[type=submit]")

    assert family.url.endswith("/sent/")
    assert ContactRequest.objects.count() == 1


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_form_its_errors_and_the_thank_you_page_pass_axe(auditor, demo_site, language):
    auditor.goto(demo_site.url + PAGES[language])
    assert accessible_in_both_themes(auditor) == ([], []), "the form"

    fill(auditor, language, email="maryam.example.com")
    auditor.fill("#id_requester_name", "")
    auditor.click(".request-form button[type=submit]")
    assert auditor.locator(".error-summary").count() == 1
    assert accessible_in_both_themes(auditor) == ([], []), "the form with errors"

    auditor.fill("#id_requester_name", NAMES[language][0])
    auditor.fill("#id_email", "maryam@example.com")
    filled_in_a_minute(auditor)
    auditor.click(".request-form button[type=submit]")
    assert auditor.url.endswith("/sent/")
    assert accessible_in_both_themes(auditor) == ([], []), "the thank-you page"
    assert [url for url in auditor.requests if not url.startswith(demo_site.url)] == []
