"""Latin names and acronyms inside right-to-left text, isolated so that the punctuation and words
around them keep their places.

Without isolation, the Unicode bidirectional algorithm lets a Latin run take the neutral
characters beside it (a comma, a bracket, a number) into its own direction: "سازمان ملل (UN)،"
or "خطاب به Mr Mavrommatis، ..." then shows brackets and commas on the wrong side. A <bdi>
around each run makes it one neutral unit in the Persian sentence.

E-mail addresses, web addresses and telephone numbers are read left to right whatever script
is around them, but isolating their Latin words one by one still let the right-to-left
sentence order the parts: "contact@iran-interlink.example" showed as
"iran-interlink.example@contact" and "+44 20 7946 0123" as "0123 7946 20 44+". Each is one
left-to-right unit instead: <bdi dir="ltr">.
"""

import re
from html import unescape

from django.utils.safestring import mark_safe

_LETTER = r"A-Za-z\u00C0-\u024F"
# A run starts with a Latin letter and goes on through Latin letters and digits, joined by
# spaces and the punctuation names use (Mr. O'Brien, Amnesty International's, UN/ICRC, A&B),
# but ends on a letter or digit: a comma or full stop after it belongs to the Persian sentence.
_JOINER = r"(?:[ .\-'’/,]|&amp;|&#x27;|&quot;)+"
LATIN_RUN = re.compile(
    rf"(?<![&#\w])[{_LETTER}][{_LETTER}0-9]*(?:{_JOINER}[{_LETTER}0-9]+)*(?![\w;])"
)
# The text is escaped: a quotation mark (an entity here) ends a web address, "&amp;" does not.
_QUOTE = r"&(?:quot|lt|gt|#x27|#39);"
_EMAIL = r"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
# A web address runs to the next space or markup; punctuation at its end belongs to the
# sentence ("see https://example.org/a." or "(www.example.org)").
_URL = rf"(?:[A-Za-z][A-Za-z0-9+.\-]*://|www\.)(?:(?!{_QUOTE})[^\s<>\"'])*(?<![.,;:!?)\]،؛])"
# A telephone number: an international one (+44 20 7946 0123, +98 (21) 1234-5678) or one of
# three or more groups of digits (020 7946 0123); years and plain numbers are not.
_PHONE = r"(?:\+\d(?:[ \-.]?\(?\d+\)?)+|\d{2,}(?:[ \-]\d{2,}){2,})(?![\w+])"
_ADDRESS = re.compile(rf"(?<![&#\w.+\-])(?:{_EMAIL}|{_URL}|{_PHONE})")
_TAG = re.compile(r"(<[^>]*>)")
# Elements whose text is not markup (or may hold no elements).
_RAW = {"script", "style", "textarea", "title", "option", "bdi"}
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z0-9]+)")


_WORD = re.compile(rf"[{_LETTER}]+")
# What every run and address above starts with or holds: text without any (most text between
# tags is white space or Persian only) is left as it is without trying them.
_CANDIDATE = re.compile(rf"[{_LETTER}]|\d")


def latin_on_purpose(text, run):
    """Whether the Latin run (a match in text) is Latin on purpose: an acronym (UN, ICRC,
    UN/ICRC, PDF) or the original of a name or term given in brackets after its Persian form
    ("آندریاس ماوروماتیس (Andreas Mavrommatis)", "«ایمن‌ترین» (Safest)"), as the translators'
    guide (docs/translators.md) asks. Any other Latin words are an untranslated leftover."""
    words = _WORD.findall(unescape(run.group(0)))
    acronym = len("".join(words)) > 1 and all(word.isupper() for word in words)
    gloss = text[run.start() - 1 : run.start()] == "(" and text[run.end() : run.end() + 1] == ")"
    return acronym or gloss


def _isolate_runs(text):
    """Each Latin run in <bdi>; one that is Latin on purpose says it is English too (lang="en")
    for screen readers, spelling and hyphenation. Untranslated words are left without it, and
    tests/test_every_page.py finds them."""
    return LATIN_RUN.sub(
        lambda run: (
            f'<bdi lang="en">{run.group(0)}</bdi>'
            if latin_on_purpose(text, run)
            else f"<bdi>{run.group(0)}</bdi>"
        ),
        text,
    )


def _isolate_text(text):
    """Escaped text with each address in <bdi dir="ltr"> and each Latin run between them in
    <bdi>."""
    out, start = [], 0
    for address in _ADDRESS.finditer(text):
        out.append(_isolate_runs(text[start : address.start()]))
        out.append(f'<bdi dir="ltr">{address.group(0)}</bdi>')
        start = address.end()
    out.append(_isolate_runs(text[start:]))
    return "".join(out)


def isolate_latin_runs(html):
    """The HTML with each e-mail address, web address and telephone number in its text wrapped
    in <bdi dir="ltr">, and each other Latin run in <bdi>; tags, attributes and the contents of
    elements that hold no markup are left as they were."""
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
        elif raw is None and _CANDIDATE.search(part):
            parts[index] = _isolate_text(part)
    return mark_safe("".join(parts))  # noqa: S308 - only <bdi> added to markup already escaped
