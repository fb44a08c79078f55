"""The demo site as readers and editors meet it, in English and Persian, built once for the module
(tests/test_load_demo_content.py runs the command itself)."""

import json
import re

import pytest
from wagtail.models import Locale, Page, Site
from wagtail_localize.models import Translation

from advocacy.demo_content.statement import plain_text
from advocacy.models import ContentPage, FAQPage, HomePage, SiteText
from campaigns.models import Appeal
from tests.html import errors_in, links, parse, site_name
from tests.test_family_contact_form import PERSIAN_URL, SENT, URL, send

pytestmark = pytest.mark.django_db


def test_demo_content_replaces_the_welcome_page_as_the_site_root(client, demo_site):
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()
    page = parse(client.get("/"))
    assert site_name(page) == ("/", "Iran-Interlink")
    assert ("/aims/", "Aims") in links(page.select_one("nav.site-nav"))


def test_demo_content_builds_the_organisations_pages_in_the_main_navigation(client, demo_site):
    nav = parse(client.get("/")).select_one("nav.site-nav")
    assert links(nav) == [
        ("/", "Home"),
        ("/aims/", "Aims"),
        ("/campaigns/", "Campaigns"),
        ("/timeline/", "Timeline"),
        ("/appeals/", "Appeals"),
        ("/our-point-of-view/", "Our point of view"),
        ("/faq/", "Frequently asked questions"),
        ("/about/", "About and contact"),
    ]
    aims = parse(client.get("/aims/"))
    assert len(links(aims.select_one("nav.contents-bar"))) == 4
    faq = parse(client.get("/faq/"))
    assert len(links(faq.select_one("nav.question-list"))) == 3
    teaser = parse(client.get("/")).select_one("section.about")
    assert ("/aims/", "Read more: Aims") in links(teaser)


def test_demo_content_builds_the_family_contact_campaign(client, demo_site):
    page = parse(client.get("/campaigns/family-contact/"))
    assert [text for _href, text in links(page.select_one("nav.contents-bar"))] == [
        "Act now",
        "Families appeal to the United Nations",
        "An invitation to visit the camps",
        "Our response",
        "Obstacles",
        "Recent developments",
    ]
    statement = page.select_one(".document-link")
    assert "(PDF, 2 KB)" in statement.get_text(" ", strip=True)
    document = client.get(statement.a["href"])
    assert document["Content-Type"] == "application/pdf"
    assert b"".join(document.streaming_content).startswith(b"%PDF-1.4")
    # The appeal is in the "Act now" box at the top, and not again where the body names it.
    assert page.select("aside.call-to-action") == []
    appeal_page = parse(client.get(page.select_one(".act-now a.button")["href"]))
    assert "Mr Andreas Mavrommatis" in appeal_page.select_one("main").get_text()
    assert "UN Special Rapporteur" in appeal_page.select_one("main").get_text()
    action = client.get(appeal_page.select_one(".appeal-action a")["href"])
    assert action["Location"].startswith("mailto:special-rapporteur-iraq@un.example?subject=")
    dates = [t.get_text() for t in page.select(".campaign-timeline time")]
    assert dates == ["24 July 2003", "17 July 2003", "May 2003", "October 2002"]
    featured = parse(client.get("/")).select_one("ul.cards")
    assert links(featured) == [("/campaigns/family-contact/", "Family Contact")]


def test_demo_content_passes_the_blocks_own_validation(demo_site):
    for page in [*ContentPage.objects.all(), *FAQPage.objects.all()]:
        stream = page.body if isinstance(page, ContentPage) else page.questions
        stream.stream_block.clean(stream)  # raises on a bad or duplicate anchor


def test_demo_content_has_a_persian_home_page(client, demo_site):
    page = parse(client.get("/fa/"))

    assert (page.html["lang"], page.html["dir"]) == ("fa", "rtl")
    assert page.h1.get_text() == "ایران اینترلینک"


