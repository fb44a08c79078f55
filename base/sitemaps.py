from collections import defaultdict

from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Locale, Page


class SiteSitemap(Sitemap):
    """Every live, public page of the site, in every language, each with its translations as
    hreflang alternates (found among the same pages: no query per page)."""

    def items(self):
        root = self.get_wagtail_site().root_page
        trees = Page.objects.none()
        for translation in root.get_translations(inclusive=True):
            trees |= Page.objects.descendant_of(translation, inclusive=True)
        pages = list(trees.live().public().order_by("path").defer_streamfields().specific())
        codes = dict(Locale.objects.values_list("pk", "language_code"))
        by_key = defaultdict(list)
        for page in pages:
            by_key[page.translation_key].append((codes[page.locale_id], page))
        for page in pages:
            page.sitemap_translations = by_key[page.translation_key]
        return pages

    def _urls(self, page, protocol, domain):
        # Wagtail's, over the list above (Wagtail's asks a queryset for .iterator()).
        urls = [
            url
            for item in self.paginator.page(page).object_list
            for url in item.get_sitemap_urls(self.request)
        ]
        last_mods = {url.get("lastmod") for url in urls}
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls
