from functools import cached_property

from django.db.models import Max
from django.db.models.functions import Coalesce
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Locale, Page


class SiteSitemap(Sitemap):
    """Every live, public page of the site, in every language, each with its translations as
    hreflang alternates. The index (/sitemap.xml) lists its sections of at most `limit` pages;
    a section is paged at the database, in the order of the tree, and finds the alternates of
    its pages in one query."""

    @cached_property
    def pages(self):
        root = self.get_wagtail_site().root_page
        trees = Page.objects.none()
        for translation in root.get_translations(inclusive=True):
            trees |= Page.objects.descendant_of(translation, inclusive=True)
        return trees.live().public().order_by("path")

    def items(self):
        return self.pages.defer_streamfields().specific()

    def get_latest_lastmod(self):
        # Wagtail's lastmod of each page, the latest of them counted by the database rather
        # than over every page loaded.
        latest = Coalesce("last_published_at", "latest_revision_created_at")
        return self.pages.aggregate(latest=Max(latest))["latest"]

    def _urls(self, page, protocol, domain):
        # Wagtail's, over one section (Wagtail's asks the queryset for .iterator(), which
        # would fetch the specific pages one by one).
        section = list(self.paginator.page(page).object_list)
        self._add_translations(section)
        urls = [url for item in section for url in item.get_sitemap_urls(self.request)]
        last_mods = {url.get("lastmod") for url in urls}
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls

    def _add_translations(self, section):
        """Gives each page its sitemap_translations, (language code, page) pairs among the
        sitemap's pages, in one query: the section is a run of paths in the tree's order."""
        if not section:
            return
        keys = self.pages.filter(path__range=(section[0].path, section[-1].path))
        translations = self.pages.filter(translation_key__in=keys.values("translation_key")).only(
            "path", "url_path", "translation_key", "locale_id"
        )
        codes = dict(Locale.objects.values_list("pk", "language_code"))
        by_key = {}
        for translation in translations:
            by_key.setdefault(translation.translation_key, []).append(
                (codes[translation.locale_id], translation)
            )
        for page in section:
            page.sitemap_translations = by_key[page.translation_key]
