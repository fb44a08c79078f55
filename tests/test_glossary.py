"""One Persian word per concept (docs/translators.md): an appeal is a فراخوان, a family's request
is a درخواست, and neither word stands for the other, in the catalogue or in the demo content."""

from pathlib import Path

import polib
from django.conf import settings

from advocacy.demo_content import campaigns_fa

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "fa" / "LC_MESSAGES" / "django.po"
APPEAL, REQUEST = "فراخوان", "درخواست"


def entries_about(word):
    return [
        entry
        for entry in polib.pofile(str(CATALOGUE))
        if word in entry.msgid.lower() and entry.msgstr
    ]


def test_every_string_about_appeals_calls_them_farakhan():
    appeals = entries_about("appeal")

    assert appeals
    assert [e.msgid for e in appeals if REQUEST in e.msgstr or APPEAL not in e.msgstr] == []


def test_no_string_about_a_familys_request_calls_it_an_appeal():
    requests = [e for e in entries_about("request") if "appeal" not in e.msgid.lower()]

    assert requests
    assert [e.msgid for e in requests if APPEAL in e.msgstr] == []


def test_the_persian_demo_calls_appeals_farakhan():
    assert APPEAL in campaigns_fa.PERSIAN["appeals"]["title"]
    assert REQUEST not in campaigns_fa.APPEAL_FA["title"]
