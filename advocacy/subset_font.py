"""Subsets Vazirmatn, the Persian pages' font, from its npm package (node_modules/vazirmatn, put
there by `npm ci`) into one small variable WOFF2 in static/fonts/. The result is committed, so
`make run` and `make serve` need no npm; run this again after changing the package or CHARACTERS,
and paste the unicode-range it prints into the @font-face in static/css/site.css.

    python -m advocacy.subset_font    (make fonts)
"""

import shutil
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE = BASE_DIR / "node_modules" / "vazirmatn"
SOURCE = PACKAGE / "fonts" / "variable" / "Vazirmatn[wght].ttf"
FONTS = BASE_DIR / "static" / "fonts"
TARGET = FONTS / "vazirmatn-persian.woff2"

# site.css sets text in 400, 600 (navigation, labels) and 700 (headings). One variable file
# limited to that range is smaller than static 400 and 700 files together, and one request.
WEIGHTS = (400, 700)

# What Persian text is written with. Latin letters are left out: they stand in runs of their
# own (names, the "English" link), where the system font serves them as well, and they would
# add a quarter to the file. Digits and prose punctuation stay, since they sit inside Persian
# runs and should share its metrics.
CHARACTERS = "".join(
    [
        " \u00a0",  # space, no-break space
        "!\"%'()*,-./:;?[]",
        "0123456789",
        "«»",
        "\u060c\u061b\u061f",  # ، ؛ ؟
        *map(chr, range(0x0621, 0x063B)),  # hamza to ghain
        *map(chr, range(0x0640, 0x0656)),  # tatweel, feh to yeh, the vowel marks, hamza above
        "\u066a\u066b\u066c",  # ٪ ٫ ٬
        "\u0670",  # superscript alef
        "\u067e\u0686\u0698\u06a9\u06af\u06c0\u06cc",  # پ چ ژ ک گ ۀ ی
        *map(chr, range(0x06F0, 0x06FA)),  # Persian digits
        "\u200c\u200d\u200e\u200f",  # zero-width non-joiner and joiner, LRM, RLM
        "\u2013\u2014\u2026\u2039\u203a",  # – — … › (breadcrumbs) and ‹, its mirror image in RTL
    ]
)

# pyftsubset's default features (Arabic joining forms, rlig, liga, calt, mark, mkmk, kern, …)
# without the fraction ones, which only pull in Latin numerator and denominator figures.
FEATURES = [
    feature
    for feature in subset.Options().layout_features
    if feature not in ("frac", "numr", "dnom")
]


def unicode_range(codepoints):
    """The CSS unicode-range of a set of code points, e.g. "U+20-22, U+25"."""
    runs = []
    for codepoint in sorted(codepoints):
        if runs and runs[-1][1] == codepoint - 1:
            runs[-1][1] = codepoint
        else:
            runs.append([codepoint, codepoint])
    return ", ".join(
        f"U+{start:X}" if start == end else f"U+{start:X}-{end:X}" for start, end in runs
    )


def subset_font(source=SOURCE, target=TARGET):
    if not source.exists():
        raise SystemExit(f"{source} is missing: run `npm ci` first (make fonts does).")
    font = TTFont(source)
    options = subset.Options()
    options.layout_features = FEATURES
    # The variable source has no hints worth keeping; browsers rasterise without them.
    options.hinting = False
    # With the copyright and licence (the OFL asks for them), as well as the names.
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=map(ord, CHARACTERS))
    # Subset first: fontTools 4.68 fails to subset the variations of a font instanced in memory.
    subsetter.subset(font)
    font = instancer.instantiateVariableFont(font, {"wght": WEIGHTS})
    font.flavor = "woff2"
    font.recalcTimestamp = False  # the source's date, so that the same input gives the same file
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(target)
    shutil.copyfile(PACKAGE / "OFL.txt", target.parent / "OFL.txt")
    print(f"{target.relative_to(BASE_DIR)}: {target.stat().st_size} bytes")
    print(f"unicode-range: {unicode_range(font.getBestCmap())};")


if __name__ == "__main__":
    subset_font()
