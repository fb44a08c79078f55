"""The site data (base/site_data.py) re-implements Wagtail's own lookups: the site for a host,
routing, menus, private sections, translations, section pages. Every public address of the demo
site, in both languages, answers the same with it as with Wagtail's lookups alone
(settings.MIDDLEWARE without SiteDataMiddleware, as when the cache is down): the same status,
headers and bytes, but for the values that change with every request even in one mode."""

import difflib
import re
import uuid
from collections import Counter
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Locale, Page, PageViewRestriction, Site

from advocacy.models import ContentPage, SiteSettings
from campaigns.models import Appeal, CampaignPage, CampaignUpdatePage, Development
from tests.builders import make_content_page, publish, translate

# The two ways of finding pages ask the same database: comparing them once, in CI's PostgreSQL
# run (where it takes half the time), is enough.
pytestmark = [pytest.mark.django_db, pytest.mark.once_in("postgresql")]

WAGTAIL_ONLY = [name for name in settings.MIDDLEWARE if name != "base.site_data.SiteDataMiddleware"]
HOST = "localhost"  # the demo's default site
SECOND_HOST = "127.0.0.1"
MISSING = "no-such-page"

# Named routes of the URLconf that are not requested, and why; the test fails on any other it
# does not know, so that a new view is compared too.
NOT_REQUESTED = {
    # Counts a supporter on every GET, and is outside the site data (PAGE_CACHE_EXCLUDED_PREFIXES).
    "appeal_action",
    "appeal_channel",
    # A form that hands out a single-use token; outside the site data like the action.
    "appeal_sent",
    # Every page: found from the database.
    "wagtail_serve",
}

# What changes from one request to the next in either mode (found by asking twice): masked.
VARYING = [
    re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")'),
    # The family contact form's signed start time.
    re.compile(rb'(name="started" value=")[^"]*(")'),
]
# Set from the clock on pages never to be cached (private pages, forms): compared as present.
CLOCK_HEADERS = {"expires"}
# Not "expires": set from the clock, as max-age is not.
COOKIE_ATTRIBUTES = ("path", "domain", "max-age", "secure", "httponly", "samesite")
# Requests whose differences a failure shows in full; it names all of them.
DETAILED = 8


@dataclass(frozen=True)
class Fetch:
    path: str
    method: str = "GET"
    host: str = HOST
    port: str = "80"

    def __str__(self):
        if (self.host, self.port) == (HOST, "80"):
            return f"{self.method} {self.path}"
        return f"{self.method} {self.path} (Host: {self.host}, port {self.port})"


@dataclass
class Answer:
    status: int
    headers: dict
    cookies: dict
    body: bytes
    site_id: int | None
    queries: int
    used_site_data: bool


@dataclass
class Demo:
    media_root: object
    second_site: Site


