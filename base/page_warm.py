"""The warm after a publish: the pages readers come to first are rendered afresh right after a
change, by a worker off the request that made it (`manage.py db_worker --queue-name=warm`,
docs/deploy.md), so that the first reader after a publish gets a cached page.

After a change every cached page is stale (base/page_cache.py): readers get the last good copy
until the render that the first of them set off is stored. Here the worker does that render
before any reader asks, so that even the first gets the new page: for the home page and the
section pages (the timeline, the appeals) in the language of the change, their feeds, and the
addresses the changed object itself names (the page or appeal, its campaign, the campaign's
timeline and feeds: `page_cache_addresses()` on the model).

Each address is rendered in each way readers have lately asked for pages (compressed or not, by
host, over HTTPS or not: the page cache records them), and only where it is needed: the changed
object's own addresses always, the others only where a reader has asked within
PAGE_CACHE_SECONDS (a stale copy is stored). An address whose fresh copy is already stored, or
that a reader is rendering at the moment, is left alone: one render per page per change.
"""

import logging

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.test import Client
from django_tasks import task

from .page_cache import (
    RENDER_SECONDS,
    VARIANTS_KEY,
    WARMING,
    StoredPage,
    cache_key,
    current_generation,
    readers_see_a_change,
    rendering_key,
)

logger = logging.getLogger(__name__)


def addresses(page, *subpaths):
    """(site id, path) of a page and of the given routes below it (such as "feed/rss/"), for
    page_cache_addresses(); nothing for a page no site serves."""
    parts = page.get_url_parts()
    if parts is None:
        return []
    site_id, _root, path = parts
    return [(site_id, path + subpath) for subpath in ("", *subpaths)]


def _site_wide(data, locale_id):
    """The home and section pages, with their feeds, in a language (all of them if None)."""
    found = []
    for page in [*data.homes.values(), *data.sections.values()]:
        if locale_id is None or page.locale_id == locale_id:
            found.extend(page.page_cache_addresses())
    return found


def _changed_object(label, pk):
    try:
        model = apps.get_model(label)
    except LookupError:
        return None
    instance = model._default_manager.filter(pk=pk).first()
    return getattr(instance, "specific", instance)


def _site_of(data, host, secure):
    """The site that serves a host, as the site data finds it for a request."""
    request = HttpRequest()
    request.META = {"HTTP_HOST": host, "SERVER_PORT": "443" if secure else "80"}
    return data.site_for(request)


@task(backend="database", queue_name="warm")
def warm_pages(label, pk):
    """Renders afresh the pages readers see first after a change to one object; the number of
    pages rendered."""
    from .site_data import SiteData  # which imports the page cache, as this module does

    generation = current_generation()
    variants = [tuple(variant) for variant in cache.get(VARIANTS_KEY) or []]
    if generation is None or not variants:
        return 0
    data = SiteData.build()
    instance = _changed_object(label, pk)
    own = list(getattr(instance, "page_cache_addresses", list)())
    wanted = dict.fromkeys(own + _site_wide(data, getattr(instance, "locale_id", None)))
    roots = {site.pk: site.root_page_id for site in data.sites}
    renders = []
    for encoding, host, secure in variants:
        site = _site_of(data, host, secure)
        if site is None:
            continue
        for address in wanted:
            site_id, path = address
            if roots.get(site_id) != site.root_page_id:
                continue
            request = HttpRequest()
            request.path, request.META = path, {"HTTP_HOST": host}
            key = cache_key(request, encoding)
            renders.append((key, address in own, path, encoding, host, secure))
    stored = cache.get_many([key for key, *_rest in renders])
    rendered = []
    for key, changed, path, encoding, host, secure in renders:
        page = stored.get(key)
        if _fresh(page, generation):
            continue  # a reader's render came first
        if page is None and not changed:
            continue  # nobody has asked for it lately
        if not cache.add(rendering_key(key), 1, RENDER_SECONDS):
            continue  # a reader renders it now
        # Looked at again under the lock: while the pages before it rendered, a reader may
        # have rendered this one and released its lock (a second render of the page per
        # publish, in make bench, until this look).
        if _fresh(cache.get(key), generation):
            cache.delete(rendering_key(key))
            continue
        if _render(path, encoding, host, secure):
            rendered.append(path)
    logger.info(
        "Warmed %s pages after a change to %s %s: %s", len(rendered), label, pk, " ".join(rendered)
    )
    return len(rendered)


def _fresh(page, generation):
    """Whether a stored page is of the warm's generation or newer (a later change's)."""
    return isinstance(page, StoredPage) and page.generation >= generation


def _render(path, encoding, host, secure):
    """One page rendered through the whole site, as a reader without cookies asks for it; the
    page cache stores it and releases the lock."""
    headers = {"HTTP_HOST": host, WARMING: "1"}
    if encoding:
        headers["HTTP_ACCEPT_ENCODING"] = encoding
    response = Client().get(path, secure=secure, **headers)
    if response.get("X-Cache") != "miss":
        logger.info("The warm after a change did not store %s: %s", path, response.status_code)
        return False
    return True


def _waiting(label, pk):
    """Whether the same warm is queued and not yet started: it will see this change too."""
    from django_tasks_db.models import DBTaskResult

    return (
        DBTaskResult.objects.ready()
        .filter(task_path=warm_pages.module_path, args_kwargs={"args": [label, pk], "kwargs": {}})
        .exists()
    )


def queue_warm(instance=None, **kwargs):
    """Queues the warm after a change to a page, a development or an appeal (what has
    addresses of its own). Other changes (site settings, documents) leave the pages to their
    first readers, as do the models of migrations, which run before the queue exists."""
    if not (settings.PAGE_CACHE_SECONDS and settings.PAGE_CACHE_WARM):
        return
    if not hasattr(instance, "page_cache_addresses"):
        return
    label, pk = instance._meta.label, instance.pk

    def enqueue():
        if not _waiting(label, pk):
            warm_pages.enqueue(label, pk)

    # After the change is committed, so that the worker cannot render the site from before it.
    transaction.on_commit(enqueue)


readers_see_a_change.connect(queue_warm, dispatch_uid="page-cache-warm")
