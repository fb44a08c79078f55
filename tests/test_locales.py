import pytest
from wagtail.models import Locale

from tests.builders import make_content_page, translate
from tests.html import parse

pytestmark = pytest.mark.django_db


def test_english_and_persian_locales_exist_from_the_migrations():
    assert sorted(Locale.objects.values_list("language_code", flat=True)) == ["en", "fa"]
    assert Locale.get_default().language_code == "en"


def language_links(response):
    """(href, hreflang, lang, dir, visible text) of each link of the language switch."""
    return [
        (a["href"], a["hreflang"], a["lang"], a["dir"], " ".join(a.get_text().split()))
        for a in parse(response).select("nav.language-links a")
    ]


def test_the_language_link_of_a_translated_page_names_the_language(client, home_page):
    translate(home_page, "fa", title="سازمان آزمایشی")
    translate(make_content_page(home_page, "Aims"), "fa", title="اهداف", slug="aims")

    assert language_links(client.get("/aims/")) == [("/fa/aims/", "fa", "fa", "rtl", "فارسی")]
    assert language_links(client.get("/fa/aims/")) == [("/aims/", "en", "en", "ltr", "English")]


def test_the_language_link_of_an_english_only_page_says_in_persian_where_it_leads(
    client, home_page
):
    translate(home_page, "fa", title="سازمان آزمایشی")
    make_content_page(home_page, "Aims")

    assert language_links(client.get("/aims/")) == [
        (
            "/fa/",
            "fa",
            "fa",
            "rtl",
            "فارسی: این صفحه هنوز به فارسی ترجمه نشده است — رفتن به صفحهٔ اصلی فارسی",
        )
    ]


def test_the_language_link_of_a_persian_only_page_says_in_english_where_it_leads(client, home_page):
    persian_home = translate(home_page, "fa", title="سازمان آزمایشی")
    make_content_page(persian_home, "Only in Persian", slug="fa-only")

    assert language_links(client.get("/fa/fa-only/")) == [
        (
            "/",
            "en",
            "en",
            "ltr",
            "English: this page is not translated yet — go to the English home page",
        )
    ]
