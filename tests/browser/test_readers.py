"""Every public page in a real browser, as an anonymous reader meets it: accessible (axe, in
light and dark themes and at 320 pixels wide), private (no cookie, nothing from another origin)."""

from pathlib import Path

import axe_playwright_python
import pytest

from tests.html import PUBLIC_PAGES as PAGES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = (Path(axe_playwright_python.__file__).with_name("axe.min.js")).read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


# What the dark theme changes: colours only (static/css, prefers-color-scheme). Its run checks
# the rules colours decide; the light run checks every rule. (Both runs of every rule took 2.8 s
# a page, 102 s for the pages below on a busy machine.)
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def axe_violations(page, scope=None, rules=None):
    """Rules broken on the page (or in the elements that scope selects), as "rule: where"
    lines: those of AXE_TAGS, or only the given rules. axe is evaluated through the browser's
    debugging protocol, which the CSP allows, once per document."""
    if page.evaluate("() => typeof axe === 'undefined'"):
        page.evaluate(AXE)
    only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": AXE_TAGS}
    result = page.evaluate(
        """([only, scope]) => axe.run(
            scope ? {include: [...document.querySelectorAll(scope)]} : document,
            {runOnly: only})""",
        [only, scope],
    )
    return [
        f"{violation['id']}: {node['target']}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]


def dark_theme_violations(page, scope=None):
    """axe's colour rules on the page in the dark theme (and reduced motion), then back to the
    light theme."""
    page.emulate_media(color_scheme="dark", reduced_motion="reduce")
    try:
        return axe_violations(page, scope, rules=COLOUR_RULES)
    finally:
        page.emulate_media(color_scheme="light", reduced_motion="no-preference")


@pytest.fixture
def reader(browser, demo_site):
    """An anonymous reader's browser session, recording every request it makes."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


def test_every_public_page_passes_axe_and_keeps_readers_private(reader, demo_site, subtests):
    for name, path in PAGES.items():
        with subtests.test(page=name):
            reader.requests.clear()
            response = reader.goto(demo_site.url + path)
            assert response.status == (404 if name.endswith("not found") else 200)

            assert axe_violations(reader) == []
            assert dark_theme_violations(reader) == [], "in the dark theme"
            assert [url for url in reader.requests if not url.startswith(demo_site.url)] == []
            # A form page may set Django's CSRF cookie (DESIGN.md), and no other; a page
            # to read sets none.
            allowed = {"csrftoken"} if name.endswith("form") else set()
            assert {cookie["name"] for cookie in reader.context.cookies()} <= allowed
            reader.context.clear_cookies()


def test_no_public_page_scrolls_sideways_at_320_pixels(reader, demo_site, subtests):
    reader.set_viewport_size({"width": 320, "height": 640})
    for name, path in PAGES.items():
        with subtests.test(page=name):
            reader.goto(demo_site.url + path)

            width = reader.evaluate("document.documentElement.scrollWidth")

            assert width <= 320


def test_text_enlarged_to_200_percent_stays_within_the_window(reader, demo_site, subtests):
    for name, path in PAGES.items():
        with subtests.test(page=name):
            reader.goto(demo_site.url + path)
            before = reader.evaluate("getComputedStyle(document.body).fontSize")
            reader.add_style_tag(content="html { font-size: 200% !important; }")

            after = reader.evaluate("getComputedStyle(document.body).fontSize")
            width = reader.evaluate("document.documentElement.scrollWidth")

            assert float(after[:-2]) == 2 * float(before[:-2])
            assert width <= 1280


@pytest.mark.parametrize(
    "name",
    ["campaign", "campaign timeline", "appeal", "Persian campaign"],
    ids=lambda name: name.replace(" ", "-"),
)
def test_pages_print_without_navigation_and_with_link_addresses(reader, demo_site, name):
    reader.goto(demo_site.url + PAGES[name])
    reader.emulate_media(media="print")

    hidden = reader.evaluate(
        "[...document.querySelectorAll('.site-nav, .site-search, .language-links, .breadcrumbs,"
        " .share, .button, .back-to-top, .site-footer .footer-links')]"
        ".map(e => getComputedStyle(e).display)"
    )
    backgrounds = reader.evaluate(
        "[...document.querySelectorAll('body, .site-header, .site-footer, .contents-bar')]"
        ".map(e => getComputedStyle(e).backgroundColor)"
    )
    # Each link paper shows, with what it prints after itself.
    printed = reader.evaluate(
        "[...document.querySelectorAll('main a[href]')].filter(a => a.checkVisibility())"
        ".map(a => [a.getAttribute('href'), getComputedStyle(a, '::after').content])"
    )

    assert hidden and set(hidden) == {"none"}
    assert set(backgrounds) == {"rgba(0, 0, 0, 0)"}
    assert any(href.startswith("/") for href, _ in printed)
    for href, shown in printed:
        if href.startswith("/"):
            # The full address, isolated (LRI…PDI) so its brackets keep their order in Persian.
            assert shown == f'" (\u2066{demo_site.url}{href}\u2069)"'
        elif href.startswith("#"):
            assert shown == "none"


def test_keyboard_users_skip_to_the_content_and_see_where_they_are(reader, demo_site):
    reader.goto(demo_site.url + "/campaigns/family-contact/")

    reader.keyboard.press("Tab")
    skip = reader.locator(":focus")
    text, outline = skip.inner_text(), skip.evaluate("e => getComputedStyle(e).outlineStyle")
    box = skip.bounding_box()
    reader.keyboard.press("Enter")

    assert text == "Skip to main content"
    assert outline != "none" and box["width"] > 1 and box["height"] > 1
    assert reader.evaluate("document.activeElement.id") == "main"


# The left edge of each character of an element's text, in the order of the text.
CHARACTER_LEFTS = """element => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    const lefts = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.length; i++) {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            lefts.push([node.data[i], range.getBoundingClientRect().left]);
        }
    }
    return lefts;
}"""


@pytest.mark.parametrize("path", ["/", "/fa/"], ids=["English", "Persian"])
def test_the_footer_e_mail_address_reads_left_to_right_in_both_languages(reader, demo_site, path):
    reader.goto(demo_site.url + path)
    email = reader.locator("footer address a[href^='mailto:']")

    lefts = email.evaluate(CHARACTER_LEFTS)
    text = "".join(character for character, _ in lefts)
    at = text.index("@")

    assert text == "contact@iran-interlink.example"
    # As in English: the local part, then "@", then the domain, from left to right.
    assert max(left for _, left in lefts[:at]) < lefts[at][1]
    assert lefts[at][1] < min(left for _, left in lefts[at + 1 :])
    assert [left for _, left in lefts] == sorted(left for _, left in lefts)
