"""Search in Persian finds a word however it was typed: Arabic or Persian letters, digits in any
of three scripts, with a half-space, a space or neither; on SQLite and on PostgreSQL alike."""

import pytest
from django.db import connection
from django.urls import reverse
from wagtail.models import Locale, Page
from wagtail.rich_text import RichText

from base.search import index_text, normalise
from campaigns.models import Development
from tests.builders import (
    make_appeal,
    make_appeal_index,
    make_content_page,
    make_development,
    translate,
)
from tests.html import links, parse

ZWNJ = "\u200c"


def body(text):
    return [("paragraph", RichText(f"<p>{text}</p>"))]


def results(response):
    listing = parse(response).select_one("ol.search-results")
    return sorted(text for _href, text in links(listing)) if listing else []


def count_heading(response):
    return parse(response).select("main h2")[-1].get_text(strip=True)


def persian_search(client, query):
    return results(client.get("/fa/search/", {"q": query}))


@pytest.fixture
def persian_home(home_page):
    return translate(home_page, "fa", title="خانه")


def persian_page(persian_home, title, text, slug):
    return make_content_page(persian_home, title, slug=slug, body=body(text))


# normalise()


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("علي", "علی"),  # Arabic yeh
        ("موسى", "موسی"),  # alef maksura
        ("كودك", "کودک"),  # Arabic kaf
        ("ﻛﻮﺩﻙ", "کودک"),  # presentation forms, as copied from a PDF
        ("مُحَمَّد", "محمد"),  # harakat
        ("كـــتاب", "کتاب"),  # tatweel
        ("مدرسة", "مدرسه"),  # teh marbuta
        ("خانۀ خانهٔ", "خانه خانه"),  # ezafe, precomposed and with hamza above
        ("تأثیر مؤسسه پائیز", "تاثیر موسسه پاییز"),  # hamza carriers
        ("۲۰۰۳ ٢٠٠٣", "2003 2003"),  # Persian and Arabic-Indic digits
        (f"می{ZWNJ}خواهند", "می خواهند"),  # half-space
        ("می\u200bخواهند", "می خواهند"),  # zero-width space in its place
        ("\u202bکتاب\u200d\u200f\ufeff\u00ad", "کتاب"),  # invisible formatting
    ],
)
def test_normalise_gives_persian_one_spelling(typed, searched):
    assert normalise(typed) == searched


def test_normalise_keeps_the_letters_persian_has_of_its_own():
    assert normalise("آب پژوهش گچ چای") == "آب پژوهش گچ چای"


def test_normalise_leaves_latin_text_as_it_is():
    text = "Families’ visits: Café™ in 2003 – e.g. m² (½ day)"

    assert normalise(text) == text


def test_normalising_twice_changes_nothing_more():
    text = f"كُـتاب{ZWNJ}هاي ٢٠٠٣ مؤسسة ﻛﻮﺩﻙ"

    assert normalise(normalise(text)) == normalise(text)


def test_indexed_text_keeps_half_spaced_words_written_solid_as_well():
    assert index_text(f"کتاب{ZWNJ}ها و می{ZWNJ}خواهند") == ("کتاب ها و می خواهند کتابها میخواهند")
    assert index_text("Families’ visits") == "Families’ visits"


# Searching the site


def test_a_query_typed_on_an_arabic_keyboard_finds_persian_text(client, persian_home):
    persian_page(persian_home, "ملاقات", "ملاقات کودکان با زندانیان", "visits")
    persian_page(persian_home, "اهداف", "بازگشت خانواده", "aims")

    assert persian_search(client, "كودكان زندانيان") == ["ملاقات"]


def test_persian_text_typed_on_an_arabic_keyboard_is_found_by_a_persian_query(client, persian_home):
    persian_page(persian_home, "كتابخانه عمومي", f"نامه{ZWNJ}اي به مدير", "library")

    assert persian_search(client, "کتابخانه") == ["كتابخانه عمومي"]
    assert persian_search(client, f"نامه{ZWNJ}ای مدیر") == ["كتابخانه عمومي"]


def test_harakat_and_tatweel_neither_hide_nor_split_a_word(client, persian_home):
    persian_page(persian_home, "بیانیه", "سخنان مُحَمَّد در جلسه", "statement")

    assert persian_search(client, "محمد") == ["بیانیه"]
    assert persian_search(client, "مُحـمّد") == ["بیانیه"]


