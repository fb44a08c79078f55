"""What a reader sees on every page: the organisation, navigation, language and error pages."""

from urllib.parse import urlsplit

import pytest
from django.test import RequestFactory
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from advocacy.views import server_error
from tests.builders import make_content_page, set_site_settings, translate
from tests.html import links, parse, site_name

pytestmark = pytest.mark.django_db


def test_home_page_shows_the_organisation_name_and_navigation(client, site_settings, home_page):
    make_content_page(home_page, "Aims")
    make_content_page(home_page, "Obstacles")
    make_content_page(home_page, "Hidden", show_in_menus=False)
    make_content_page(home_page, "Unfinished", live=False)

    response = client.get("/")

    assert response.status_code == 200
    page = parse(response)
    assert site_name(page) == ("/", "Test Organisation")
    nav = page.select_one("nav.site-nav")
    assert links(nav) == [("/", "Home"), ("/aims/", "Aims"), ("/obstacles/", "Obstacles")]
    assert nav.select_one("a[aria-current=page]").get_text() == "Home"
    assert "Unfinished" not in page.get_text()


def test_site_name_falls_back_to_the_configured_name_without_settings(client, home_page, settings):
    settings.WAGTAIL_SITE_NAME = "Fallback Name"

    page = parse(client.get("/"))

    assert site_name(page) == ("/", "Fallback Name")


def test_content_page_has_breadcrumbs_and_marks_its_menu_entry(client, site_settings, home_page):
    aims = make_content_page(home_page, "Aims")
    make_content_page(aims, "Our point of view", show_in_menus=False)

    response = client.get("/aims/our-point-of-view/")

    assert response.status_code == 200
    page = parse(response)
    assert page.title.get_text() == "Our point of view – Test Organisation"
    crumbs = page.select_one("nav.breadcrumbs")
    assert links(crumbs) == [("/", "Home"), ("/aims/", "Aims")]
    assert crumbs.select_one("[aria-current=page]").get_text() == "Our point of view"
    assert page.select_one('nav.site-nav a[href="/aims/"]')["aria-current"] == "true"


def test_content_page_body_renders_section_headings_with_anchors(client, home_page):
    make_content_page(
        home_page,
        "Aims",
        body=[
            ("heading", {"text": "Who we are for", "anchor": "who-we-are-for"}),
            ("paragraph", RichText("<p>Families and friends.</p>")),
        ],
    )

    page = parse(client.get("/aims/"))

    heading = page.select_one("main h2")
    assert (heading["id"], heading.get_text()) == ("who-we-are-for", "Who we are for")
    assert page.select_one("main .rich-text p").get_text() == "Families and friends."


def test_every_page_has_a_skip_link_to_main_and_the_stylesheet(client, home_page):
    page = parse(client.get("/"))

    skip_link = page.body.find("a")
    assert (skip_link["href"], skip_link.get_text()) == ("#main", "Skip to main content")
    assert page.select_one("main#main")
    assert page.select_one("link[rel=stylesheet]")["href"] == "/static/css/site.css"


def test_nothing_is_loaded_from_another_origin(client, site_settings, home_page):
    page = parse(client.get("/"))

    assert not page.find("script")
    loaded = page.select("[src], link[href]:not([rel=canonical]):not([rel=alternate])")
    assert loaded
    for element in loaded:
        address = urlsplit(element.get("src") or element["href"])
        assert (address.scheme, address.netloc) == ("", ""), address


def test_footer_shows_the_organisations_details(client, home_page):
    set_site_settings(
        organisation_name="Test Organisation",
        tagline="Families first.",
        contact_email="office@example.org",
        postal_address="PO Box 1\nLondon <W1>",
        social_links=[("link", {"label": "Mastodon", "url": "https://social.example/@org"})],
    )

    footer = parse(client.get("/")).footer

    assert "Families first." in footer.get_text()
    # Each line of the address takes its own direction (a Latin address on a Persian page).
    assert footer.address.p.decode_contents() == (
        '<span dir="auto">PO Box 1</span><br/><span dir="auto">London &lt;W1&gt;</span>'
    )
    assert links(footer) == [
        ("mailto:office@example.org", "office@example.org"),
        ("https://social.example/@org", "Mastodon"),
    ]


