"""The demo appeal in a real browser, on a phone and at a desktop: its letter is there to read,
select and print; each way to send it goes through our counted address; "I have sent it" adds
one to its own count."""

import re

import pytest
from wagtail.models import Locale

from campaigns.models import Appeal, AppealActionCount, AppealSentCount
from tests.browser.test_readers import axe_violations, dark_theme_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VIEWPORTS = pytest.mark.parametrize(
    "viewport",
    [{"width": 375, "height": 667}, {"width": 1280, "height": 800}],
    ids=["phone", "desktop"],
)
APPEAL_PATH = "/appeals/family-visits-un-special-rapporteur/"
# The services' compose pages and the demo's web form answer from here: nothing leaves.
ELSEWHERE = re.compile(
    r"^https://(mail\.google\.com|outlook\.live\.com|compose\.mail\.yahoo\.com|un\.example)/"
)


@pytest.fixture
def appeal(demo_site):
    appeal = Appeal.objects.get(locale=Locale.get_default(), slug=APPEAL_PATH.split("/")[2])
    # The demo gives no telephone number; this one is the example of the field's help text.
    Appeal.objects.filter(translation_key=appeal.translation_key).update(phone="+41 22 917 9000")
    appeal.refresh_from_db()
    return appeal


@pytest.fixture
def reader(browser, demo_site, viewport):
    context = browser.new_context(viewport=viewport)
    context.route(ELSEWHERE, lambda route: route.fulfill(status=200, body="elsewhere"))
    page = context.new_page()
    yield page
    context.close()


def clicks(appeal, channel):
    rows = AppealActionCount.objects.filter(appeal=appeal, channel=channel)
    return sum(rows.values_list("count", flat=True))


@VIEWPORTS
def test_the_letter_is_on_the_page_to_read_and_select(reader, demo_site, appeal, viewport):
    reader.goto(demo_site.url + APPEAL_PATH)

    body = reader.locator("pre.letter-body")
    assert body.is_visible()
    assert reader.locator("#letter dd", has_text="Palais des Nations").is_visible()
    body.select_text()
    selected = reader.evaluate("() => window.getSelection().toString()")
    assert selected.strip() == appeal.email_body.strip()
    # Nothing wider than the screen: the letter wraps.
    assert reader.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]


@VIEWPORTS
def test_each_channel_goes_through_our_counted_address(reader, demo_site, appeal, viewport):
    reader.goto(demo_site.url + APPEAL_PATH)
    links = reader.locator(".appeal-channels a:not([href$='/sent/'])")
    hrefs = [links.nth(index).get_attribute("href") for index in range(links.count())]
    channels = ["email", "gmail", "outlook", "yahoo", "form", "print", "phone"]
    assert hrefs == [f"/act/{appeal.pk}/{channel}/" for channel in channels]

    for channel, href in zip(channels, hrefs, strict=True):
        # A page of its own for each, so that one hand-over cannot interrupt the next.
        page = reader.context.new_page()
        page.goto(demo_site.url + APPEAL_PATH)
        answers = []
        page.on("response", lambda answer, answers=answers: answers.append(answer))
        link = page.locator(f".appeal-channels a[href='{href}']")
        assert link.is_visible()
        target = appeal.channel_target(channel)
        if channel == "print":
            link.click()
            page.wait_for_url(f"**{href}")
            assert page.locator(".printed-letter").is_visible()
        elif channel in ("email", "phone"):
            # mailto: and tel: hand over to another program, and the page stays where it is.
            link.click(no_wait_after=True)
            for _ in range(50):
                if clicks(appeal, channel):
                    break
                page.wait_for_timeout(100)
        else:
            link.click()
            page.wait_for_url(target)
            ours = [answer for answer in answers if answer.url.endswith(href)]
            assert [(answer.status, answer.headers["location"]) for answer in ours] == [
                (302, target)
            ]
        assert clicks(appeal, channel) == 1, channel
        page.close()


@VIEWPORTS
def test_i_have_sent_it_adds_one_to_the_letters_sent(reader, demo_site, appeal, settings):
    settings.APPEAL_SENT_MIN_SECONDS = 0
    reader.goto(demo_site.url + APPEAL_PATH)

    reader.get_by_role("link", name="I have sent it").click()
    reader.get_by_role("button", name="I have sent it").click()

    assert reader.get_by_role("heading", name="Thank you").is_visible()
    assert sum(AppealSentCount.objects.filter(appeal=appeal).values_list("count", flat=True)) == 1
    assert not AppealActionCount.objects.filter(appeal=appeal).exists()


@VIEWPORTS
def test_print_shows_the_whole_letter_and_no_buttons(reader, demo_site, appeal):
    reader.goto(demo_site.url + APPEAL_PATH)
    reader.emulate_media(media="print")

    body = reader.locator("pre.letter-body")
    assert body.is_visible()
    whole = body.evaluate("element => element.scrollHeight <= element.clientHeight + 1")
    assert whole
    assert body.inner_text().strip() == appeal.email_body.strip()
    assert not reader.locator(".appeal-channels").is_visible()

    reader.goto(f"{demo_site.url}/act/{appeal.pk}/print/")
    assert reader.locator(".printed-letter").is_visible()
    assert not reader.locator(".site-header").is_visible()
    assert not reader.locator(".letter-instructions").is_visible()
    assert "Palais des Nations" in reader.locator(".letter-recipient").inner_text()


@pytest.mark.parametrize("viewport", [{"width": 375, "height": 667}], ids=["phone"])
def test_the_persian_page_marks_the_english_letter(reader, demo_site, appeal):
    persian = Appeal.objects.get(translation_key=appeal.translation_key, locale__language_code="fa")
    reader.goto(demo_site.url + persian.get_url())

    body = reader.locator("pre.letter-body")
    assert (body.get_attribute("lang"), body.get_attribute("dir")) == ("en", "ltr")
    assert body.evaluate("element => getComputedStyle(element).direction") == "ltr"


@VIEWPORTS
def test_the_appeal_the_printed_letter_and_the_confirmation_pass_axe(
    reader, demo_site, appeal, viewport
):
    for path in (APPEAL_PATH, f"/act/{appeal.pk}/print/", f"/act/{appeal.pk}/sent/"):
        reader.goto(demo_site.url + path)
        assert axe_violations(reader) == [], path
        assert dark_theme_violations(reader) == [], f"{path} in the dark theme"
        assert reader.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
