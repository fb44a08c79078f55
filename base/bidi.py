"""Latin names and acronyms inside right-to-left text, isolated so that the punctuation and words
around them keep their places.

Without isolation, the Unicode bidirectional algorithm lets a Latin run take the neutral
characters beside it (a comma, a bracket, a number) into its own direction: "سازمان ملل (UN)،"
or "خطاب به Mr Mavrommatis، ..." then shows brackets and commas on the wrong side. A <bdi>
around each run makes it one neutral unit in the Persian sentence.
"""

import re

from django.utils.safestring import mark_safe

_LETTER = r"A-Za-z\u00C0-\u024F"
# A run starts with a Latin letter and goes on through Latin letters and digits, joined by
# spaces and the punctuation names use (Mr. O'Brien, Amnesty International's, UN/ICRC, A&B)
# or e-mail addresses (split at the @, their halves would swap places in a Persian line), but
# ends on a letter or digit: a comma or full stop after it belongs to the Persian sentence.
_JOINER = r"(?:[ .\-'’/,@]|&amp;|&#x27;|&quot;)+"
_LATIN_RUN = re.compile(
    rf"(?<![&#\w])[{_LETTER}][{_LETTER}0-9]*(?:{_JOINER}[{_LETTER}0-9]+)*(?![\w;])"
)
_TAG = re.compile(r"(<[^>]*>)")
# Elements whose text is not markup (or may hold no elements).
_RAW = {"script", "style", "textarea", "title", "option", "bdi"}
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z0-9]+)")


def isolate_latin_runs(html):
    """The HTML with each Latin run in its text wrapped in <bdi>; tags, attributes and the
    contents of elements that hold no markup are left as they were."""
    parts = _TAG.split(str(html))
    raw = None  # the element whose text is being skipped, if any
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            name = _TAG_NAME.match(part)
            name = name.group(1).lower() if name else ""
            if raw is None and name in _RAW and not part.startswith("</"):
                raw = name
            elif raw == name and part.startswith("</"):
                raw = None
        elif raw is None and part:
            parts[index] = _LATIN_RUN.sub(r"<bdi>\g<0></bdi>", part)
    return mark_safe("".join(parts))  # noqa: S308 - only <bdi> added to markup already escaped
