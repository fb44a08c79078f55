from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class SiteSitemap(Sitemap):
    """Every live, public page of the site, in every language."""

    def items(self):
        root = self.get_wagtail_site().root_page
        trees = Page.objects.none()
        for translation in root.get_translations(inclusive=True):
            trees |= Page.objects.descendant_of(translation, inclusive=True)
        return trees.live().public().order_by("path").defer_streamfields().specific()
