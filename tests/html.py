"""Read a response as a reader's browser would: elements, their text and their links."""

import json
import subprocess
from pathlib import Path
from urllib.parse import quote

from bs4 import BeautifulSoup


def parse(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def links(element):
    """(href, visible text) of each link inside element, in order."""
    return [(a["href"], a.get_text(strip=True)) for a in element.select("a[href]")]


def site_name(document):
    link = document.select_one("header .site-name")
    return link["href"], link.get_text(strip=True)


# Every public page of the demo site (tests/test_every_page.py proves it), by what readers
# would call it; a timeline filter and a search stand for the others.
PUBLIC_PAGES = {
    "home": "/",
    "content page": "/aims/",
    "point of view": "/our-point-of-view/",
    "about and contact": "/about/",
    "FAQ": "/faq/",
    "campaign index": "/campaigns/",
    "campaign": "/campaigns/family-contact/",
    "campaign update": "/campaigns/family-contact/families-meet-in-baghdad/",
    "campaign timeline": "/campaigns/family-contact/timeline/",
    "family contact form": "/campaigns/family-contact/ask-for-news/",
    "timeline": "/timeline/",
    "timeline by addition": "/timeline/?order=added",
    "appeal list": "/appeals/",
    "appeal": "/appeals/family-visits-un-special-rapporteur/",
    "search with results": "/search/?q=families",
    "search without results": "/search/?q=zebra",
    "privacy": "/privacy/",
    "not found": "/no-such-page/",
    "follow by e-mail": "/follow/",
    "follow: check your inbox": "/follow/sent/",
    "Persian home": "/fa/",
    "Persian content page": "/fa/aims/",
    "Persian point of view": "/fa/our-point-of-view/",
    "Persian about and contact": "/fa/about/",
    "Persian FAQ": "/fa/faq/",
    "Persian privacy": "/fa/privacy/",
    "Persian campaign index": "/fa/campaigns/",
    "Persian campaign": "/fa/campaigns/family-contact/",
    "Persian campaign update": "/fa/campaigns/family-contact/families-meet-in-baghdad/",
    "Persian campaign timeline": "/fa/campaigns/family-contact/timeline/",
    "Persian family contact form": "/fa/campaigns/family-contact/ask-for-news/",
    "Persian timeline": "/fa/timeline/",
    "Persian timeline by addition": "/fa/timeline/?order=added",
    "Persian timeline of a year": "/fa/timeline/?year=1382",
    "Persian appeal list": "/fa/appeals/",
    "Persian appeal": "/fa/appeals/family-visits-un-special-rapporteur/",
    "Persian search with results": "/fa/search/?q=" + quote("خانواده"),
    "Persian search without results": "/fa/search/?q=" + quote("گورخر"),
    "Persian not found": "/fa/no-such-page/",
    "Persian follow by e-mail": "/fa/follow/",
    "Persian follow: check your inbox": "/fa/follow/sent/",
}


def errors_in(checker, files):
    """The Nu HTML Checker's errors in the files (checker: the `checker` fixture's command)."""
    result = subprocess.run(  # noqa: S603 - our own files
        [*checker, "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [
        f"{Path(message['url']).name}:{message.get('lastLine')}: {message['message']}"
        for message in messages
    ]
