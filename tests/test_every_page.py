"""Every page of the demo site in both languages, as a crawl finds them: each in its own
language, each within the weight a reader on a slow connection can wait for, and each of a kind
that the readers' checks in a browser (tests/browser/test_readers.py: axe, no cookie, nothing
from another origin) and the HTML checker (tests/test_valid_html.py) go through.

The crawl starts from every URL of the sitemap, follows every link and every filter choice that
stays on the site in the same language (timeline filters included), and adds the pages a
sitemap never lists (search, not found, the follow form).

Its own language: no English word on a Persian page, no Persian word on an English page, except
what is in the other language on purpose and says so with `lang`. A reader sees text, and also
hears or sees alternative text, titles, labels, placeholders, the page's title and its
description in a share preview; all of them are read here."""

import gzip
import json
import re
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.staticfiles import finders

from base.bidi import LATIN_RUN, latin_on_purpose
from tests.html import PUBLIC_PAGES
from tests.sitemaps import NAMESPACES, sitemap_urls

LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")
PERSIAN_WORD = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]+")
# Addresses are Latin in every language.
ADDRESS = re.compile(r"\S+@\S+\.\w+|(?:https?://|www\.)\S+|\S+\.onion\b")
READ_ATTRIBUTES = ["alt", "title", "aria-label", "placeholder"]
# What a share preview or a search engine shows of the page (JSON-LD: the FAQ's questions).
SHOWN_META = ["description", "og:title", "og:description", "og:image:alt", "twitter:title"]
SHOWN_JSON_LD = {"name", "text", "headline", "description"}

EXTRA = {
    "en": [
        "/search/?q=families",
        "/search/?q=zebra",
        "/no-such-page/",
        "/follow/",
        "/follow/sent/",
    ],
    "fa": [
        "/fa/search/?q=" + quote("خانواده"),
        "/fa/search/?q=" + quote("گورخر"),
        "/fa/no-such-page/",
        "/fa/follow/",
        "/fa/follow/sent/",
    ],
}
# Not pages: files, feeds, the counted appeal action and the admin.
SKIPPED = re.compile(r"^/(fa/)?(documents|media|static|admin|act|django-admin)/|\.(xml|pdf)$")


def shown_text(html, language):
    """Each piece of text a reader of the page meets, with what is marked as in another
    language taken out."""
    document = BeautifulSoup(html, "html.parser")
    pieces = [
        value
        for script in document.select('script[type="application/ld+json"]')
        for value in _json_ld_text(json.loads(script.string))
    ]
    for element in document.select("script, style, template"):
        element.decompose()
    for element in document.select("[lang]"):
        if element.name != "html" and not element["lang"].startswith(language):
            element.decompose()
    for meta in document.select("meta[content]"):
        if meta.get("name", meta.get("property")) in SHOWN_META:
            pieces.append(meta["content"])
    for attribute in READ_ATTRIBUTES:
        pieces += [element[attribute] for element in document.select(f"[{attribute}]")]
    pieces += [element["value"] for element in document.select("input[type=submit][value]")]
    if language == "fa":
        # An attribute's text cannot say which words are English: there, what the page's
        # own marking (base/bidi.py) would call Latin on purpose passes.
        pieces = [_without_latin_on_purpose(piece) for piece in pieces]
    pieces.append(document.get_text(" "))
    return " ".join(pieces)


def _without_latin_on_purpose(text):
    return LATIN_RUN.sub(lambda run: "" if latin_on_purpose(text, run) else run.group(0), text)


def _json_ld_text(value, key=None):
    if isinstance(value, dict):
        for inner_key, inner in value.items():
            yield from _json_ld_text(inner, inner_key)
    elif isinstance(value, list):
        for inner in value:
            yield from _json_ld_text(inner, key)
    elif isinstance(value, str) and key in SHOWN_JSON_LD:
        yield BeautifulSoup(value, "html.parser").get_text(" ")


def foreign_words(html, language):
    text = ADDRESS.sub(" ", shown_text(html, language))
    pattern = LATIN_WORD if language == "fa" else PERSIAN_WORD
    return sorted(set(pattern.findall(text)))


def in_language(path, language):
    return path.startswith("/fa/") == (language == "fa")


def crawl(client, language):
    """{path: HTML} of every page of the language that the sitemap and the links reach."""
    queue = [urlsplit(url.find("sm:loc", NAMESPACES).text).path for url in sitemap_urls(client)]
    queue = [path for path in queue if in_language(path, language)] + EXTRA[language]
    assert len(queue) > len(EXTRA[language]), "the sitemap lists pages in the language"
    pages = {}
    while queue:
        path = queue.pop(0)
        if path in pages:
            continue
        response = client.get(path)
        assert response.status_code in (200, 404), f"{path} answers {response.status_code}"
        if not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        pages[path] = html
        for href in _links(BeautifulSoup(html, "html.parser")):
            url = urlsplit(urljoin("http://testserver" + path, href))
            target = url.path + (f"?{url.query}" if url.query else "")
            if (
                url.netloc == "testserver"
                and in_language(url.path, language)
                and not SKIPPED.search(url.path)
                and target not in pages
            ):
                queue.append(target)
    return pages


