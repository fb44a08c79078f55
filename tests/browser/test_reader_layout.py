"""The layout a reader meets in a real browser: the action on the first screen, a header that
leaves the page its room on a phone, and a menu on one line on a desktop."""

import pytest

from tests.browser.test_readers import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 800}
LANGUAGES = {"English": "", "Persian": "/fa"}

# Where a supporter meets the action, and the box that holds it.
ACTIONS = {
    "home": ("/", ".act-now"),
    "campaign": ("/campaigns/family-contact/", ".act-now"),
    "appeal": ("/appeals/family-visits-un-special-rapporteur/", ".appeal-action"),
}


@pytest.fixture
def open_reader(browser, demo_site):
    """open_reader(viewport, **options) opens an anonymous reader's session at that size."""
    contexts = []

    def open_session(viewport, **options):
        contexts.append(browser.new_context(viewport=viewport, **options))
        return contexts[-1].new_page()

    yield open_session
    for context in contexts:
        context.close()


def top_of(page, selector):
    return page.locator(selector).first.evaluate("e => e.getBoundingClientRect().top")


def test_the_action_is_on_the_first_screen_of_a_phone_and_a_desktop(
    open_reader, demo_site, subtests
):
    for viewport in (PHONE, DESKTOP):
        reader = open_reader(viewport)
        for language, prefix in LANGUAGES.items():
            for name, (path, box) in ACTIONS.items():
                with subtests.test(width=viewport["width"], language=language, page=name):
                    reader.goto(demo_site.url + prefix + path)

                    top = top_of(reader, box)

                    assert 0 < top < viewport["height"]


@pytest.mark.parametrize("scripts", [True, False], ids=["with scripts", "without scripts"])
def test_on_a_phone_the_header_takes_a_quarter_of_the_screen_and_its_menu_opens(
    open_reader, demo_site, subtests, scripts
):
    reader = open_reader(PHONE, java_script_enabled=scripts)
    for language, prefix in LANGUAGES.items():
        with subtests.test(language=language):
            reader.goto(demo_site.url + prefix + "/campaigns/")
            header = reader.locator(".site-header").bounding_box()
            menu = reader.locator(".site-nav summary")
            items = reader.locator(".site-nav li a")

            assert header["height"] <= PHONE["height"] / 4
            assert not items.first.is_visible()

            menu.click()

            assert menu.inner_text() == {"English": "Menu", "Persian": "منو"}[language]
            assert items.count() == 8
            assert all(items.nth(i).is_visible() for i in range(8))
            if scripts:
                assert axe_violations(reader, ".site-header") == []


def test_at_1280_pixels_the_menu_is_one_line_with_the_current_page_marked_in_full(
    open_reader, demo_site, subtests
):
    reader = open_reader(DESKTOP)
    for language, prefix in LANGUAGES.items():
        with subtests.test(language=language):
            reader.goto(demo_site.url + prefix + "/campaigns/")
            items = reader.locator(".site-nav li a")

            tops = items.evaluate_all("links => links.map(a => a.getBoundingClientRect().top)")
            current = reader.locator(".site-nav a[aria-current]")

            assert len(tops) == 8 and len(set(tops)) == 1
            assert reader.locator(".site-nav summary").is_hidden()
            assert current.evaluate("a => getComputedStyle(a).textDecorationSkipInk") == "none"
            assert current.evaluate("a => getComputedStyle(a).textDecorationLine") == "underline"
            assert reader.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]


def test_a_single_campaign_card_is_a_feature_across_the_row(open_reader, demo_site):
    reader = open_reader(DESKTOP)
    reader.goto(demo_site.url + "/campaigns/")

    row = reader.locator("ul.cards").bounding_box()
    card = reader.locator("ul.cards .card").bounding_box()

    assert reader.locator("ul.cards > li").count() == 1
    assert card["width"] == row["width"] > 900
