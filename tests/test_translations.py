"""The interface in Persian: every string makemessages extracts is translated, and the public
site reads right to left under /fa/."""

import os
import re
import shlex
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from tests.builders import translate
from tests.html import parse

BASE_DIR = Path(settings.BASE_DIR)
LOCALE = BASE_DIR / "locale"
# The catalogue Django reads, compiled from locale/fa/LC_MESSAGES/django.po by pytest_configure.
COMPILED = LOCALE / "fa" / "LC_MESSAGES" / "django.mo"
# Folders that are not the product, and what collectstatic and uploads leave in a checkout:
# makemessages leaves them out here and in the command below. Strings only the Wagtail admin
# shows (help text, panels, the caseworkers' register) are the product too: editors and
# caseworkers may choose Persian for the admin, so nothing else is exempt.
NOT_THE_PRODUCT = ["tests", "benchmarks", "docs", "static", "node_modules", "staticfiles", "media"]
MAKEMESSAGES = shlex.join(
    [".venv/bin/python", "manage.py", "makemessages", "--settings=advocacy.settings.test"]
    + ["-l", "fa"]
    + [f"--ignore={folder}" for folder in NOT_THE_PRODUCT]
)


@pytest.fixture
def gettext_tools():
    if shutil.which("xgettext"):
        return
    if os.environ.get("CI"):
        pytest.fail("CI checks the Persian catalogue with makemessages, and xgettext is missing")
    pytest.skip(
        "GNU gettext's xgettext not found: install it (Debian: apt-get install gettext) "
        "to check the Persian catalogue against what makemessages extracts"
    )


def extracted_messages(tmp_path, settings, monkeypatch):
    """What `makemessages -l fa` extracts from the product, written only under tmp_path.

    makemessages writes next to the nearest `locale` folder above each file, and always counts
    ./locale as one, whatever LOCALE_PATHS says: run from the checkout, it would rewrite the
    committed catalogue. So it runs from a folder of links to the checkout's files, without
    locale/, and writes into LOCALE_PATHS[0], a temporary folder."""
    source = tmp_path / "source"
    source.mkdir()
    for entry in BASE_DIR.iterdir():
        if entry.name != "locale":
            (source / entry.name).symlink_to(entry)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(source)
    call_command(
        "makemessages",
        locale=["fa"],
        domain="django",
        ignore_patterns=NOT_THE_PRODUCT,
        symlinks=True,
        keep_pot=True,
        verbosity=0,
    )
    return polib.pofile(str(tmp_path / "locale" / "django.pot"))


def committed_locale():
    return {path: path.read_bytes() for path in LOCALE.rglob("*") if path.is_file()}


def describe(entry):
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    plural = f" / {entry.msgid_plural!r}" if entry.msgid_plural else ""
    return f"{context}{entry.msgid!r}{plural} ({entry.occurrences[0][0]})"


def test_every_string_makemessages_extracts_has_a_persian_translation_in_the_compiled_catalogue(
    gettext_tools, tmp_path, settings, monkeypatch
):
    before = committed_locale()
    extracted = extracted_messages(tmp_path, settings, monkeypatch)
    compiled = polib.mofile(str(COMPILED))
    plural_forms = int(re.search(r"nplurals=(\d+)", compiled.metadata["Plural-Forms"])[1])
    translations = {(entry.msgctxt, entry.msgid): entry for entry in compiled}

    def translated(message):
        entry = translations.get((message.msgctxt, message.msgid))
        if entry is None:
            return False
        if message.msgid_plural:
            forms = [entry.msgstr_plural.get(n, "") for n in range(plural_forms)]
            return entry.msgid_plural == message.msgid_plural and all(forms)
        return bool(entry.msgstr)

    missing = [describe(message) for message in extracted if not translated(message)]

    assert committed_locale() == before, "makemessages wrote into the committed locale/"
    # The extraction read the templates, the e-mail templates and the Python code.
    assert {".html", ".txt", ".py"} <= {
        Path(path).suffix for e in extracted for path, _ in e.occurrences
    }
    assert missing == [], (
        f"{len(missing)} of {len(extracted)} strings have no Persian translation: run "
        f"{MAKEMESSAGES}, translate them in locale/fa/LC_MESSAGES/django.po and remove any "
        "fuzzy flag once checked:\n" + "\n".join(missing)
    )


