import io

import pytest
from django.core.management import call_command
from wagtail.documents.models import Document
from wagtail.models import Page, Site

from advocacy.models import ContentPage, FAQPage, FeaturedCampaign, HomePage, SiteSettings
from campaigns.models import Appeal, Development
from tests.html import links, parse, site_name

pytestmark = pytest.mark.django_db


def site_tree():
    return sorted(
        (page.url_path, page.title, page.live, page.locale.language_code, page.content_type.model)
        for page in Page.objects.select_related("locale", "content_type")
    )


def load(*args):
    call_command("load_demo_content", *args, stdout=io.StringIO())


def test_demo_content_replaces_the_welcome_page_as_the_site_root(client):
    load()

    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()
    page = parse(client.get("/"))
    assert site_name(page) == ("/", "Iran-Interlink")
    assert ("/aims/", "Aims") in links(page.select_one("nav.site-nav"))


def test_demo_content_builds_the_organisations_pages_in_the_main_navigation(client):
    load()

    nav = parse(client.get("/")).select_one("nav.site-nav")
    assert links(nav) == [
        ("/", "Home"),
        ("/aims/", "Aims"),
        ("/campaigns/", "Campaigns"),
        ("/timeline/", "Timeline"),
        ("/appeals/", "Appeals"),
        ("/our-point-of-view/", "Our point of view"),
        ("/faq/", "Frequently asked questions"),
    ]
    aims = parse(client.get("/aims/"))
    assert len(links(aims.select_one("nav.contents-bar"))) == 4
    faq = parse(client.get("/faq/"))
    assert len(links(faq.select_one("nav.question-list"))) == 3
    teaser = parse(client.get("/")).select_one("section.about")
    assert ("/aims/", "Read more: Aims") in links(teaser)


def test_demo_content_builds_the_family_contact_campaign(client):
    load()

    page = parse(client.get("/campaigns/family-contact/"))
    assert [text for _href, text in links(page.select_one("nav.contents-bar"))] == [
        "Families appeal to the United Nations",
        "An invitation to visit the camps",
        "Our response",
        "Obstacles",
    ]
    statement = page.select_one(".document-link")
    assert "(PDF, 1 KB)" in statement.get_text(" ", strip=True)
    document = client.get(statement.a["href"])
    assert document["Content-Type"] == "application/pdf"
    assert b"".join(document.streaming_content).startswith(b"%PDF-1.4")
    cta = page.select_one("aside.call-to-action")
    assert "Mr Andreas Mavrommatis" in cta.get_text()
    assert "UN Special Rapporteur" in cta.get_text()
    action = client.get(cta.select_one(".appeal-action a")["href"])
    assert action["Location"].startswith("mailto:special-rapporteur-iraq@un.example?subject=")
    dates = [t.get_text() for t in page.select(".campaign-timeline time")]
    assert dates == ["24 July 2003", "17 July 2003", "May 2003", "October 2002"]
    featured = parse(client.get("/")).select_one("ul.cards")
    assert links(featured) == [("/campaigns/family-contact/", "Family Contact")]


def test_demo_content_passes_the_blocks_own_validation():
    load()

    for page in [*ContentPage.objects.all(), *FAQPage.objects.all()]:
        stream = page.body if isinstance(page, ContentPage) else page.questions
        stream.stream_block.clean(stream)  # raises on a bad or duplicate anchor


def test_demo_content_has_a_persian_home_page(client):
    load()

    page = parse(client.get("/fa/"))

    assert (page.html["lang"], page.html["dir"]) == ("fa", "rtl")
    assert page.h1.get_text() == "ایران اینترلینک"


def test_demo_content_has_the_family_contact_campaign_in_persian(client):
    load()

    page = parse(client.get("/fa/campaigns/family-contact/"))
    assert (page.html["lang"], page.h1.get_text()) == ("fa", "ارتباط خانوادگی")
    assert [text for _href, text in links(page.select_one("nav.contents-bar"))] == [
        "خانواده‌ها از سازمان ملل یاری می‌خواهند",
        "دعوت به دیدار از اردوگاه‌ها",
        "پاسخ ما",
        "موانع",
    ]
    # Latin acronyms in Persian text are isolated, so their brackets stay where they belong.
    assert "(<bdi>ICRC</bdi>)،" in str(page.select_one("main"))
    cta = page.select_one("aside.call-to-action")
    assert "از سازمان ملل بخواهید" in cta.get_text()
    assert "<bdi>Andreas Mavrommatis</bdi>" in str(cta)
    dates = [t.get_text() for t in page.select(".campaign-timeline time")]
    assert dates == [
        "۲ مرداد ۱۳۸۲ (۲۴ ژوئیه ۲۰۰۳)",
        "۲۶ تیر ۱۳۸۲ (۱۷ ژوئیه ۲۰۰۳)",
        "مه ۲۰۰۳ (اردیبهشت–خرداد ۱۳۸۲)",
        "اکتبر ۲۰۰۲ (مهر–آبان ۱۳۸۱)",
    ]
    home = parse(client.get("/fa/"))
    assert links(home.select_one("ul.cards")) == [
        ("/fa/campaigns/family-contact/", "ارتباط خانوادگی")
    ]
    assert links(home.select_one("nav.site-nav")) == [
        ("/fa/", "خانه"),
        ("/fa/campaigns/", "کارزارها"),
        ("/fa/timeline/", "گاه‌شمار"),
        ("/fa/appeals/", "فراخوان‌ها"),
    ]


def test_no_persian_demo_page_reads_as_out_of_date(client, django_user_model):
    load()
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


def test_running_load_demo_content_twice_leaves_the_same_pages():
    load()
    pages, settings_rows = site_tree(), SiteSettings.objects.count()

    load()

    assert site_tree() == pages
    assert SiteSettings.objects.count() == settings_rows == 1
    # Each development and the appeal in English and Persian; one statement for both.
    assert (Development.objects.count(), Appeal.objects.count(), Document.objects.count()) == (
        6,
        2,
        1,
    )
    assert FeaturedCampaign.objects.count() == 2  # the Persian home keeps the English choice
    assert ContentPage.objects.filter(slug="aims").count() == 1


def test_running_it_again_keeps_editors_changes():
    load()
    home = HomePage.objects.get(locale__language_code="en")
    home.title = "Renamed by an editor"
    home.save_revision().publish()
    site_settings = SiteSettings.objects.get()
    site_settings.tagline = "An editor's tagline"
    site_settings.save()

    load()

    assert HomePage.objects.get(pk=home.pk).title == "Renamed by an editor"
    assert SiteSettings.objects.get().tagline == "An editor's tagline"


def test_if_empty_loads_nothing_once_the_site_has_content():
    load("--if-empty")
    ContentPage.objects.get(slug="aims").delete()

    load("--if-empty")

    assert not ContentPage.objects.filter(slug="aims").exists()
