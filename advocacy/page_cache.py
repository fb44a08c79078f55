"""A full-page cache of anonymous readers' pages, shared by every app server through CACHE_URL.

Each cached page is stored with a generation number kept in the same cache. Publishing,
unpublishing, moving or deleting anything readers see moves the generation on, so every app
server misses on its next request and renders the new state; the old entries simply expire.
A hit costs one cache round trip and no database query.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move, published, unpublished

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
# Responses that may be shared between readers; a Set-Cookie would make them personal.
CACHEABLE_STATUSES = {200, 301, 404}


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
        key = f"page-cache:{request.get_host()}:{request.get_full_path()}"
        try:
            # One round trip: the generation and the page, stored with the generation it was
            # rendered under; a page of an older generation is a miss.
            found = cache.get_many([GENERATION_KEY, key])
            generation = found.get(GENERATION_KEY) or current_generation()
            entry = found.get(key)
        except Exception:  # noqa: BLE001 - a cache outage must not take the site down
            logger.exception("The page cache is unavailable; serving without it")
            return self.get_response(request)
        if entry is not None and entry[0] == generation:
            response = entry[1]
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if request.method == "GET" and self._cacheable_response(response):
            try:
                cache.set(key, (generation, response), settings.PAGE_CACHE_SECONDS)
            except Exception:  # noqa: BLE001
                logger.exception("Could not store a page in the page cache")
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