@pytest.fixture
def persian_home(home_page):
    translate(home_page, "fa", title="سازمان آزمایشی")
    return home_page


def test_persian_pages_are_right_to_left_with_persian_interface_strings(client, persian_home):
    page = parse(client.get("/fa/"))

    assert (page.html["lang"], page.html["dir"]) == ("fa", "rtl")
    assert page.select_one(".skip-link").get_text() == "پرش به محتوای اصلی"
    assert page.select_one(".site-search button").get_text() == "جست‌وجو"


def test_english_pages_keep_english_interface_strings(client, persian_home):
    page = parse(client.get("/"))

    assert (page.html["lang"], page.html["dir"]) == ("en", "ltr")
    assert page.select_one(".skip-link").get_text() == "Skip to main content"


def test_the_persian_not_found_page_is_in_persian(client, persian_home):
    response = client.get("/fa/no-such-page/")

    assert response.status_code == 404
    assert parse(response).h1.get_text(strip=True) == "صفحه پیدا نشد"


def test_persian_search_answers_in_persian(client, persian_home):
    page = parse(client.get("/fa/search/?q=zebra"))

    assert "هیچ صفحه‌ای با «zebra» جور نیست" in page.get_text()


def test_persian_pagination_counts_in_persian_digits(client, persian_home):
    import datetime

    from wagtail.models import Locale

    from campaigns.models import Development
    from tests.builders import make_timeline_page

    translate(make_timeline_page(persian_home), "fa")
    Development.objects.bulk_create(
        Development(
            date=datetime.date(2003, 1, 1),
            headline=f"رویداد {n}",
            locale=Locale.objects.get(language_code="fa"),
            live=True,
        )
        for n in range(21)
    )

    current = parse(client.get("/fa/timeline/")).select_one(".pagination [aria-current]")

    assert current.get_text() == "صفحهٔ ۱ از ۲"


def language_links(response):
    page = parse(response)
    links = [(a["hreflang"], a["href"]) for a in page.select("nav.language-links a")]
    alternates = [
        (link["hreflang"], link["href"]) for link in page.select("link[rel=alternate][hreflang]")
    ]
    return links, alternates


def test_the_language_links_lead_to_the_translation_of_the_same_page(client, persian_home):
    from tests.builders import make_content_page

    aims = make_content_page(persian_home, "Aims")
    translate(aims, "fa", title="اهداف", slug="aims-fa")

    english = language_links(client.get("/aims/"))
    persian = language_links(client.get("/fa/aims-fa/"))

    assert english == (
        [("fa", "/fa/aims-fa/")],
        [("en", "http://testserver/aims/"), ("fa", "http://testserver/fa/aims-fa/")],
    )
    assert persian[0] == [("en", "/aims/")]


def test_an_untranslated_page_links_to_the_persian_home_and_claims_no_alternate(
    client, persian_home
):
    from tests.builders import make_content_page

    make_content_page(persian_home, "Aims")

    assert language_links(client.get("/aims/")) == ([("fa", "/fa/")], [])


def test_the_home_pages_link_to_each_other(client, persian_home):
    assert language_links(client.get("/"))[0] == [("fa", "/fa/")]
    assert language_links(client.get("/fa/"))[0] == [("en", "/")]


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_editors_and_moderators_translate_pages_into_persian(
    client, django_user_model, persian_home, group
):
    from django.contrib.auth.models import Group
    from wagtail.models import Locale, Page

    from tests.builders import make_content_page

    person = django_user_model.objects.create_user("translator", password="x")
    person.groups.add(Group.objects.get(name=group))
    client.force_login(person)
    aims = make_content_page(persian_home, "Aims")
    persian = Locale.objects.get(language_code="fa")

    form = client.get(f"/admin/localize/submit/page/{aims.pk}/")
    client.post(f"/admin/localize/submit/page/{aims.pk}/", {"locales": [persian.pk]})

    assert form.status_code == 200
    copy = Page.objects.get(translation_key=aims.translation_key, locale=persian)
    assert not copy.live  # a draft, which goes through moderation like any page
