"""A full-page cache of anonymous readers' pages, shared by every app server through CACHE_URL.

Each cached page is stored with a generation number kept in the same cache. Publishing,
unpublishing, moving or deleting anything readers see moves the generation on, so every app
server misses on its next request and renders the new state; the old entries simply expire.
A hit costs one cache round trip and no database query. Each process also keeps the pages it
served last, in their stored form: while the generation stands, it needs only that number from
the cache, not the page.

After a change, every reader of a page gets the copy from before the change (marked X-Cache:
stale) until the new one is stored, and nobody waits for it: the first reader takes the page's
render lock (X-Cache: refresh) and the page is rendered once their response is sent. One render
per page across all app servers, not one per waiting reader. A page that has no copy at all is
rendered by whoever asks. The pages readers come to first are rendered by a worker right after
the change instead, before any reader asks (base/page_warm.py).

A change that takes something away from readers (unpublished, deleted, moved, made private) is
different: no copy from before it is served at all, not even while the page renders again,
so that what an editor took down is gone from the next request on.

Without the cache (Redis down), there is no generation to check a page against, so nothing is
served from or kept in the cache, not even a process's own last pages: readers get the pages
as the database has them.

Cache keys are normalised, so that made-up query strings cannot fill the cache: only the
parameters some page reads (PAGE_CACHE_QUERY_PARAMETERS) are in the key, sorted. And each process
stores at most PAGE_CACHE_MEGABYTES of pages per PAGE_CACHE_SECONDS: past that ceiling it still
serves pages, uncached, until the period ends.
"""

import logging
import time
from collections import OrderedDict
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver
from django.http import HttpResponse
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move, published, unpublished

from .cache import breaker
from .middleware import accepts_gzip

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
# The generation a takedown moved the cache to: no copy from before it is served stale.
TAKEDOWN_KEY = "page-cache:takedown"
# Responses that may be shared between readers; a Set-Cookie would make them personal.
CACHEABLE_STATUSES = {200, 301, 404}
# Pages each process keeps at hand: a few megabytes.
RECENT_PAGES = 200
# How long one request may hold a page's re-rendering to itself, serving others the last good
# copy; past it (a render that died), the next request renders.
RENDER_SECONDS = 30
# Set in the WSGI environ of base/page_warm.py's renders, which a reader cannot do (their headers
# arrive as HTTP_* keys): the page is rendered and stored afresh under the lock already held.
WARMING = "page_cache.warming"
# Set, the same way, by what must never get a copy from before the last change (the static
# mirror's crawl, base/mirror.py): a current copy is served, any other page rendered at once.
FRESH = "page_cache.fresh"
# The ways readers have lately asked for pages (encoding, host, over HTTPS): the warm renders
# each page in each of them. A few: ALLOWED_HOSTS limits the hosts.
VARIANTS_KEY = "page-cache:variants"
MAX_VARIANTS = 8


class StoredPage:
    """A response as the cache keeps it: plain values, quick to unpickle, rebuilt per request."""

    __slots__ = ("generation", "status", "headers", "content")

    def __init__(self, generation, response):
        self.generation = generation
        self.status = response.status_code
        self.headers = dict(response.items())
        self.content = response.content

    def __getstate__(self):
        return (self.generation, self.status, self.headers, self.content)

    def __setstate__(self, state):
        self.generation, self.status, self.headers, self.content = state

    def response(self, cls=HttpResponse, cache_state="hit"):
        response = cls(self.content, status=self.status, headers=self.headers)
        response["X-Cache"] = cache_state
        return response


class RenderAfterResponse(HttpResponse):
    """A page's last copy, whose closing renders the page afresh: WSGI servers close a response
    once they have written its body (gunicorn, uWSGI, runserver; Django's test client too),
    before Django's request_finished, so the database connection is still the request's."""

    render_after = None

    def close(self):
        try:
            if self.render_after:
                self.render_after()
        finally:
            super().close()


class RecentPages(OrderedDict):
    def remember(self, key, page):
        self[key] = page
        self.move_to_end(key)
        while len(self) > RECENT_PAGES:
            self.popitem(last=False)


_recent = RecentPages()


