"""The public site's interface in Persian: every string translated, right to left, under /fa/."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.builders import translate
from tests.html import parse

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "fa" / "LC_MESSAGES" / "django.po"
# Templates of the admin (Wagtail's own language files cover the rest of it) and of previews.
NOT_PUBLIC = ("templates/campaigns/admin/", "templates/campaigns/previews/")
TRANSLATE_TAG = re.compile(r"""{% translate (["'])(.+?)\1""")


def public_occurrences(entry):
    return [
        path
        for path, _line in entry.occurrences
        if path.startswith("templates/") and not path.startswith(NOT_PUBLIC)
    ]


def test_every_interface_string_of_the_public_templates_has_a_persian_translation():
    catalogue = polib.pofile(str(CATALOGUE))
    missing = [
        entry.msgid for entry in catalogue if public_occurrences(entry) and not entry.translated()
    ]

    assert missing == []


def test_the_catalogue_has_every_string_the_templates_translate():
    msgids = {entry.msgid for entry in polib.pofile(str(CATALOGUE))}
    templates = Path(settings.BASE_DIR) / "templates"
    used = {
        match.group(2)
        for template in templates.rglob("*.html")
        for match in TRANSLATE_TAG.finditer(template.read_text())
    }

    assert used - msgids == set(), "run makemessages -l fa and translate the new strings"


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

    form = client.get(f"/admin/translation/submit/page/{aims.pk}/")
    client.post(f"/admin/translation/submit/page/{aims.pk}/", {"locales": [persian.pk]})

    assert form.status_code == 200
    copy = Page.objects.get(translation_key=aims.translation_key, locale=persian)
    assert not copy.live  # a draft, which goes through moderation like any page
