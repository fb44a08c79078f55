"""Read a response as a reader's browser would: elements, their text and their links."""

from bs4 import BeautifulSoup


def parse(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def links(element):
    """(href, visible text) of each link inside element, in order."""
    return [(a["href"], a.get_text(strip=True)) for a in element.select("a[href]")]


def site_name(document):
    link = document.select_one("header .site-name")
    return link["href"], link.get_text(strip=True)
