"""What search engines and link previews read: titles, descriptions, canonical links, sitemap."""

import pytest
from wagtail.models import PageViewRestriction

from base.sitemaps import SiteSitemap
from tests.builders import (
    make_appeal,
    make_appeal_index,
    make_content_page,
    make_image,
    set_site_settings,
    translate,
)
from tests.html import parse
from tests.sitemaps import NAMESPACES, sitemap_sections, sitemap_urls

pytestmark = pytest.mark.django_db


def meta(page, key):
    element = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
    return element and element["content"]


def test_title_uses_the_seo_title_then_the_site_name(client, site_settings, home_page):
    make_content_page(home_page, "Aims", seo_title="Our aims and objectives")

    page = parse(client.get("/aims/"))

    assert page.title.get_text() == "Our aims and objectives – Test Organisation"


def test_description_is_the_search_description_or_the_summary(client, home_page):
    make_content_page(home_page, "Aims", intro="What we work for.")
    make_content_page(home_page, "FAQ", intro="Answers.", search_description="Questions answered.")

    assert meta(parse(client.get("/aims/")), "description") == "What we work for."
    assert meta(parse(client.get("/faq/")), "description") == "Questions answered."
    assert meta(parse(client.get("/faq/")), "og:description") == "Questions answered."


def test_canonical_and_open_graph_use_absolute_addresses(client, site_settings, home_page):
    make_content_page(home_page, "Aims")

    page = parse(client.get("/aims/"))

    assert page.find("link", rel="canonical")["href"] == "http://testserver/aims/"
    assert meta(page, "og:url") == "http://testserver/aims/"
    assert meta(page, "og:title") == "Aims"
    assert meta(page, "og:type") == "article"
    assert meta(page, "og:site_name") == "Test Organisation"
    assert meta(page, "twitter:card") == "summary"


def test_an_appeal_has_the_same_meta_tags_as_a_page_with_its_own_title_and_ask(
    client, site_settings, home_page
):
    make_appeal_index(home_page)
    make_appeal(ask="Ask him to make family visits possible.")

    page = parse(client.get("/appeals/write-to-the-un-special-rapporteur/"))

    url = "http://testserver/appeals/write-to-the-un-special-rapporteur/"
    assert page.find("link", rel="canonical")["href"] == url
    assert meta(page, "og:url") == url
    assert meta(page, "og:type") == "article"
    assert (
        meta(page, "og:title")
        == meta(page, "twitter:title")
        == "Write to the UN Special Rapporteur"
    )
    assert meta(page, "description") == meta(page, "og:description")
    assert meta(page, "description") == "Ask him to make family visits possible."
    assert meta(page, "og:site_name") == "Test Organisation"
    assert meta(page, "og:locale") == "en_GB"
    assert len(page.find_all("link", rel="canonical")) == 1


def test_share_image_falls_back_to_the_sites_default(client, home_page):
    set_site_settings(default_share_image=make_image("Logo"))
    make_content_page(home_page, "Aims")
    make_content_page(home_page, "Campaign", share_image=make_image("Protest"))

    default = parse(client.get("/aims/"))
    own = parse(client.get("/campaign/"))

    assert meta(default, "og:image").startswith("http://testserver/")
    assert (meta(default, "og:image:width"), meta(default, "og:image:height")) == ("1200", "630")
    assert meta(default, "og:image:alt") == "Logo"
    assert meta(own, "og:image:alt") == "Protest"
    assert meta(own, "twitter:card") == "summary_large_image"


def test_a_share_image_whose_file_is_gone_does_not_break_the_page(client, home_page):
    image = make_image("Lost")
    image.file.delete(save=False)
    make_content_page(home_page, "Aims", share_image=image)

    response = client.get("/aims/")

    assert response.status_code == 200
    assert meta(parse(response), "og:image") is None


def test_entities_in_rich_text_are_not_escaped_twice_in_descriptions(client, home_page):
    home_page.intro = "<p>Families &amp; friends</p>"
    home_page.save_revision().publish()

    assert meta(parse(client.get("/")), "description") == "Families & friends"


