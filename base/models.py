"""The page bases every public page type shares, whatever feature it belongs to."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page, PageManager, PageViewRestriction
from wagtail.query import PageQuerySet

from . import page_warm, site_data

SUMMARY_LENGTH = 300


class SitePageQuerySet(PageQuerySet):
    def private_q(self):
        # Wagtail asks the database where the private sections are on every call.
        data = site_data.current()
        return data.private_q() if data is not None else super().private_q()


class SitePage(Page):
    """What every public page type shares: a summary for listings, search and link previews."""

    share_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Shown when the page is shared on social media. The site's default image is used "
            "when left empty."
        ),
    )

    promote_panels = [*Page.promote_panels, FieldPanel("share_image")]

    objects = PageManager.from_queryset(SitePageQuerySet)()

    # Open Graph's type of the page: "website" for the home page, "article" for the rest.
    og_type = "article"

    class Meta:
        abstract = True

    def get_summary(self):
        """A sentence or two about the page in plain text; page types say where it comes from."""
        return ""

    def page_cache_addresses(self):
        """The addresses readers see first after this page changes, rendered afresh right
        away (base/page_warm.py): the page itself; page types add their listings and feeds."""
        return page_warm.addresses(self)

    def get_url_parts(self, request=None):
        # Wagtail reverses the address anew on every call, some thirty times a page: the site
        # data keeps each one while it lasts (a moved page or a changed site starts new data).
        data = site_data.current()
        if data is None:
            return super().get_url_parts(request)
        return data.url_parts(self, request, super().get_url_parts)

    def get_view_restrictions(self):
        # Two queries on every page served, though most sites restrict none of their pages.
        data = site_data.current()
        if data is not None and not data.private_paths:
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def get_meta_description(self):
        return self.search_description or self.get_summary()

    def get_share_image(self):
        return self.share_image

    def get_sitemap_urls(self, request=None):
        """At the host readers asked for, like the canonical link, not the Site record's."""
        urls = super().get_sitemap_urls(request)
        if request is not None:
            for url in urls:
                url["location"] = request.build_absolute_uri(self.get_url(request))
                translations = getattr(self, "sitemap_translations", [])
                if len(translations) > 1:
                    url["alternates"] = [
                        {
                            "lang_code": code,
                            "location": request.build_absolute_uri(page.get_url(request)),
                        }
                        for code, page in translations
                    ]
        return urls


class SectionedBodyMixin:
    """For pages whose `body` is a BodyStreamBlock: its sections and their headings."""

    def headings(self):
        """The section headings, in order: the entries of the contents bar."""
        return [block.value for block in self.body if block.block_type == "heading"]

    def sections(self):
        """The body as (heading, blocks) pairs; blocks before the first heading have no heading."""
        sections = []
        for block in self.body:
            if block.block_type == "heading":
                sections.append((block.value, []))
            else:
                if not sections:
                    sections.append((None, []))
                sections[-1][1].append(block)
        return sections
