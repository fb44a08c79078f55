from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import BodyStreamBlock


class HomePage(Page):
    """The root of the site, one per language: what the organisation is and what it asks now."""

    intro = RichTextField(
        features=["bold", "italic", "link"],
        blank=True,
        help_text=_("A few sentences under the organisation's name: who you are, what you do."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["advocacy.ContentPage"]

    class Meta:
        verbose_name = _("home page")


class ContentPage(Page):
    """A page of sections under the home page, such as Aims or Our point of view."""

    intro = models.TextField(
        blank=True,
        max_length=300,
        help_text=_(
            "One or two sentences shown under the title and in search results and link previews."
        ),
    )
    body = StreamField(BodyStreamBlock(), blank=True, help_text=_("The page's sections."))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = ["advocacy.HomePage", "advocacy.ContentPage"]
    subpage_types = ["advocacy.ContentPage"]
    show_in_menus_default = True

    class Meta:
        verbose_name = _("content page")


class SocialLinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=40, help_text=_("The network's name, e.g. Mastodon."))
    url = blocks.URLBlock(help_text=_("The full address of the organisation's profile."))

    class Meta:
        icon = "link"


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """The organisation's details, shown in every page's header and footer."""

    organisation_name = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("Shown at the top of every page. Falls back to the site's name when blank."),
    )
    tagline = models.CharField(
        max_length=200, blank=True, help_text=_("One line under the name in the footer.")
    )
    contact_email = models.EmailField(
        blank=True, help_text=_("The public address readers may write to.")
    )
    postal_address = models.TextField(
        blank=True, help_text=_("The public postal address, one line per line of the address.")
    )
    social_links = StreamField(
        [("link", SocialLinkBlock())],
        blank=True,
        help_text=_("Plain links to the organisation's profiles; no third-party scripts load."),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("organisation_name"), FieldPanel("tagline")], heading=_("Organisation")
        ),
        MultiFieldPanel(
            [FieldPanel("contact_email"), FieldPanel("postal_address")], heading=_("Contact")
        ),
        FieldPanel("social_links"),
    ]

    class Meta:
        verbose_name = _("site settings")

    @property
    def name(self):
        return self.organisation_name or settings.WAGTAIL_SITE_NAME
