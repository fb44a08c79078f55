"""What a reader sees on every page: the organisation, navigation, language and error pages."""

import re

import pytest
from django.test import RequestFactory
from wagtail.rich_text import RichText

from advocacy.views import server_error
from tests.builders import make_content_page, set_site_settings, translate

pytestmark = pytest.mark.django_db


def test_home_page_shows_the_organisation_name_and_navigation(client, site_settings, home_page):
    make_content_page(home_page, "Aims")
    make_content_page(home_page, "Obstacles")
    make_content_page(home_page, "Hidden", show_in_menus=False)
    make_content_page(home_page, "Unfinished", live=False)

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<a class="site-name" href="/">Test Organisation</a>' in html
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group()
    assert re.findall(r'<a href="([^"]+)"', nav) == ["/", "/aims/", "/obstacles/"]
    assert 'href="/" aria-current="page">Home<' in nav
    assert "Hidden" not in nav
    assert "Unfinished" not in html


def test_home_page_title_falls_back_to_the_site_name_without_settings(client, home_page, settings):
    settings.WAGTAIL_SITE_NAME = "Fallback Name"

    response = client.get("/")

    assert '<a class="site-name" href="/">Fallback Name</a>' in response.content.decode()


def test_content_page_has_breadcrumbs_and_marks_its_menu_entry(client, site_settings, home_page):
    aims = make_content_page(home_page, "Aims")
    make_content_page(aims, "Our point of view", show_in_menus=False)

    response = client.get("/aims/our-point-of-view/")

    assert response.status_code == 200
    html = response.content.decode()
    crumbs = re.search(r'<nav class="breadcrumbs.*?</nav>', html, re.S).group()
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', crumbs) == [
        ("/", "Home"),
        ("/aims/", "Aims"),
    ]
    assert '<span aria-current="page">Our point of view</span>' in crumbs
    assert '<a href="/aims/" aria-current="true">Aims</a>' in html


def test_content_page_body_renders_section_headings_with_anchors(client, home_page):
    make_content_page(
        home_page,
        "Aims",
        body=[
            ("heading", {"text": "Who we are for", "anchor": "who-we-are-for"}),
            ("paragraph", RichText("<p>Families and friends.</p>")),
        ],
    )

    html = client.get("/aims/").content.decode()

    assert '<h2 id="who-we-are-for">Who we are for</h2>' in html
    assert "<p>Families and friends.</p>" in html


def test_every_page_has_a_skip_link_to_main_and_the_stylesheet(client, home_page):
    html = client.get("/").content.decode()

    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert re.search(r'<link rel="stylesheet" href="/static/css/site\.css">', html)


def test_nothing_is_loaded_from_another_origin(client, site_settings, home_page):
    html = client.get("/").content.decode()

    assert not re.search(r'(src|href)="(https?:)?//', html.replace('href="mailto:', ""))
    assert "<script" not in html


def test_footer_shows_the_organisations_details(client, home_page):
    set_site_settings(
        organisation_name="Test Organisation",
        tagline="Families first.",
        contact_email="office@example.org",
        postal_address="PO Box 1\nLondon <W1>",
        social_links=[("link", {"label": "Mastodon", "url": "https://social.example/@org"})],
    )

    html = client.get("/").content.decode()
    footer = re.search(r"<footer.*</footer>", html, re.S).group()

    assert "Families first." in footer
    assert '<a href="mailto:office@example.org">office@example.org</a>' in footer
    assert "PO Box 1<br>London &lt;W1&gt;" in footer
    assert '<a href="https://social.example/@org" rel="me">Mastodon</a>' in footer


def test_unknown_url_gets_the_sites_own_404_page(client, site_settings, home_page):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert '<a class="site-name" href="/">Test Organisation</a>' in html
    assert [t.name for t in response.templates][0] == "404.html"


def test_unknown_persian_url_gets_the_404_page_in_right_to_left(client, home_page):
    translate(home_page, "fa", title="سازمان آزمایشی")

    response = client.get("/fa/no-such-page/")

    assert response.status_code == 404
    assert '<html lang="fa" dir="rtl">' in response.content.decode()


def test_persian_home_answers_under_fa_right_to_left(client, home_page):
    translate(home_page, "fa", title="سازمان آزمایشی")

    english = client.get("/").content.decode()
    persian = client.get("/fa/").content.decode()

    assert '<html lang="en" dir="ltr">' in english
    assert '<html lang="fa" dir="rtl">' in persian
    assert "<h1>سازمان آزمایشی</h1>" in persian
    assert '<a href="/fa/" aria-current="page">' in persian


def test_persian_pages_link_to_the_persian_home(client, home_page):
    persian_home = translate(home_page, "fa", title="سازمان آزمایشی")
    make_content_page(persian_home, "Aims", slug="aims")

    html = client.get("/fa/aims/").content.decode()

    crumbs = re.search(r'<nav class="breadcrumbs.*?</nav>', html, re.S).group()
    assert 'href="/fa/"' in crumbs
    assert '<a class="site-name" href="/fa/">' in html


def test_admin_login_page_answers(client, db):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


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
    for number in range(5):
        make_content_page(home_page, f"Page {number}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/")

    assert response.content.decode().count('<li><a href="/page-') == 5


@pytest.mark.django_db(False)
def test_server_error_page_renders_without_touching_the_database(settings):
    settings.WAGTAIL_SITE_NAME = "Test Organisation"
    request = RequestFactory().get("/")

    response = server_error(request)

    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, something went wrong" in html
    assert '<a class="site-name" href="/">Test Organisation</a>' in html
    assert "/static/css/site.css" in html
