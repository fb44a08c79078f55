"""Latin names and acronyms in Persian pages are isolated (base/bidi.py), so the brackets
and commas around them stay in their places in the right-to-left sentence."""

import pytest
from wagtail.models import Locale
from wagtail.rich_text import RichText

from advocacy.models import SiteSettings
from base.bidi import isolate_latin_runs
from tests.builders import make_content_page, set_site_text, translate
from tests.html import parse


@pytest.mark.parametrize(
    ("html", "isolated"),
    [
        # Acronyms are Latin on purpose, and say they are English.
        (
            "سازمان ملل (UN)، و ICRC.",
            'سازمان ملل (<bdi lang="en">UN</bdi>)، و <bdi lang="en">ICRC</bdi>.',
        ),
        # So is a name's or a term's original in brackets after its Persian form.
        (
            "آندریاس ماوروماتیس (Andreas Mavrommatis)، «ایمن‌ترین» (Safest)",
            'آندریاس ماوروماتیس (<bdi lang="en">Andreas Mavrommatis</bdi>)، '
            '«ایمن‌ترین» (<bdi lang="en">Safest</bdi>)',
        ),
        # A name with its title and initials is one run; the Persian comma after it is not.
        # Not in brackets after its Persian form, it is not marked as English on purpose.
        (
            "خطاب به Mr A. Mavrommatis، گزارشگر",
            "خطاب به <bdi>Mr A. Mavrommatis</bdi>، گزارشگر",
        ),
        # Escaped characters inside a name stay inside it; entities are never taken as words.
        ("AT&amp;T و O&#x27;Brien", '<bdi lang="en">AT&amp;T</bdi> و <bdi>O&#x27;Brien</bdi>'),
        ("&quot;کارزار&quot; &amp; دیگر", "&quot;کارزار&quot; &amp; دیگر"),
        ("UN 2003 و ۱۳۸۲", '<bdi lang="en">UN 2003</bdi> و ۱۳۸۲'),
        ("Update 2003", "<bdi>Update 2003</bdi>"),
        # An e-mail address is one run, in its own order.
        (
            "به نشانی contact@iran-interlink.example بنویسید.",
            'به نشانی <bdi dir="ltr">contact@iran-interlink.example</bdi> بنویسید.',
        ),
    ],
)
def test_latin_runs_in_persian_text_are_isolated(html, isolated):
    assert isolate_latin_runs(html) == isolated


def test_tags_attributes_and_text_only_elements_are_left_alone():
    html = (
        '<a href="/en/About" title="About us" class="x">درباره</a>'
        '<option>Family Contact</option><textarea>Dear Sir</textarea><bdi lang="en">UN</bdi>'
    )

    assert isolate_latin_runs(html) == html


@pytest.mark.django_db
def test_persian_pages_isolate_latin_names_and_english_pages_do_not(client, home_page):
    body = [("paragraph", RichText("<p>Families wrote to the ICRC and the UN.</p>"))]
    page = make_content_page(home_page, "Aims", body=body)
    translate(home_page, "fa", title="سازمان آزمایشی")
    text = "<p>خانواده‌ها به کمیتهٔ بین‌المللی صلیب سرخ (ICRC) و سازمان ملل (UN) نوشتند.</p>"
    translate(page, "fa", title="اهداف", body=[("paragraph", RichText(text))])

    persian = parse(client.get("/fa/aims/")).select_one("main .rich-text, main")
    english = client.get("/aims/").content.decode()

    assert [bdi.get_text() for bdi in persian.select("bdi")] == ["ICRC", "UN"]
    assert "<bdi>" not in english


@pytest.mark.parametrize(
    ("html", "isolated"),
    [
        # An e-mail address is one left-to-right unit, not two names either side of an "@".
        (
            "به contact@iran-interlink.example بنویسید.",
            'به <bdi dir="ltr">contact@iran-interlink.example</bdi> بنویسید.',
        ),
        # A web address keeps its "/", "?" and "&amp;"; the full stop after it is the sentence's.
        (
            "ببینید https://example.org/fa/aims/?a=1&amp;b=2.",
            'ببینید <bdi dir="ltr">https://example.org/fa/aims/?a=1&amp;b=2</bdi>.',
        ),
        ("(www.iran-interlink.example)", '(<bdi dir="ltr">www.iran-interlink.example</bdi>)'),
        # A telephone number is not ordered group by group from the right.
        (
            "تلفن: +44 20 7946 0123، از Mr A. Smith",
            'تلفن: <bdi dir="ltr">+44 20 7946 0123</bdi>، از <bdi>Mr A. Smith</bdi>',
        ),
        # A Latin name next to an address is still a name of its own.
        (
            "Jane Doe (jane.doe@example.org)، 020 7946 0123",
            '<bdi>Jane Doe</bdi> (<bdi dir="ltr">jane.doe@example.org</bdi>)، '
            '<bdi dir="ltr">020 7946 0123</bdi>',
        ),
        # Years are not telephone numbers.
        ("از 2003 تا ۱۳۸۲", "از 2003 تا ۱۳۸۲"),
    ],
)
def test_addresses_and_telephone_numbers_are_one_left_to_right_unit(html, isolated):
    assert isolate_latin_runs(html) == isolated


@pytest.mark.django_db
def test_the_footer_address_is_one_left_to_right_link_on_persian_pages(client, home_page):
    site_settings = SiteSettings.for_site(home_page.get_site())
    site_settings.contact_email = "contact@iran-interlink.example"
    site_settings.save()
    set_site_text(Locale.get_default(), postal_address="BM Box 1234\nLondon WC1N 3XX")
    translate(home_page, "fa", title="سازمان آزمایشی")

    footer = parse(client.get("/fa/")).select_one("footer address")

    email = footer.select_one('a[href="mailto:contact@iran-interlink.example"]')
    assert email["dir"] == "ltr"
    assert [bdi.get_text() for bdi in email.select("bdi")] in ([], [email.get_text()])
    assert [line.get_text() for line in footer.select('span[dir="auto"]')] == [
        "BM Box 1234",
        "London WC1N 3XX",
    ]