def _links(document):
    """The page's links, and what its filters ask for: each choice of each list on its own."""
    yield from (link["href"] for link in document.select("a[href]"))
    for form in document.select('form[method="get"]'):
        action = form.get("action", "")
        for select in form.select("select[name]"):
            for option in select.select("option[value]"):
                if option["value"]:
                    yield f"{action}?{select['name']}={quote(option['value'])}"


LANGUAGES = pytest.mark.parametrize("language", ["en", "fa"], ids=["English", "Persian"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, foreign",
    [("fa", "English"), ("en", "Persian")],
    ids=["Persian pages", "English pages"],
)
def test_no_word_of_the_other_language_unless_marked_as_such(client, demo_site, language, foreign):
    pages = crawl(client, language)
    assert len(pages) >= 20

    found = {
        path: words for path, html in pages.items() if (words := foreign_words(html, language))
    }

    assert found == {}, f"unmarked {foreign} words on {len(found)} of {len(pages)} pages"


# What a page may weigh with an empty browser cache, compressed as the server sends it, and in
# how many requests: the goal docs/performance.md sets for a campaign page (its benchmark,
# benchmarks/readers.py, measures the same in Chromium for a few pages). Content images are
# not counted: a reader's browser may load them lazily or not at all.
WEIGHT_BUDGET, REQUESTS_BUDGET = 60 * 1024, 6


def weight(html):
    """(bytes, requests) of the page and what it loads before it shows: stylesheets, preloaded
    fonts, scripts, icons and images outside the media folder, each gzipped as whitenoise sends
    it (the font is compressed already)."""
    document = BeautifulSoup(html, "html.parser")
    sizes = [len(gzip.compress(html.encode()))]
    assets = [link["href"] for link in document.select("link[rel~=stylesheet], link[rel~=preload]")]
    assets += [link["href"] for link in document.select("link[rel~=icon]")][:1]
    assets += [element["src"] for element in document.select("script[src], img[src]")]
    for url in assets:
        path = urlsplit(url).path
        if path.startswith(settings.MEDIA_URL):
            continue
        assert path.startswith(settings.STATIC_URL), f"{url} is neither a static file nor media"
        content = Path(finders.find(path.removeprefix(settings.STATIC_URL))).read_bytes()
        compressed = path.endswith(".woff2") or path.endswith(".png")
        sizes.append(len(content) if compressed else len(gzip.compress(content)))
    return sum(sizes), len(sizes)


@pytest.mark.django_db
@LANGUAGES
def test_every_page_is_within_the_readers_weight_budget(client, demo_site, language):
    pages = crawl(client, language)

    weights = {path: weight(html) for path, html in pages.items()}
    too_heavy = {
        path: f"{size / 1024:.1f} KB in {requests} requests"
        for path, (size, requests) in weights.items()
        if size > WEIGHT_BUDGET or requests > REQUESTS_BUDGET
    }

    assert too_heavy == {}
    assert max(size for size, _ in weights.values()) > 5 * 1024, "the page and its stylesheet"


@pytest.mark.django_db
@LANGUAGES
def test_the_readers_checks_go_through_every_kind_of_page(client, demo_site, language):
    """Each page the crawl finds is in tests.html.PUBLIC_PAGES, which the browser and HTML
    checks go through, or is the same page with another filter choice or search."""
    checked = {urlsplit(path).path for path in PUBLIC_PAGES.values()}

    unchecked = {urlsplit(path).path for path in crawl(client, language)} - checked

    assert unchecked == set()


def test_the_check_finds_unmarked_words_and_accepts_marked_ones():
    page = (
        '<html lang="fa"><head><meta name="description" content="خبر Update"></head><body>'
        '<p>خانواده <span lang="en">Iran-Interlink</span> mail@example.org https://example.org</p>'
        '<img alt="Photo" src="x.jpg"><p>Deadline</p></body></html>'
    )
    assert foreign_words(page, "fa") == ["Deadline", "Photo", "Update"]
    assert foreign_words('<p>Hello <a lang="fa">فارسی</a> سلام</p>', "en") == ["سلام"]


def test_persian_pages_take_at_most_8_queries_too_even_when_out_of_date(client, demo_site):
    """The demo site's Persian pages, and again once the English campaign is published after
    its translation (tests/test_site_data.py counts the English pages on a site of its own)."""
    from campaigns.models import CampaignPage
    from tests.builders import publish
    from tests.test_site_data import QUERY_GOAL, queries_for

    persian = [
        path
        for name, path in PUBLIC_PAGES.items()
        if name.startswith("Persian") and not name.endswith("not found")
    ]
    before = {path: queries_for(client, path) for path in persian}

    # The English campaign published again: its Persian translation now says it may be out
    # of date, from what the routing query already brought.
    publish(CampaignPage.objects.get(locale__language_code="en"))
    after = {path: queries_for(client, path) for path in persian}

    assert "translation-notice" in client.get("/fa/campaigns/family-contact/").content.decode()
    assert after == before
    assert max(before.values()) <= QUERY_GOAL, before
