"""The Persian font: a small subset of Vazirmatn that covers Persian text, served by the site
itself and announced by Persian pages only."""

import re
import string
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.templatetags.static import static
from fontTools.ttLib import TTFont

from advocacy.demo_content import HOME, campaigns_fa, pages_fa, texts
from advocacy.subset_font import CHARACTERS, TARGET, WEIGHTS
from tests.builders import translate
from tests.html import parse

STATIC = Path(settings.BASE_DIR) / "static"
STYLESHEET = STATIC / "css" / "site.css"
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "fa" / "LC_MESSAGES" / "django.po"
# The subset weighs 23.7 KB: the heaviest thing a Persian reader downloads (pages weigh about
# 9 KB), once, then cached. The budget leaves room for a new release of the font, not for
# Latin letters (+6.6 KB), the whole weight axis (+9.6 KB) or separate regular and bold files
# (28.4 KB together): each of those is a decision to make here, on purpose.
BUDGET = 25_000
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def font_face():
    """The declarations of the stylesheet's one @font-face, by property."""
    (block,) = re.findall(r"@font-face\s*{([^}]*)}", STYLESHEET.read_text())
    return dict(re.findall(r"([\w-]+)\s*:\s*([^;]+);", block))


def codepoints(unicode_range):
    """The code points of a CSS unicode-range such as "U+20-22, U+25"."""
    points = set()
    for start, end in re.findall(r"U\+([0-9A-F]+)(?:-([0-9A-F]+))?", unicode_range, re.I):
        points.update(range(int(start, 16), int(end or start, 16) + 1))
    return points


def uncovered(text):
    """The characters of text, other than Latin letters (left to the system font), that the
    font has no glyph for."""
    cmap = TTFont(TARGET).getBestCmap()
    return sorted({c for c in text if c not in string.ascii_letters and ord(c) not in cmap})


def test_the_font_is_one_woff2_file_within_its_budget():
    fonts = sorted((STATIC / "fonts").glob("*.woff2"))

    assert fonts == [TARGET]
    assert TARGET.read_bytes()[:4] == b"wOF2"
    assert TARGET.stat().st_size <= BUDGET


def test_the_font_has_every_character_of_the_persian_interface():
    catalogue = polib.pofile(str(CATALOGUE))
    text = "".join(
        PLACEHOLDER.sub("", msgstr)
        for entry in catalogue.translated_entries()
        for msgstr in [entry.msgstr, *entry.msgstr_plural.values()]
    )

    assert len(set(text)) > 30  # the catalogue was read: Persian letters and more
    assert uncovered(text) == []


def test_the_font_has_every_character_of_the_persian_demo_content():
    persian = [
        HOME["fa"],
        campaigns_fa.PERSIAN,
        campaigns_fa.CAMPAIGN_FA,
        campaigns_fa.APPEAL_FA,
        campaigns_fa.UPDATE_FA,
        campaigns_fa.DEVELOPMENTS_FA,
        pages_fa.AIMS_FA,
        pages_fa.POINT_OF_VIEW_FA,
        pages_fa.FAQ_FA,
        pages_fa.PRIVACY_FA,
        pages_fa.ABOUT_FA,
    ]
    # Placeholders (the contact address, the ids of linked pages) are filled in at load time.
    text = PLACEHOLDER.sub("", re.sub(r"<[^>]+>", "", "".join(texts(persian))))

    # The Persian campaign, appeal, update and developments were read, and the pages:
    # aims, point of view, questions, privacy, about and contact.
    assert len(text) > 10_000
    assert uncovered(text) == []


def test_the_font_holds_what_the_subset_asked_for_and_the_stylesheet_says_so():
    cmap = TTFont(TARGET).getBestCmap()
    declared = codepoints(font_face()["unicode-range"])

    assert set(cmap) == set(map(ord, CHARACTERS))
    assert declared == set(cmap)


def test_the_stylesheet_loads_the_font_file_that_exists():
    (url,) = re.findall(r'url\("([^"]+)"\)', font_face()["src"])

    assert (STYLESHEET.parent / url).resolve() == TARGET


def test_the_font_varies_over_the_weights_the_stylesheet_uses():
    (axis,) = TTFont(TARGET)["fvar"].axes

    assert (axis.axisTag, axis.minValue, axis.maxValue) == ("wght", *WEIGHTS)
    assert font_face()["font-weight"] == f"{WEIGHTS[0]} {WEIGHTS[1]}"


def test_the_font_keeps_the_features_that_join_and_place_persian_letters():
    font = TTFont(TARGET)
    features = {
        record.FeatureTag
        for table in ("GSUB", "GPOS")
        for record in font[table].table.FeatureList.FeatureRecord
    }

    assert {"init", "medi", "fina", "rlig", "liga", "calt", "mark", "mkmk", "kern"} <= features


@pytest.mark.django_db
def test_persian_pages_preload_the_font_and_english_pages_do_not(client, home_page):
    translate(home_page, "fa", title="سازمان آزمایشی")
    font = static("fonts/vazirmatn-persian.woff2")

    english = parse(client.get("/")).select("link[rel=preload]")
    persian = parse(client.get("/fa/")).select("link[rel=preload]")

    assert english == []
    assert [(link["href"], link["as"], link["type"]) for link in persian] == [
        (font, "font", "font/woff2")
    ]
    # Fonts are fetched in CORS mode: without it the preload would not be used, and the font
    # would be downloaded twice.
    assert persian[0].has_attr("crossorigin")