class StoreBudget:
    """The ceiling on what one process stores: bytes per period of PAGE_CACHE_SECONDS."""

    def __init__(self):
        self.period_start = 0.0
        self.stored = 0

    def allows(self, size):
        now = time.monotonic()
        if now - self.period_start >= settings.PAGE_CACHE_SECONDS:
            self.period_start, self.stored = now, 0
        if self.stored + size > settings.PAGE_CACHE_MEGABYTES * 1024 * 1024:
            return False
        self.stored += size
        return True


_budget = StoreBudget()


def current_generation():
    """The generation pages are cached under, or None when the cache cannot be reached."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A new or emptied cache: start from the clock, so no older entry can match.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


_missed_invalidation = False


def invalidate(takedown=False):
    """Makes every app server render pages afresh: after a takedown on their next request,
    otherwise serving the last copy of each page until it is rendered again."""
    global _missed_invalidation
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)
    # Read back, not incr's answer: django-redis's incr answers through a Lua script, whose
    # numbers are doubles, and a generation (nanoseconds) has more digits than a double keeps.
    if takedown and (generation := cache.get(GENERATION_KEY)) is not None:
        cache.set(TAKEDOWN_KEY, generation, timeout=None)
    # django-redis answers None when Redis is down; the breaker says whether it was.
    _missed_invalidation = breaker.down
    if _missed_invalidation:
        logger.warning("The page cache could not be cleared now; it will be when the cache returns")


def _invalidate_if_missed():
    """When Redis answers again, a change this process made while it was away is applied, so
    that no page cached before the outage outlives it. Only then: every process that merely
    served pages during the outage moving the generation on whenever it next sees Redis would
    empty the cache at moments nobody chose."""
    if not _missed_invalidation:
        return False
    invalidate(takedown=True)  # what changed meanwhile is not known: nothing older is served
    return True


breaker.on_recovery.append(_invalidate_if_missed)


def cache_key(request, encoding):
    """The request's key: its host, path, encoding and the parameters pages read, sorted."""
    parameters = sorted(
        (name, value)
        for name in request.GET.keys() & settings.PAGE_CACHE_QUERY_PARAMETERS
        for value in request.GET.getlist(name)
    )
    query = f"?{urlencode(parameters)}" if parameters else ""
    return f"page-cache:{encoding}:{request.get_host()}:{request.path}{query}"


def rendering_key(key):
    """The lock of the one request that renders a stale page afresh."""
    return f"page-cache:rendering:{key}"


_variants = {}  # variant -> the generation it was last recorded in


def remember_variant(variant, generation):
    """Records a way readers ask for pages in the shared cache, once per process and
    generation: the cache may have been emptied since."""
    if _variants.get(variant) == generation:
        return
    _variants[variant] = generation
    known = [tuple(item) for item in cache.get(VARIANTS_KEY) or []]
    if variant not in known:
        cache.set(VARIANTS_KEY, [*known, variant][-MAX_VARIANTS:], timeout=None)


