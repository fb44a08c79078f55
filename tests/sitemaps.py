"""Reading the sitemap as a search engine does: the index, then each sitemap it lists."""

from urllib.parse import urlsplit
from xml.etree import ElementTree

NAMESPACES = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


def sitemap_sections(client):
    """[(address, the <urlset> element)] of every sitemap that /sitemap.xml lists."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    root = ElementTree.fromstring(index.content)  # noqa: S314 - our own response
    assert root.tag == f"{{{NAMESPACES['sm']}}}sitemapindex"
    sections = []
    for loc in root.iterfind("sm:sitemap/sm:loc", NAMESPACES):
        parts = urlsplit(loc.text)
        response = client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path)
        assert response.status_code == 200, loc.text
        sections.append((loc.text, ElementTree.fromstring(response.content)))  # noqa: S314
    return sections


def sitemap_urls(client):
    """The <url> elements of every sitemap, in order."""
    return [
        url
        for _address, section in sitemap_sections(client)
        for url in section.iterfind("sm:url", NAMESPACES)
    ]