def test_demo_content_has_the_family_contact_campaign_in_persian(client, demo_site):
    page = parse(client.get("/fa/campaigns/family-contact/"))
    assert (page.html["lang"], page.h1.get_text()) == ("fa", "ارتباط خانوادگی")
    assert [text for _href, text in links(page.select_one("nav.contents-bar"))] == [
        "همین حالا اقدام کنید",
        "خانواده‌ها از سازمان ملل یاری می‌خواهند",
        "دعوت به دیدار از اردوگاه‌ها",
        "پاسخ ما",
        "موانع",
        "رویدادهای اخیر",
    ]
    # Latin acronyms in Persian text are isolated, so their brackets stay where they belong.
    assert '(<bdi lang="en">ICRC</bdi>)،' in str(page.select_one("main"))
    assert page.select("aside.call-to-action") == []
    assert "از سازمان ملل بخواهید" in page.select_one(".act-now").get_text()
    appeal_page = parse(client.get(page.select_one(".act-now a.button")["href"]))
    assert '<bdi lang="en">Andreas Mavrommatis</bdi>' in str(appeal_page.select_one("main"))
    dates = [t.get_text() for t in page.select(".campaign-timeline time")]
    assert dates == [
        "۲ مرداد ۱۳۸۲ (۲۴ ژوئیه ۲۰۰۳)",
        "۲۶ تیر ۱۳۸۲ (۱۷ ژوئیه ۲۰۰۳)",
        "اردیبهشت–خرداد ۱۳۸۲ (مه ۲۰۰۳)",
        "مهر–آبان ۱۳۸۱ (اکتبر ۲۰۰۲)",
    ]
    home = parse(client.get("/fa/"))
    assert links(home.select_one("ul.cards")) == [
        ("/fa/campaigns/family-contact/", "ارتباط خانوادگی")
    ]
    assert links(home.select_one("nav.site-nav")) == [
        ("/fa/", "خانه"),
        ("/fa/aims/", "اهداف"),
        ("/fa/campaigns/", "کارزارها"),
        ("/fa/timeline/", "گاه‌شمار"),
        ("/fa/appeals/", "فراخوان‌ها"),
        ("/fa/our-point-of-view/", "دیدگاه ما"),
        ("/fa/faq/", "پرسش‌های رایج"),
        ("/fa/about/", "دربارهٔ ما و تماس با ما"),
    ]


PERSIAN_LETTERS = re.compile(r"[\u0600-\u06ff]")
LATIN_LETTERS = re.compile(r"[A-Za-z]")


def reads_as_persian(text):
    """Persian letters, and no Latin ones but in names and acronyms (ICRC, Tor Browser): many
    more Persian letters than Latin."""
    return len(PERSIAN_LETTERS.findall(text)) > 10 * len(LATIN_LETTERS.findall(text))


def test_every_english_demo_page_has_a_live_persian_translation_at_its_persian_address(
    client, demo_site
):
    persian = Locale.objects.get(language_code="fa")
    english = Page.objects.filter(locale__language_code="en", live=True, depth__gt=1)

    assert english.count() >= 12  # home, aims, campaigns and below, faq, privacy, about …
    for page in english.specific():
        translation = page.get_translation_or_none(persian)
        assert translation is not None and translation.live, page.url
        assert translation.url == "/fa" + page.url
        response = client.get(translation.url)
        assert response.status_code == 200, translation.url
        assert parse(response).html["lang"] == "fa"


def test_the_persian_menu_lists_the_same_pages_as_the_english_one(client, demo_site):
    english = links(parse(client.get("/")).select_one("nav.site-nav"))
    persian = links(parse(client.get("/fa/")).select_one("nav.site-nav"))

    assert len(persian) == len(english) == 8
    assert [href for href, _text in persian] == ["/fa" + href for href, _text in english]


def test_the_persian_pages_keep_the_english_section_anchors(client, demo_site):
    for path in ["/aims/", "/our-point-of-view/", "/privacy/", "/about/", "/faq/"]:
        english = parse(client.get(path)).select("main h2[id]")
        persian = parse(client.get("/fa" + path)).select("main h2[id]")

        assert [h2["id"] for h2 in persian] == [h2["id"] for h2 in english], path
        assert all(reads_as_persian(h2.get_text()) for h2 in persian), path


