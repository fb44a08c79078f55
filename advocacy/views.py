import re
import sys

from django.conf import settings
from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.views.static import serve as static_serve
from wagtail import views as wagtail_views
from wagtail.models import Page

from base.search import CANDIDATES, normalise
from base.site_data import active_locale, public
from campaigns.models import Appeal, Development

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 10
# The result pages reach as deep as the candidates PostgreSQL ranks (base/search.py): every page
# is then ranked among the same entries, so none shows a result twice or skips one, and none
# ranks every match. A word in thousands of pages gives its best MAX_RESULTS and a hint to add a
# word; counting all the matches of "family" took 10 ms of the search page's 35 at 100x.
MAX_RESULTS = CANDIDATES
SNIPPET_RESULTS = 5
# Control characters (NUL above all, which PostgreSQL refuses) have no place in a query.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Words in any script, once normalise() has dropped the harakat that \w would split Persian
# words at, and made half-spaces into spaces as the search index does.
_WORD = re.compile(r"\w+")


def clean_query(raw):
    """The query as a search engine can take it: no control characters, bounded length."""
    query = " ".join(_CONTROL_CHARACTERS.sub(" ", raw).split())
    return query[:MAX_QUERY_LENGTH]


def search_terms(query):
    """Only the words, spelled as the index spells them: search backends give punctuation
    meanings (and SQLite's FTS5 errors)."""
    return " ".join(_WORD.findall(normalise(query)))


class BestResults:
    """A search of pages as a Paginator takes it: the best MAX_RESULTS, ranked in one query
    that gives the count too; only the pages of a result page are then read whole."""

    def __init__(self, pages, terms):
        self.pages, self.terms = pages, terms

    @cached_property
    def best(self):
        """The best pages' numbers, best first: building 200 Page objects only to count and
        page them took 9 of the 24 ms this query took at 100x (benchmarks/profile.py)."""
        return list(self.pages.values_list("pk", flat=True).search(self.terms)[:MAX_RESULTS])

    @property
    def more(self):
        """Whether as many pages match as are shown, or more."""
        return len(self.best) == MAX_RESULTS

    def count(self):
        return len(self.best)

    def __getitem__(self, key):
        chosen = self.best[key]
        specific = {page.pk: page for page in Page.objects.filter(pk__in=chosen).specific()}
        return [specific[pk] for pk in chosen]


def search(request):
    """Site search in the reader's language: live, public pages, and published appeals and
    developments, which are few enough to list in full above the first page of pages."""
    query = clean_query(request.GET.get("q", ""))
    context = {"query": query, "results": None, "appeals": [], "developments": []}
    terms = search_terms(query)
    locale = active_locale()
    if query:
        pages = public(Page.objects.live().filter(locale=locale))
        found = BestResults(pages, terms) if terms else pages.none()
        results = Paginator(found, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        context["max_results"] = MAX_RESULTS
        context["results"] = results
        if terms and results.number == 1:
            context["appeals"] = list(
                Appeal.objects.live()
                .filter(locale=locale)
                .select_related("campaign")
                .search(terms)[:SNIPPET_RESULTS]
            )
            context["developments"] = list(
                Development.objects.live()
                .filter(locale=locale)
                .select_related("campaign", "link_page", "link_document")
                .search(terms)[:SNIPPET_RESULTS]
            )
    response = render(request, "advocacy/search.html", context)
    # Result pages are for people, not for search engines' indexes.
    response["X-Robots-Tag"] = "noindex"
    return response


def serve(request, path):
    """Wagtail's page view, with the page found from the site data (see SiteData.route)."""
    data = getattr(request, "site_data", None)
    site = getattr(request, "_wagtail_site", None)
    if data is not None and site is not None:
        try:
            request._wagtail_route_for_request = data.route(request, site, path)
        except Http404:
            request._wagtail_route_for_request = None
    return wagtail_views.serve(request, path)


def robots_txt(request):
    search_paths = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            search_paths.add(reverse("search"))
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in sorted(search_paths)),
        # Following an appeal's action counts a supporter: crawlers must not.
        f"Disallow: /{settings.APPEAL_ACTION_PATH}",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def login_locked_out(request, original_response=None, credentials=None):
    """What django-axes answers once a username and address have failed too often."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "account_locked.html", {"cooloff_minutes": minutes}, status=429)


def csrf_failure(request, reason=""):
    """A form sent without its security token (the page was open too long, or the browser
    refuses cookies): say so plainly, in the reader's language, and how to send it again."""
    template = loader.get_template("403_csrf.html")
    context = {"site_name": settings.WAGTAIL_SITE_NAME}
    return HttpResponse(template.render(context, request), status=403)


def server_error(request):
    """The 500 page: rendered without context processors, so it never touches the database.

    When the database itself is out of reach, the answer is a 503: the site is down for a
    while, not broken (cached pages are still served by the page cache).
    """
    error = sys.exc_info()[1]
    context = {"site_name": settings.WAGTAIL_SITE_NAME}
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.get_template("503.html").render(context), status=503)
        response["Retry-After"] = "60"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render(context))


def development_media(request, path):
    """Uploads under /media/ while developing (advocacy/urls.py keeps documents out)."""
    return static_serve(request, path, document_root=settings.MEDIA_ROOT)