def has_session(request):
    """Whether the request carries a session that exists: only those skip the cache, so a
    made-up session cookie cannot make every request render."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(key)
    try:
        return store.exists(key)
    except Exception:  # noqa: BLE001 - without the database, no session can be used anyway
        return False


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._cacheable_request(request):
            return self.get_response(request)
        # Compressed and plain copies of a page are kept apart (the response varies on it).
        encoding = "gzip" if accepts_gzip(request) else ""
        key = cache_key(request, encoding)
        if request.META.get(WARMING):
            generation = current_generation()
            if generation is None:
                return self.get_response(request)
            return self._render(request, key, encoding, generation, holding=True)
        # One round trip: the generation, whether the page is being rendered, and the page
        # unless this process has it. A page rendered under an older generation is a miss.
        # django-redis answers {} and None when Redis is down (base.cache): then there is no
        # generation, and no cache.
        page, lock = _recent.get(key), rendering_key(key)
        keys = [GENERATION_KEY, TAKEDOWN_KEY, lock]
        found = cache.get_many(keys if page else [*keys, key])
        if GENERATION_KEY not in found:
            # A new or emptied cache, or one that came back during the call (and may have
            # moved on since): the generation as it is now, and the takedown with it.
            generation = current_generation()
            if generation is None:
                return self.get_response(request)
            found = {**cache.get_many([TAKEDOWN_KEY, lock]), GENERATION_KEY: generation}
        generation = found[GENERATION_KEY]
        rendering = lock in found
        if (page is None or page.generation != generation) and not (page and rendering):
            # While a page is being rendered, its fresh copy is not stored yet: the copy this
            # process has does without another round trip.
            page = found.get(key) if key in found else cache.get(key)
        if not isinstance(page, StoredPage):
            page = None
        elif page.generation == generation:
            _recent.remember(key, page)
            return page.response()
        elif page.generation < found.get(TAKEDOWN_KEY, 0) or request.META.get(FRESH):
            page = None  # from before a takedown, or not wanted stale
        if page is None:
            return self._render(request, key, encoding, generation, holding=False)
        # The last good copy now is better than a wait: every reader gets it, and the one who
        # takes the lock has the page rendered afresh after their response is sent (gunicorn
        # and the other WSGI servers close the response once its body is written; Django's
        # test client too). HEAD requests, which store nothing, leave the render to a GET.
        if rendering or request.method != "GET" or not cache.add(lock, 1, RENDER_SECONDS):
            return page.response(cache_state="stale")
        response = page.response(RenderAfterResponse, cache_state="refresh")
        response.render_after = lambda: self._render_after(request, key, encoding, generation)
        return response

    def _render_after(self, request, key, encoding, generation):
        """The render a stale copy's reader set off, once their response is sent; a failure
        is logged, and the next reader sets off another."""
        try:
            self._render(request, key, encoding, generation, holding=True)
        except Exception:
            logger.exception("Rendering %s afresh after serving its last copy failed", key)

    def _render(self, request, key, encoding, generation, holding):
        """The page rendered, and stored if it may be shared; the lock released if held."""
        request.page_cache_generation = generation
        try:
            response = self.get_response(request)
            if request.method == "GET" and self._cacheable_response(response):
                page = StoredPage(generation, response)
                if not _budget.allows(len(page.content)):
                    return response
                cache.set(key, page, settings.PAGE_CACHE_SECONDS)
                _recent.remember(key, page)
                remember_variant((encoding, request.get_host(), request.is_secure()), generation)
                response["X-Cache"] = "miss"
            return response
        finally:
            if holding:
                cache.delete(rendering_key(key))

    @staticmethod
    def _cacheable_request(request):
        if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
            return False
        if request.path_info.startswith(settings.PAGE_CACHE_EXCLUDED_PREFIXES):
            return False
        # Signed-in editors carry a session; their pages (userbar, previews) are their own.
        return not has_session(request)

    @staticmethod
    def _cacheable_response(response):
        return (
            response.status_code in CACHEABLE_STATUSES
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )


# Sent after the cache is cleared because what readers see changed, with what changed (instance,
# None when not known): for what else keeps a copy of the pages (the static mirror,
# base/mirror_tasks.py) and for the warm after a publish (base/page_warm.py).
readers_see_a_change = Signal()


def _changed(instance=None, signal=None, **kwargs):
    takedown = signal in TAKEDOWNS or isinstance(instance, PageViewRestriction)
    invalidate(takedown=takedown)
    readers_see_a_change.send(sender=None, instance=instance)


# What readers see changes when any of these happen, whichever app server or command does it.
for signal in (page_published, page_unpublished, post_page_move, published, unpublished):
    signal.connect(_changed, dispatch_uid=f"page-cache-{signal!r}")
# The changes that take something away (and a page made private): no copy from before them is
# served, not even while the page renders again.
TAKEDOWNS = (page_unpublished, post_page_move, unpublished, post_delete)


@receiver(post_delete, dispatch_uid="page-cache-delete")
@receiver(post_save, dispatch_uid="page-cache-save")
def invalidate_on_change(sender, **kwargs):
    """Deleted pages and snippets, and changed documents, images and site settings."""
    if sender._meta.label in settings.PAGE_CACHE_WATCHED_MODELS or (
        kwargs.get("signal") is post_delete and sender._meta.label in settings.PAGE_CACHE_DELETES
    ):
        _changed(kwargs.get("instance"), kwargs.get("signal"))