def test_the_persian_privacy_page_tells_readers_in_persian_how_to_read_safely(client, demo_site):
    page = parse(client.get("/fa/privacy/"))
    section = page.select_one("section[aria-labelledby=reading-safely]")
    text = section.get_text(" ", strip=True)

    assert ("#reading-safely", "خواندن امن") in links(page.select_one("nav.contents-bar"))
    assert reads_as_persian(text)
    assert "Tor Browser" in text
    assert "«ایمن‌ترین»" in text  # its safest setting, with scripts off
    assert "کوکی نمی‌گذارد" in text
    assert "(آینه‌ها)" in text  # where to find its copies if it is blocked


def test_the_privacy_page_says_what_following_by_email_keeps_and_for_how_long(
    client, demo_site, settings
):
    english, persian = (
        parse(client.get(path)).select_one("section[aria-labelledby=if-you-follow-by-email]")
        for path in ["/privacy/", "/fa/privacy/"]
    )
    english_text = english.get_text(" ", strip=True)
    persian_text = persian.get_text(" ", strip=True)

    # The demo text gives the default number of days.
    assert settings.FOLLOW_UNCONFIRMED_DAYS == 3
    for told in [
        "stored encrypted",
        "the language you chose, what you follow",
        "within three days, we delete your address",
        "deletes your address at once",
        "no tracking pixels and no rewritten links",
        "never who",
        "allowed to export it, and each export is recorded",
        "e-mail provider sees your address",
    ]:
        assert told in english_text, told
    assert reads_as_persian(persian_text)
    for told in ["رمزگذاری‌شده", "سه روز", "بی‌درنگ پاک می‌شود", "ردیاب", "ثبت می‌شود"]:
        assert told in persian_text, told
    assert len(persian.select("li")) == len(english.select("li")) == 4


def test_the_persian_faq_gives_search_engines_its_questions_in_persian(client, demo_site):
    def questions(path):
        script = parse(client.get(path)).select_one('script[type="application/ld+json"]')
        return json.loads(script.string)["mainEntity"]

    english, persian = questions("/faq/"), questions("/fa/faq/")

    assert len(persian) == len(english) == 3
    for question in persian:
        assert reads_as_persian(question["name"]), question["name"]
        assert reads_as_persian(question["acceptedAnswer"]["text"])
    assert persian[0]["name"] == "موضع ایران اینترلینک دربارهٔ حکومت ایران چیست؟"


def test_the_about_page_says_who_runs_the_site_and_how_to_write_safely_in_both_languages(
    client, demo_site
):
    english = parse(client.get("/about/"))
    persian = parse(client.get("/fa/about/"))

    assert english.h1.get_text() == "About and contact"
    assert persian.h1.get_text() == "دربارهٔ ما و تماس با ما"
    assert "Iran-Interlink" in english.main.get_text()
    assert "ایران اینترلینک" in persian.main.get_text()
    for page, prefix in [(english, ""), (persian, "/fa")]:
        main = links(page.main)
        assert ("mailto:contact@iran-interlink.example", "contact@iran-interlink.example") in main
        # Requests about a relative go to the form, in the reader's language.
        assert any(href == prefix + "/campaigns/family-contact/ask-for-news/" for href, _ in main)
        assert any(href == prefix + "/privacy/" for href, _ in main)
        assert [h2["id"] for h2 in page.select("main h2[id]")] == [
            "who-runs-this-site",
            "how-to-reach-us",
            "writing-safely",
            "your-messages",
            "other-addresses",
        ]
        # The mirrors the site settings list, under the section that says what they are.
        assert (
            "https://mirror.iran-interlink.example/",
            "https://mirror.iran-interlink.example/",
        ) in main
    assert "not encrypted end to end" in english.main.get_text()
    assert "رمزگذاری سرتاسری ندارد" in persian.main.get_text()