def test_persian_pages_say_their_locale(client, home_page):
    translate(home_page, "fa", title="خانه")

    assert meta(parse(client.get("/fa/")), "og:locale") == "fa_IR"
    assert meta(parse(client.get("/")), "og:locale") == "en_GB"


def sitemap_locations(client):
    return {
        url.find("sm:loc", NAMESPACES).text: url.find("sm:lastmod", NAMESPACES).text
        for url in sitemap_urls(client)
    }


def test_sitemap_lists_live_public_pages_in_every_language_with_lastmod(client, home_page):
    make_content_page(home_page, "Aims")
    make_content_page(home_page, "Draft", live=False)
    private = make_content_page(home_page, "Private")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    translate(home_page, "fa", title="خانه")

    locations = sitemap_locations(client)

    assert set(locations) == {
        "http://testserver/",
        "http://testserver/aims/",
        "http://testserver/fa/",
    }
    assert all(locations.values())


def test_sitemap_gives_each_translated_page_its_hreflang_alternates(
    client, home_page, django_assert_max_num_queries
):
    aims = make_content_page(home_page, "Aims")
    translate(home_page, "fa", title="خانه")
    translate(aims, "fa", title="اهداف", slug="aims-fa")
    make_content_page(home_page, "Untranslated")
    sitemap_urls(client)

    with django_assert_max_num_queries(12):
        ((_address, section),) = sitemap_sections(client)

    alternates = alternates_of(section.iterfind("sm:url", NAMESPACES))
    both = [("en", "http://testserver/aims/"), ("fa", "http://testserver/fa/aims-fa/")]
    assert alternates["http://testserver/aims/"] == both
    assert alternates["http://testserver/fa/aims-fa/"] == both
    assert alternates["http://testserver/untranslated/"] == []


def alternates_of(urls):
    return {
        url.find("sm:loc", NAMESPACES).text: sorted(
            (link.get("hreflang"), link.get("href"))
            for link in url.iterfind("xhtml:link", NAMESPACES)
        )
        for url in urls
    }


def test_the_sitemap_index_splits_the_pages_into_sitemaps_within_the_limit(
    client, home_page, monkeypatch
):
    """Each page once, in one sitemap of the index, with its alternates, in both languages
    (with a limit of 2 pages for 50,000): a sitemap holds at most 50,000 addresses."""
    monkeypatch.setattr(SiteSitemap, "limit", 2)
    persian_home = translate(home_page, "fa", title="خانه")
    for title in ("Aims", "Faq", "Privacy"):
        page = make_content_page(home_page, title)
        translate(page, "fa", title=f"{title} fa", slug=f"{title.lower()}-fa")
    make_content_page(persian_home, "Only in Persian", slug="only-fa")
    sections = sitemap_sections(client)

    assert [address for address, _section in sections] == [
        "http://testserver/sitemap-pages.xml",
        *(f"http://testserver/sitemap-pages.xml?p={number}" for number in range(2, 6)),
    ]
    urls = [url for _address, section in sections for url in section.iterfind("sm:url", NAMESPACES)]
    assert all(len(section.findall("sm:url", NAMESPACES)) <= 2 for _address, section in sections)
    locations = [url.find("sm:loc", NAMESPACES).text for url in urls]
    assert sorted(locations) == sorted(
        f"http://testserver{path}"
        for path in [
            "/",
            "/aims/",
            "/faq/",
            "/privacy/",
            "/fa/",
            "/fa/aims-fa/",
            "/fa/faq-fa/",
            "/fa/privacy-fa/",
            "/fa/only-fa/",
        ]
    )
    alternates = alternates_of(urls)
    both = [("en", "http://testserver/privacy/"), ("fa", "http://testserver/fa/privacy-fa/")]
    assert alternates["http://testserver/privacy/"] == both
    assert alternates["http://testserver/fa/privacy-fa/"] == both
    assert alternates["http://testserver/fa/only-fa/"] == []
    assert client.get("/sitemap-pages.xml?p=6").status_code == 404


def test_robots_txt_names_the_sitemap(client, home_page):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /search/" in lines