def test_years_match_in_persian_arabic_indic_and_ascii_digits(client, persian_home):
    persian_page(persian_home, "گزارش اول", "دیدار در سال ۲۰۰۳", "first")
    persian_page(persian_home, "گزارش دوم", "دیدار در سال ٢٠٠٣", "second")
    persian_page(persian_home, "گزارش سوم", "دیدار در سال 2003", "third")
    persian_page(persian_home, "گزارش دیگر", "دیدار در سال ۲۰۰۴", "other")

    for year in ["۲۰۰۳", "٢٠٠٣", "2003"]:
        assert persian_search(client, year) == ["گزارش اول", "گزارش دوم", "گزارش سوم"], year


def test_a_half_space_and_a_space_find_each_other_and_solid_queries_find_half_spaces(
    client, persian_home
):
    persian_page(persian_home, "نیم‌فاصله", f"خانواده دیدار می{ZWNJ}خواهند", "half")
    persian_page(persian_home, "فاصله", "خانواده دیدار می خواهند", "space")
    persian_page(persian_home, "سرهم", "خانواده دیدار میخواهند", "solid")

    assert persian_search(client, f"می{ZWNJ}خواهند") == ["فاصله", "نیم‌فاصله"]
    assert persian_search(client, "می خواهند") == ["فاصله", "نیم‌فاصله"]
    assert persian_search(client, "میخواهند") == ["سرهم", "نیم‌فاصله"]


def test_a_word_finds_its_half_spaced_plural(client, persian_home):
    persian_page(persian_home, "اهداف", f"دیدار خانواده{ZWNJ}ها", "aims")

    assert persian_search(client, "خانواده") == ["اهداف"]


def test_persian_appeals_and_developments_are_found_however_their_words_were_typed(
    client, persian_home, home_page
):
    fa = Locale.objects.get(language_code="fa")
    translate(make_appeal_index(home_page), "fa", title="فراخوان‌ها")
    make_appeal(
        "نامه به گزارشگر ويژه",
        slug="letter",
        locale=fa,
        ask="از او بخواهيد ملاقات كودكان را ممكن كند.",
    )
    make_development("دیدار کودکان با پدرانشان", locale=fa)
    make_development("Children visit their fathers")

    page = parse(client.get("/fa/search/", {"q": "ملاقات کودکان"}))
    assert [h.get_text(strip=True) for h in page.select(".appeal-card h3")] == [
        "نامه به گزارشگر ويژه"
    ]
    page = parse(client.get("/fa/search/", {"q": "كودكان"}))
    assert [h.get_text(strip=True) for h in page.select(".timeline-entry h3")] == [
        "دیدار کودکان با پدرانشان"
    ]


def test_the_backend_normalises_queries_for_the_admin_and_autocomplete_too(persian_home):
    persian_page(persian_home, "ملاقات", "ملاقات کودکان با زندانیان", "visits")
    make_development("دیدار کودکان", locale=Locale.objects.get(language_code="fa"))

    assert [page.title for page in Page.objects.search("كودكان")] == ["ملاقات"]
    assert [d.headline for d in Development.objects.autocomplete("ديدار كود")] == ["دیدار کودکان"]


def test_the_admin_page_search_finds_persian_typed_on_an_arabic_keyboard(
    client, persian_home, admin_user
):
    persian_page(persian_home, "ملاقات کودکان", "با زندانیان", "visits")
    client.force_login(admin_user)

    response = client.get(reverse("wagtailadmin_pages:search"), {"q": "كودكان"})

    assert response.status_code == 200
    assert "ملاقات کودکان" in parse(response).select_one("main").get_text()


def test_persian_result_counts_are_in_persian_digits(client, persian_home):
    for number in range(3):
        persian_page(persian_home, f"دیدار {number}", "دیدار کودکان", f"visit-{number}")

    response = client.get("/fa/search/", {"q": "كودكان"})

    assert count_heading(response) == "۳ صفحه با «كودكان» جور است"


# English is searched as before


def test_english_search_is_unaffected(client, home_page, persian_home):
    make_content_page(home_page, "Visits", body=body("Families visiting Baghdad in 2003."))
    make_content_page(home_page, "Aims", body=body("Reuniting families."))

    one = client.get("/search/", {"q": "Families 2003"})
    two = client.get("/search/", {"q": "families"})

    assert results(one) == ["Visits"]
    assert count_heading(one) == "One page matches “Families 2003”"
    assert results(two) == ["Aims", "Visits"]
    assert count_heading(two) == "2 pages match “families”"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite search does not stem")
def test_english_words_are_still_stemmed_on_postgresql(client, home_page):
    make_content_page(home_page, "Visits", body=body("Families visiting Baghdad."))

    assert results(client.get("/search/", {"q": "family visits"})) == ["Visits"]
