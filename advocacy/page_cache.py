"""A full-page cache of anonymous readers' pages, shared by every app server through CACHE_URL.

Each cached page is stored with a generation number kept in the same cache. Publishing,
unpublishing, moving or deleting anything readers see moves the generation on, so every app
server misses on its next request and renders the new state; the old entries simply expire.
A hit costs one cache round trip and no database query. Each process also keeps the pages it
served last, in their stored form: while the generation stands, it needs only that number from
the cache, not the page.
"""

import logging
import re
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from wagtail.signals import page_published, page_unpublished, post_page_move, published, unpublished

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# Responses that may be shared between readers; a Set-Cookie would make them personal.
CACHEABLE_STATUSES = {200, 301, 404}
# Pages each process keeps at hand: a few megabytes.
RECENT_PAGES = 200


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

    def response(self):
        response = HttpResponse(self.content, status=self.status, headers=self.headers)
        response["X-Cache"] = "hit"
        return response


class RecentPages(OrderedDict):
    def remember(self, key, page):
        self[key] = page
        self.move_to_end(key)
        while len(self) > RECENT_PAGES:
            self.popitem(last=False)


_recent = RecentPages()


def current_generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A new or emptied cache: start from the clock, so no older entry can match.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def invalidate(**kwargs):
    """Makes every app server render pages afresh on their next request."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._cacheable_request(request):
            return self.get_response(request)
        # Compressed and plain copies of a page are kept apart (the response varies on it).
        accepts = request.headers.get("Accept-Encoding", "")
        encoding = "gzip" if _ACCEPTS_GZIP.search(accepts) else ""
        key = f"page-cache:{encoding}:{request.get_host()}:{request.get_full_path()}"
        try:
            # One round trip: the generation, and the page unless this process has it. A page
            # rendered under an older generation is a miss.
            page = _recent.get(key)
            found = cache.get_many([GENERATION_KEY] if page else [GENERATION_KEY, key])
            generation = found.get(GENERATION_KEY) or current_generation()
            request.page_cache_generation = generation
            if page is None or page.generation != generation:
                page = found.get(key) if key in found else cache.get(key)
        except Exception:  # noqa: BLE001 - a cache outage must not take the site down
            logger.exception("The page cache is unavailable; serving without it")
            return self.get_response(request)
        if isinstance(page, StoredPage) and page.generation == generation:
            _recent.remember(key, page)
            return page.response()
        response = self.get_response(request)
        if request.method == "GET" and self._cacheable_response(response):
            page = StoredPage(generation, response)
            try:
                cache.set(key, page, settings.PAGE_CACHE_SECONDS)
            except Exception:  # noqa: BLE001
                logger.exception("Could not store a page in the page cache")
            else:
                _recent.remember(key, page)
            response["X-Cache"] = "miss"
        return response

    @staticmethod
    def _cacheable_request(request):
        if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
            return False
        # Signed-in editors carry a session; their pages (userbar, previews) are their own.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return False
        return not request.path_info.startswith(settings.PAGE_CACHE_EXCLUDED_PREFIXES)

    @staticmethod
    def _cacheable_response(response):
        return (
            response.status_code in CACHEABLE_STATUSES
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )


# What readers see changes when any of these happen, whichever app server or command does it.
for signal in (page_published, page_unpublished, post_page_move, published, unpublished):
    signal.connect(invalidate, dispatch_uid=f"page-cache-{signal!r}")


@receiver(post_delete, dispatch_uid="page-cache-delete")
@receiver(post_save, dispatch_uid="page-cache-save")
def invalidate_on_change(sender, **kwargs):
    """Deleted pages and snippets, and changed documents, images and site settings."""
    if sender._meta.label in settings.PAGE_CACHE_WATCHED_MODELS or (
        kwargs.get("signal") is post_delete and sender._meta.label in settings.PAGE_CACHE_DELETES
    ):
        invalidate()
