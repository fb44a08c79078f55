"""Anonymous readers get no cookie from any public page: some are at risk for what they read."""

import pytest

pytestmark = pytest.mark.django_db

PUBLIC_PATHS = [
    "/",
    "/aims/",
    "/faq/",
    "/campaigns/",
    "/campaigns/family-contact/",
    "/campaigns/family-contact/timeline/",
    "/campaigns/family-contact/feed/rss/",
    "/timeline/",
    "/timeline/?year=2003",
    "/timeline/feed/atom/",
    "/appeals/",
    "/appeals/family-visits-un-special-rapporteur/",
    "/search/?q=families",
    "/search/",
    "/sitemap.xml",
    "/robots.txt",
    "/privacy/",
    "/about/",
    "/fa/",
    "/fa/aims/",
    "/fa/our-point-of-view/",
    "/fa/faq/",
    "/fa/privacy/",
    "/fa/about/",
    "/no-such-page/",
]


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_pages_set_no_cookie_for_anonymous_readers(client, demo_site, path):
    response = client.get(path)

    assert response.status_code == (404 if path == "/no-such-page/" else 200)
    assert response.cookies == {}
    assert "Set-Cookie" not in response.headers
