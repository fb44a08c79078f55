"""The static copy in a real browser, as a reader of a mirror meets it: opened from a folder
(file://) and from a plain static server on another port, in both languages, it loads nothing
from any other origin, and it passes axe."""

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from base import mirror
from tests.browser.test_readers import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
MAIN = "https://iran-interlink.example"
PAGES = [
    "index.html",
    "fa/index.html",
    "fa/campaigns/family-contact/index.html",
    "fa/timeline/index.html",
    "fa/campaigns/family-contact/ask-for-news/index.html",
    "appeals/family-visits-un-special-rapporteur/index.html",
]


@pytest.fixture
def copy_folder(demo_site, tmp_path):
    return mirror.build(MAIN).write(tmp_path / "mirror")


@pytest.fixture
def static_server(copy_folder):
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(copy_folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def visit(browser, base, subtests, viewport):
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    for path in PAGES:
        with subtests.test(page=path, base=base[:8]):
            requests.clear()
            response = page.goto(f"{base}/{path}")
            assert response is None or response.ok
            assert page.locator("main h1").count() == 1
            # Its stylesheet applied: the menu is not a bulleted list.
            assert (
                page.evaluate("getComputedStyle(document.querySelector('header ul')).listStyleType")
                == "none"
            )
            assert [url for url in requests if not url.startswith(base)] == []
            assert axe_violations(page) == []
    # A link inside the copy leads to a page of the copy, not a folder listing.
    page.goto(f"{base}/fa/index.html")
    page.locator("header nav a[href$='index.html']").first.click()
    assert page.url.startswith(base) and page.url.endswith("index.html")
    assert page.locator("main h1").count() == 1
    context.close()


def test_the_copy_works_from_a_folder(browser, copy_folder, subtests):
    visit(browser, copy_folder.as_uri(), subtests, {"width": 375, "height": 667})


def test_the_copy_works_from_a_static_server_on_another_port(browser, static_server, subtests):
    visit(browser, static_server, subtests, {"width": 1280, "height": 800})