def test_no_persian_demo_page_reads_as_out_of_date(client, django_user_model, demo_site):
    persian = Page.objects.filter(locale__language_code="fa", live=True).specific()

    for page in persian:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        assert parse(response).select_one(".translation-notice") is None, page.url
    appeal = Appeal.objects.get(locale__language_code="fa")
    assert parse(client.get(appeal.get_url())).select_one(".translation-notice") is None
    client.force_login(django_user_model.objects.create_superuser("admin", password="x"))
    panel = parse(client.get("/admin/")).select_one("#outdated-translations-section")
    assert "Every translation is as new as its original." in panel.get_text()


# A Persian heading or question of each translation that was written freely before it was
# written segment for segment.
PERSIAN_HEADINGS = {
    "/fa/aims/": "برای چه کار می‌کنیم",
    "/fa/campaigns/family-contact/": "دعوت به دیدار از اردوگاه‌ها",
    "/fa/campaigns/family-contact/families-meet-in-baghdad/": "چرا اهمیت دارد",
    "/fa/our-point-of-view/": "از جنبشی سیاسی تا یک فرقه",
    "/fa/faq/": "چرا سازمان مجاهدین خلق را فرقه می‌نامید و نه سازمانی سیاسی؟",
    "/fa/privacy/": "خواندن امن",
    "/fa/about/": "چگونه با ما تماس بگیرید",
}


def test_every_persian_demo_translation_can_be_translated_segment_by_segment(client, demo_site):
    """Each Persian page and snippet of the demo splits into the same segments as its English
    original, so wagtail-localize knows it as an enabled translation, with its Persian words."""
    translations = Translation.objects.select_related("source")
    assert translations.count() == 17
    assert [
        str(translation.source.get_source_instance())
        for translation in translations.filter(enabled=False)
    ] == []
    for url, heading in PERSIAN_HEADINGS.items():
        assert heading in parse(client.get(url)).select_one("main").get_text(), url
    appeal = parse(client.get(Appeal.objects.get(locale__language_code="fa").get_url()))
    assert "متن نامه به انگلیسی است" in appeal.select_one("main").get_text()
    campaign = parse(client.get("/fa/campaigns/family-contact/"))
    statement = campaign.select_one(".document-link a").get_text()
    assert statement == "بیانیهٔ ما دربارهٔ دعوت به دیدار از اردوگاه‌ها (به انگلیسی)"


# The family contact form on the demo site


def test_the_demo_site_has_the_form_in_english_and_persian(client, demo_site):
    english = parse(client.get(URL))
    persian = parse(client.get(PERSIAN_URL))

    assert english.h1.get_text() == "Ask for news of a relative"
    assert "two years" in english.select_one("aside.privacy-note").get_text()
    assert persian.h1.get_text() == "درخواست خبر از یکی از بستگان"
    assert (
        persian.select_one("aside.privacy-note h2").get_text() == "چه کسانی پاسخ‌های شما را می‌بینند"
    )


def test_the_form_its_errors_and_the_thank_you_page_are_valid_html(
    client, demo_site, checker, tmp_path
):
    pages = {
        "form": client.get(URL),
        "persian-form": client.get(PERSIAN_URL),
        "errors": send(client, URL, requester_name="", email="x"),
        "persian-errors": send(client, PERSIAN_URL, requester_name=""),
        "sent": client.get(SENT),
    }
    files = []
    for name, response in pages.items():
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)

    assert errors_in(checker, files) == []


def test_the_campaign_page_leads_families_to_the_form_while_requests_are_taken(
    client, demo_site, settings
):
    english = parse(client.get("/campaigns/family-contact/"))
    persian = parse(client.get("/fa/campaigns/family-contact/"))
    settings.FAMILY_CONTACT_REQUESTS = False
    switched_off = parse(client.get("/campaigns/family-contact/"))

    assert english.select_one("#contact-form-heading + p + p a")["href"] == (
        "/campaigns/family-contact/ask-for-news/"
    )
    assert persian.select_one("#contact-form-heading + p + p a")["href"] == (
        "/fa/campaigns/family-contact/ask-for-news/"
    )
    assert switched_off.select_one("#contact-form-heading") is None