def test_unknown_url_gets_the_sites_own_404_page(client, site_settings, home_page):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response.templates[0].name == "404.html"
    page = parse(response)
    assert page.h1.get_text() == "Page not found"
    assert site_name(page) == ("/", "Test Organisation")


def test_unknown_persian_url_gets_the_404_page_right_to_left(client, home_page):
    translate(home_page, "fa", title="سازمان آزمایشی")

    response = client.get("/fa/no-such-page/")

    assert response.status_code == 404
    assert (parse(response).html["lang"], parse(response).html["dir"]) == ("fa", "rtl")


def test_persian_home_answers_under_fa_right_to_left(client, home_page):
    translate(home_page, "fa", title="سازمان آزمایشی")

    english = parse(client.get("/"))
    persian = parse(client.get("/fa/"))

    assert (english.html["lang"], english.html["dir"]) == ("en", "ltr")
    assert (persian.html["lang"], persian.html["dir"]) == ("fa", "rtl")
    assert persian.h1.get_text() == "سازمان آزمایشی"
    assert persian.select_one("nav.site-nav a[aria-current=page]")["href"] == "/fa/"


def test_persian_pages_link_to_the_persian_home(client, home_page):
    persian_home = translate(home_page, "fa", title="سازمان آزمایشی")
    make_content_page(persian_home, "Aims", slug="aims")

    page = parse(client.get("/fa/aims/"))

    assert links(page.select_one("nav.breadcrumbs"))[0][0] == "/fa/"
    assert site_name(page)[0] == "/fa/"


def test_admin_login_page_answers(client, db):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert parse(response).select_one("input[name=password]")


def test_a_reader_who_gives_the_password_reads_the_private_page(client, home_page):
    private = make_content_page(home_page, "Members")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    form = parse(client.get("/members/")).select_one("form")
    answers = {field["name"]: field.get("value", "") for field in form.select("input[name]")}

    response = client.post(form["action"], {**answers, "password": "secret"})

    assert response.status_code == 302
    assert "Some text." in client.get(response["Location"]).content.decode()


def test_a_page_for_signed_in_readers_sends_others_to_a_login_page(client, home_page):
    private = make_content_page(home_page, "Members")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    response = client.get("/members/")

    assert response.status_code == 302
    login = client.get(response["Location"])
    assert login.status_code == 200
    assert parse(login).select_one("input[name=password]")


def test_favicon_is_served_at_the_root(client, db):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"


def test_home_page_query_count_does_not_grow_with_the_menu(
    client, home_page, site_settings, django_assert_max_num_queries
):
    make_content_page(home_page, "Aims")
    client.get("/")  # warm Wagtail's per-process caches (site root paths, content types)
    with django_assert_max_num_queries(50) as few:
        client.get("/")
    few = len(few)  # now: the log of queries starts again with each request
    for number in range(5):
        make_content_page(home_page, f"Page {number}")
    client.get("/")  # publishing moved the site data on: this process builds it afresh once

    with django_assert_max_num_queries(few):
        response = client.get("/")

    assert len(links(parse(response).select_one("nav.site-nav"))) == 7


@pytest.mark.django_db(False)
def test_server_error_page_renders_without_touching_the_database(settings):
    settings.WAGTAIL_SITE_NAME = "Test Organisation"

    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    page = parse(response)
    assert page.h1.get_text() == "Sorry, something went wrong"
    assert site_name(page) == ("/", "Test Organisation")
    assert page.select_one("link[rel=stylesheet]")["href"] == "/static/css/site.css"
