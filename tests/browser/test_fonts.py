"""The Persian font and direction-bound glyphs in a real browser, under the site's own CSP: Persian
pages load the font from the site itself, English pages load no font at all, and the breadcrumb
separator points the way each language reads."""

import io

import pytest
from PIL import Image

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def reader(browser, demo_site):
    """An anonymous reader's browser session, recording the fonts it requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.fonts = []
    page.on("request", lambda r: r.resource_type == "font" and page.fonts.append(r.url))
    yield page
    context.close()


def font_faces(page):
    """(family, status) of each @font-face once the page's fonts have settled."""
    return page.evaluate(
        """() => document.fonts.ready.then(
            fonts => [...fonts].map(face => [face.family.replaceAll('"', ''), face.status]))"""
    )


def rendered_fonts(page, selector):
    """The fonts Chromium drew the element's text with, and how many glyphs each."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {font["familyName"]: font["glyphCount"] for font in fonts}


def test_persian_pages_draw_their_text_in_the_font_from_the_site(reader, demo_site):
    reader.goto(demo_site.url + "/fa/")

    faces = font_faces(reader)
    fonts = rendered_fonts(reader, "h1")

    assert faces == [["Vazirmatn", "loaded"]]
    # Once: the preload and the stylesheet share one download.
    assert reader.fonts == [demo_site.url + "/static/fonts/vazirmatn-persian.woff2"]
    assert list(fonts) == ["Vazirmatn"]


def test_english_pages_load_no_font_even_with_a_persian_link(reader, demo_site):
    reader.goto(demo_site.url + "/")

    faces = font_faces(reader)

    assert reader.locator("header [lang=fa]").count() > 0
    assert faces == [["Vazirmatn", "unloaded"]]
    assert reader.fonts == []


def separator_points(page):
    """Which way the first breadcrumb separator points on the screen, "left" or "right": the
    side where its strokes meet in one point rather than spreading apart."""
    page.evaluate(
        """() => {
            document.querySelector('.breadcrumbs').style.fontSize = '100px';
            document.querySelectorAll('.breadcrumbs li, .breadcrumbs a')
                .forEach(element => element.style.color = 'transparent');
        }"""
    )
    image = Image.open(io.BytesIO(page.locator(".breadcrumbs li").first.screenshot()))
    image = image.convert("L").point(lambda value: 255 if value < 160 else 0)
    left, top, right, bottom = image.getbbox()
    margin = (right - left) // 6

    def spread(x):
        inked = [y for y in range(top, bottom) if image.getpixel((x, y))]
        return max(inked) - min(inked)

    return "right" if spread(right - margin) < spread(left + margin) else "left"


def test_breadcrumb_separators_point_the_way_each_language_reads(reader, demo_site):
    reader.goto(demo_site.url + "/aims/")
    english = separator_points(reader)
    reader.goto(demo_site.url + "/fa/aims/")  # the demo's own translation
    persian = separator_points(reader)

    assert (english, persian) == ("right", "left")