def test_the_demo_site_names_the_organisation_in_each_language(client, demo_site):
    english, persian = parse(client.get("/")), parse(client.get("/fa/"))

    assert site_name(english)[1] == "Iran-Interlink"
    assert site_name(persian)[1] == "ایران اینترلینک"
    assert persian.select_one("footer .footer-tagline").get_text().startswith("نقطهٔ تماسی")
    translation = Translation.objects.get(
        source__object_id=SiteText.objects.get(locale__language_code="en").translation_key
    )
    assert translation.enabled


def test_the_statement_is_a_one_page_pdf_in_the_organisations_words(client, demo_site):
    page = parse(client.get("/campaigns/family-contact/"))
    response = client.get(page.select_one(".document-link a")["href"])
    pdf = b"".join(response.streaming_content)

    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    assert b"/Count 1" in pdf and b"/Lang (en)" in pdf
    # Each object starts where the cross-reference table says it does.
    xref = int(pdf[pdf.rindex(b"startxref") :].split()[1])
    table = pdf[xref:].split(b"\n")  # xref, "0 count", the free entry, then one per object
    count = int(table[1].split()[1])
    for number, row in enumerate(table[3 : 2 + count], start=1):
        assert pdf[int(row[:10]) :].startswith(b"%d 0 obj" % number)
    lines = plain_text(pdf)
    assert lines[:2] == [
        "Statement on the invitation to visit the camps",
        "Iran-Interlink - May 2003",
    ]
    text = " ".join(lines[2:])
    for fact in ["Massoud Rajavi", "October 2002", "fifty people", "Red Cross"]:
        assert fact in text
    assert "stands in" not in text and "demo" not in text
    assert len(lines) > 12  # several paragraphs, not a note


def test_every_demo_development_leads_to_where_readers_learn_more(client, demo_site):
    for language, timeline in [("en", "/timeline/"), ("fa", "/fa/timeline/")]:
        entries = parse(client.get(timeline)).select(".timeline-entry")
        assert len(entries) == 4, language
        for entry in entries:
            link = entry.select_one("h3 a")
            assert link is not None, f"{language}: {entry.h3.get_text(strip=True)} leads nowhere"
            assert client.get(link["href"]).status_code == 200, link["href"]
            if language == "fa" and not link["href"].startswith("/documents/"):
                assert link["href"].startswith("/fa/"), link["href"]


def test_the_camp_ashraf_development_leads_to_the_update_that_tells_of_it(client, demo_site):
    for timeline, heading in [
        ("/timeline/", "A week later, at Camp Ashraf"),
        ("/fa/timeline/", "یک هفته بعد، در اردوگاه اشرف"),
    ]:
        entry = parse(client.get(timeline)).select(".timeline-entry")[0]
        update = parse(client.get(entry.select_one("h3 a")["href"]))
        assert heading in [h.get_text(strip=True) for h in update.select("h2")]


def test_the_admin_listings_find_the_demo_appeal_and_developments_by_words_of_their_text(
    admin_client, demo_site
):
    def found(listing, query):
        response = admin_client.get(f"/admin/snippets/campaigns/{listing}/", {"q": query})
        return response.context["object_list"]

    assert {a.locale.language_code for a in found("appeal", "Mavrommatis")} == {"en", "fa"}
    assert [a.locale.language_code for a in found("appeal", "ماوروماتیس")] == ["fa"]
    assert [d.headline for d in found("development", "abused")] == [
        "Visiting families mistreated at Camp Ashraf, Iraq"
    ]
    assert len(found("development", "بدرفتاری")) == 1


def test_the_timeline_by_addition_reads_in_each_language_alone(client, demo_site):
    from tests.test_every_page import foreign_words

    english = client.get("/timeline/?order=added")
    persian = client.get("/fa/timeline/?order=added")

    assert foreign_words(english.content.decode(), "en") == []
    assert foreign_words(persian.content.decode(), "fa") == []
    assert len(parse(persian).select(".timeline-entry")) == 4