def _add_what_the_demo_lacks():
    """A private section (a password, and a login in Persian) with a page below it, a draft
    translation, a page hidden from menus, a page in Persian only, a translation older than its
    original, and a second site (for the campaigns, on a host and port the settings allow)."""
    home = Site.objects.get(is_default_site=True).root_page.specific
    persian = Locale.objects.get(language_code="fa")
    members = make_content_page(home, "Members")
    make_content_page(members, "Minutes")
    # Translated first: a translation is made with its original's restrictions.
    members_fa = translate(members, "fa", title="اعضا")
    PageViewRestriction.objects.create(
        page=members, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    PageViewRestriction.objects.create(page=members_fa, restriction_type=PageViewRestriction.LOGIN)
    notes = make_content_page(home, "Notes", show_in_menus=False)
    draft = notes.copy_for_translation(persian)
    assert not draft.live
    press = make_content_page(home, "Press", show_in_menus=False)
    translate(press, "fa", title="مطبوعات")
    only_fa = ContentPage(title="گزارش‌ها", slug="reports", locale=persian, body=[])
    home.get_translation(persian).add_child(instance=only_fa)
    publish(only_fa)
    publish(CampaignPage.objects.get(locale__language_code="en"))
    return Site.objects.create(
        hostname=SECOND_HOST,
        port=8000,
        site_name="Campaigns",
        root_page=Page.objects.get(url_path="/home/campaigns/"),
    )


@pytest.fixture(scope="module")
def demo(demo_site_for_module, django_db_blocker):
    """The demo site and what it lacks, for the module and rolled back after it."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=demo_site_for_module),
        transaction.atomic(),
    ):
        second_site = _add_what_the_demo_lacks()
        yield Demo(media_root=demo_site_for_module, second_site=second_site)
        transaction.set_rollback(True)


@pytest.fixture
def demo_site(demo, settings):
    settings.MEDIA_ROOT = demo.media_root
    # The page cache off in both modes: every answer is rendered, none replayed.
    settings.PAGE_CACHE_SECONDS = 0
    return demo


# What to request


def _prefix(code):
    return "/" if code == settings.LANGUAGE_CODE else f"/{code}/"


def in_every_language(path):
    """The path under each language's prefix, whichever language it was written in."""
    for code, _name in settings.LANGUAGES:
        prefix = _prefix(code)
        if prefix != "/" and path.startswith(prefix):
            path = "/" + path[len(prefix) :]
            break
    return [_prefix(code) + path.lstrip("/") for code, _name in settings.LANGUAGES]


def route_arguments(page, name):
    """Arguments for a route of a routable page that takes some: the test must know each."""
    if name == "appeal":
        slugs = Appeal.objects.filter(locale_id=page.locale_id).values_list("slug", flat=True)
        return [[slug] for slug in [*slugs, "no-such-appeal"]]
    raise AssertionError(f"{type(page).__name__}'s route {name!r} takes arguments: add some here")


def query_variants():
    """Query parameters pages read (PAGE_CACHE_QUERY_PARAMETERS), from the content: the newest
    year, the oldest year's second page, a year that is not one, a campaign and no campaign."""
    years = sorted(
        {day.year for day in Development.objects.live().dates("date", "year")}
        | {day.year for day in CampaignUpdatePage.objects.live().dates("date", "year")}
    )
    slug = CampaignPage.objects.live().values_list("slug", flat=True).first()
    return [
        f"year={years[-1]}",
        f"year={years[0]}&page=2",
        "year=nope",
        f"campaign={slug}",
        "campaign=no-such-campaign",
    ]


def routable_paths(page, url, variants):
    """What a routable page answers below its own address, with the query parameters."""
    paths = []
    for pattern in type(page).get_subpage_urls():
        try:
            subpaths = [page.reverse_subpage(pattern.name)]
        except NoReverseMatch:
            arguments = route_arguments(page, pattern.name)
            subpaths = [page.reverse_subpage(pattern.name, args=args) for args in arguments]
        for subpath in subpaths:
            path = url + subpath.lstrip("/")
            paths.append(path)
            if not pattern.pattern.regex.groups:
                paths.extend(f"{path}?{query}" for query in variants)
    return paths


def page_paths(site, with_queries=True):
    """Every live page of the site at its address (Wagtail's) and under the other languages'
    prefixes (where it may have no translation), without its last slash, what a routable page
    answers below it (with the query parameters pages read), and a missing page below each."""
    variants = query_variants() if with_queries else []
    on_site = RequestFactory().get("/", HTTP_HOST=site.hostname, SERVER_PORT=str(site.port))
    paths = []
    for page in Page.objects.live().filter(depth__gt=1).specific().order_by("path"):
        url = page.get_url(on_site)
        if not url or not url.startswith("/"):
            continue  # on another site only
        paths.extend(in_every_language(url))
        if url != "/":
            paths.append(url.rstrip("/"))
        if isinstance(page, RoutablePageMixin):
            paths.extend(routable_paths(page, url, variants))
        paths.append(f"{url}{MISSING}/")
    return paths


def non_page_paths():
    """The site's other views, in each language where they have one."""
    restriction = PageViewRestriction.objects.get(restriction_type=PageViewRestriction.PASSWORD)
    by_route = {
        "search": [
            "/search/",
            "/search/?q=families",
            "/search/?q=families&page=2",
            "/search/?q=ایران",
        ],
        "sitemap": ["/sitemap.xml"],
        "sitemap_section": ["/sitemap-pages.xml", "/sitemap-pages.xml?p=1"],
        "robots_txt": ["/robots.txt"],
        "follow": ["/follow/", "/follow/?follow=all"],
        "follow_sent": ["/follow/sent/"],
        # A follower's links with a token no follower has: the page that says so.
        "follow_confirm": [f"/follow/confirm/{uuid.UUID(int=1)}/{'0' * 32}/"],
        "follow_leave": [f"/follow/leave/{uuid.UUID(int=1)}/{'0' * 32}/"],
        "wagtailcore_login": ["/_util/login/?next=/fa/members/"],
        "wagtailcore_authenticate_with_password": [
            f"/_util/authenticate_with_password/{restriction.pk}/{restriction.page_id}/"
            "?return_url=/members/"
        ],
    }
    unknown = _named_routes(get_resolver()) - by_route.keys() - NOT_REQUESTED
    assert not unknown, f"Routes this test neither requests nor skips: {sorted(unknown)}"
    once = {"sitemap", "sitemap_section", "robots_txt"}  # not under i18n_patterns
    return [
        localized
        for name, paths in by_route.items()
        for path in paths
        for localized in ([path] if name in once else in_every_language(path))
    ]


def _named_routes(resolver):
    """The named routes of the URLconf, but those of included apps with a prefix (the admin,
    documents), which are not public pages."""
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
        elif isinstance(pattern, URLResolver) and not str(pattern.pattern):
            names |= _named_routes(pattern)
    return names


def unique(items):
    return list(dict.fromkeys(items))


# Asking in both modes


def fetch(client, request):
    client.cookies.clear()  # each request an anonymous reader's first
    send = client.head if request.method == "HEAD" else client.get
    with CaptureQueriesContext(connection) as queries:
        response = send(request.path, HTTP_HOST=request.host, SERVER_PORT=request.port)
    body = response.content
    for pattern in VARYING:
        body = pattern.sub(rb"\1(masked)\2", body)
    site = getattr(response.wsgi_request, "_wagtail_site", None)
    return Answer(
        status=response.status_code,
        headers={
            name.lower(): "(masked)" if name.lower() in CLOCK_HEADERS else value
            for name, value in response.headers.items()
        },
        cookies={
            name: {key: morsel[key] for key in COOKIE_ATTRIBUTES}
            for name, morsel in response.cookies.items()
        },
        body=body,
        site_id=site and site.pk,
        queries=len(queries),
        used_site_data=hasattr(response.wsgi_request, "site_data"),
    )


def fetch_all(requests, *, with_site_data):
    middleware = settings.MIDDLEWARE if with_site_data else WAGTAIL_ONLY
    # Warm, as a running site is: the first request after a change builds the site data.
    Client().get("/", HTTP_HOST=HOST)
    with override_settings(MIDDLEWARE=middleware):
        client = Client()
        return {request: fetch(client, request) for request in requests}


def differences(shortcut, wagtail):
    """What differs between the two answers to a request, each said in a line or a diff."""
    found = []
    if shortcut.status != wagtail.status:
        found.append(f"status {shortcut.status} with the site data, {wagtail.status} without")
    if None not in (shortcut.site_id, wagtail.site_id) and shortcut.site_id != wagtail.site_id:
        found.append(f"site {shortcut.site_id} with the site data, {wagtail.site_id} without")
    for name in sorted(shortcut.headers.keys() | wagtail.headers.keys()):
        ours, theirs = shortcut.headers.get(name), wagtail.headers.get(name)
        if ours != theirs and not (name == "content-length" and shortcut.body != wagtail.body):
            found.append(f"header {name}: {ours!r} with the site data, {theirs!r} without")
    if shortcut.cookies != wagtail.cookies:
        found.append(f"cookies {shortcut.cookies} with the site data, {wagtail.cookies} without")
    if shortcut.body != wagtail.body:
        diff = difflib.unified_diff(
            wagtail.body.decode(errors="replace").splitlines(),
            shortcut.body.decode(errors="replace").splitlines(),
            "without the site data",
            "with the site data",
            n=1,
            lineterm="",
        )
        found.append("body:\n      " + "\n      ".join(list(diff)[:24]))
    return found


def compare(requests):
    """Asks for each request with the site data and without; fails naming every request whose
    answers differ, with the first few differences in full."""
    shortcut = fetch_all(requests, with_site_data=True)
    wagtail = fetch_all(requests, with_site_data=False)
    differing = {}
    for request in requests:
        if found := differences(shortcut[request], wagtail[request]):
            differing[request] = found
    if differing:
        message = "\n".join(
            [
                f"{len(differing)} of {len(requests)} requests answer differently with the site "
                "data and without:",
                *(f"  {request}" for request in differing),
                "The first differences:",
                *(
                    f"  {request}: {difference}"
                    for request, found in list(differing.items())[:DETAILED]
                    for difference in found
                ),
            ]
        )
        pytest.fail(message, pytrace=False)
    assert all(answer.used_site_data for answer in shortcut.values())
    assert not any(answer.used_site_data for answer in wagtail.values())
    print(summary(requests, shortcut, wagtail))
    return shortcut, wagtail


def summary(requests, shortcut, wagtail):
    """How many requests, and the queries each mode took: what the site data saves."""
    statuses = Counter(answer.status for answer in shortcut.values())
    ours = sum(answer.queries for answer in shortcut.values())
    theirs = sum(answer.queries for answer in wagtail.values())
    languages = Counter(
        "fa" if request.path.startswith(_prefix("fa")) else "en" for request in requests
    )
    return (
        f"\n{len(requests)} requests in each mode ({dict(languages)} by language, "
        f"{dict(sorted(statuses.items()))} by status): {ours} queries with the site data, "
        f"{theirs} without"
    )


# Tests


def test_every_public_address_answers_the_same_with_the_site_data_as_with_wagtail(demo_site):
    site = Site.objects.get(is_default_site=True)
    requests = [Fetch(path) for path in unique([*page_paths(site), *non_page_paths()])]
    # HEAD as well: a page, its translation, the private pages, a missing page.
    requests += [
        Fetch(path, method="HEAD")
        for path in ["/", "/fa/", "/members/", "/fa/members/", "/no-such-page/"]
    ]

    shortcut, _wagtail = compare(requests)

    # The additions are there to be seen: a password, a login, a draft.
    assert b'name="password"' in shortcut[Fetch("/members/minutes/")].body
    assert "/fa/_util/login/" in shortcut[Fetch("/fa/members/")].headers["location"]
    assert shortcut[Fetch("/fa/notes/")].status == 404


def test_every_host_and_port_reaches_the_same_site_and_pages(demo_site, settings):
    """Site.find_for_request, re-implemented by SiteData.site_for, with a site for each of its
    rules: the host and port of a site, the default site's host on another port, a host only one
    site has (on another port), a host two sites share (on neither's port: the default site), a
    host no site has (the default site). Two of the sites share their root page, as www. and
    the bare domain would."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "campaigns.example"]
    default, second = Site.objects.get(is_default_site=True), demo_site.second_site
    appeals_index = Page.objects.get(url_path="/home/appeals/")
    appeals = Site.objects.create(hostname=SECOND_HOST, port=8001, root_page=appeals_index)
    named = Site.objects.create(hostname="campaigns.example", port=8000, root_page=second.root_page)
    # Settings of its own, with the default site's privacy page.
    privacy = SiteSettings.for_site(default).privacy_page
    SiteSettings.objects.create(
        site=named, contact_email="campaigns@example.org", privacy_page=privacy
    )
    on_default_site = ["/", "/fa/", "/aims/", "/campaigns/family-contact/", "/members/"]
    hosts = {
        ("localhost", "80"): (default, on_default_site),
        ("localhost:8000", "8000"): (default, on_default_site),
        (f"{SECOND_HOST}:8000", "8000"): (second, page_paths(second, with_queries=False)),
        (f"{SECOND_HOST}:8001", "8001"): (appeals, page_paths(appeals, with_queries=False)),
        ("campaigns.example", "80"): (named, ["/", "/fa/", "/family-contact/", "/aims/"]),
        (SECOND_HOST, "80"): (default, on_default_site),
        ("testserver", "80"): (default, on_default_site),
        ("[::1]", "80"): (default, on_default_site),
    }
    requests = [
        Fetch(path, host=host, port=port)
        for (host, port), (_site, paths) in hosts.items()
        for path in unique(paths)
    ]

    shortcut, _wagtail = compare(requests)

    found = {(r.host, r.port): shortcut[r].site_id for r in requests if r.path == "/"}
    assert found == {host: site.pk for host, (site, _paths) in hosts.items()}


def test_with_no_private_page_every_page_answers_the_same(demo_site):
    """The site data's shortcut when no page is private: no restriction is looked up."""
    PageViewRestriction.objects.all().delete()
    site = Site.objects.get(is_default_site=True)

    shortcut, _wagtail = compare(
        [Fetch(path) for path in unique(page_paths(site, with_queries=False))]
    )

    assert b"Minutes" in shortcut[Fetch("/members/minutes/")].body
