"""The site's own pages and settings: the home page, content and FAQ pages, SiteSettings and
the site-wide text in each language (SiteText)."""

import html

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index

from base import site_data
from base.blocks import QuestionStreamBlock

# SectionedBodyMixin is also named by migrations, as advocacy.models.SectionedBodyMixin.
from base.models import SUMMARY_LENGTH, SectionedBodyMixin, SitePage
from base.translations import in_language
from campaigns.blocks import BodyStreamBlock
from campaigns.models import Appeal, CampaignPage, TimelinePage
from campaigns.timeline import Timeline

from .forms import HomePageForm

LATEST_ON_HOME = 5


class HomePage(SitePage):
    """The root of the site, one per language: who the organisation is and what it asks now."""

    intro = RichTextField(
        features=["bold", "italic", "link"],
        blank=True,
        help_text=_("A few sentences under the organisation's name: who you are, what you do."),
    )
    about_heading = models.CharField(
        max_length=100,
        default=_("Who we are"),
        help_text=_("The heading of the short introduction further down the page."),
    )
    about_text = models.TextField(
        blank=True,
        max_length=600,
        help_text=_("Two or three sentences about the organisation, leading to the page below."),
    )
    about_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The page readers go to for more, usually the Aims page."),
    )

    base_form_class = HomePageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel(
            "featured_campaigns",
            heading=_("Featured campaigns"),
            label=_("Campaign"),
            help_text=_("Shown near the top of the home page, in this order."),
        ),
        MultiFieldPanel(
            [FieldPanel("about_heading"), FieldPanel("about_text"), PageChooserPanel("about_page")],
            heading=_("Who we are"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("about_text"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "advocacy.ContentPage",
        "advocacy.FAQPage",
        "campaigns.CampaignIndexPage",
        "campaigns.TimelinePage",
        "campaigns.AppealIndexPage",
    ]
    # One per site; its translations are made with Wagtail's translation tools.
    max_count_per_parent = 1
    og_type = "website"

    class Meta:
        verbose_name = _("home page")

    def get_summary(self):
        return Truncator(html.unescape(strip_tags(self.intro))).chars(SUMMARY_LENGTH)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["developments"] = Timeline(self.locale).latest(LATEST_ON_HOME)
        # The newest open appeal in a box near the top, where a supporter looks first; the
        # next ones in their column below.
        # Kept until the next change, and for the day: which are open changes at midnight.
        today = timezone.localdate()
        appeals = site_data.kept(
            ("home-appeals", self.locale_id, today),
            lambda: list(
                Appeal.objects.live()
                .in_language(self.locale)
                .open(today)
                .order_by("-opens_on", "title")[: LATEST_ON_HOME + 1]
            ),
        )
        context["act_now"], context["appeals"] = appeals[:1], appeals[1:]
        context["timeline_page"] = site_data.section(TimelinePage, self.locale_id)
        return context

    def featured(self):
        """The featured campaigns that readers can see, in the editors' order. The order comes
        from the page itself, so a preview shows the editor's unsaved choice."""
        order = [featured.page_id for featured in self.featured_campaigns.all()]
        # In the page's language where translated: a translated home page keeps the original's
        # choices until an editor changes them.
        found = in_language(CampaignPage.objects.live().public(), order, self.locale_id)
        return [found[pk] for pk in order if pk in found]

    def about_link(self):
        """The live page "Who we are" leads to, in the page's language where translated."""
        if not self.about_page_id:
            return None
        return in_language(Page.objects.live(), [self.about_page_id], self.locale_id).get(
            self.about_page_id
        )


class FeaturedCampaign(Orderable):
    home_page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_campaigns")
    page = models.ForeignKey(
        "campaigns.CampaignPage",
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("A campaign to feature on the home page."),
    )

    panels = [PageChooserPanel("page", page_type="campaigns.CampaignPage")]


class ContentPage(SectionedBodyMixin, SitePage):
    """A page of sections under the home page, such as Aims or Our point of view."""

    intro = models.TextField(
        blank=True,
        max_length=SUMMARY_LENGTH,
        help_text=_(
            "One or two sentences shown under the title and in search results and link previews."
        ),
    )
    body = StreamField(
        BodyStreamBlock(),
        blank=True,
        help_text=_(
            "The page's sections. Each heading starts a section and is listed in the contents "
            "bar at the top of the page."
        ),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = ["advocacy.HomePage", "advocacy.ContentPage"]
    subpage_types = ["advocacy.ContentPage", "advocacy.FAQPage"]
    show_in_menus_default = True

    class Meta:
        verbose_name = _("content page")

    def get_summary(self):
        return self.intro


class FAQPage(SitePage):
    """Frequently asked questions and their answers, each question linkable."""

    intro = models.TextField(
        blank=True,
        max_length=SUMMARY_LENGTH,
        help_text=_("One or two sentences shown under the title and in search results."),
    )
    questions = StreamField(
        QuestionStreamBlock(),
        blank=True,
        help_text=_("The questions in the order readers should see them."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("questions")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("questions"),
    ]

    parent_page_types = ["advocacy.HomePage", "advocacy.ContentPage"]
    subpage_types = []
    show_in_menus_default = True

    class Meta:
        verbose_name = _("FAQ page")
        verbose_name_plural = _("FAQ pages")

    def get_summary(self):
        return self.intro

    @cached_property
    def answered_questions(self):
        """(question, anchor, answer HTML) triples; each answer's links are expanded once."""
        return [
            (block.value["question"], block.value["anchor"], str(block.value["answer"]))
            for block in self.questions
        ]

    def structured_data(self):
        """schema.org FAQPage data for search engines, one Question per pair, in order."""
        return {
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "mainEntity": [
                {
                    "@type": "Question",
                    "name": question,
                    "acceptedAnswer": {"@type": "Answer", "text": answer},
                }
                for question, _anchor, answer in self.answered_questions
            ],
        }


class SocialLinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=40, help_text=_("The network's name, e.g. Mastodon."))
    url = blocks.URLBlock(help_text=_("The full address of the organisation's profile."))

    class Meta:
        icon = "link"


class SiteText(TranslatableMixin, models.Model):
    """The organisation's words, one per language: its name, tagline, postal address and the
    default share image's description. Translators translate it in wagtail-localize as they do
    the other snippets; SiteSettings keeps what no language changes (the contact address, links,
    the share image itself, the privacy page).

    A snippet of its own rather than fields on SiteSettings: a BaseSiteSetting is one record
    per site, which wagtail-localize cannot translate, and a per-language override beside it
    would leave the English words in one place and the Persian in another. One per language for
    all the sites: they are the same organisation's (www., the bare domain, an onion address).
    """

    organisation_name = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("Shown at the top of every page. Falls back to the site's name when blank."),
    )
    tagline = models.CharField(
        max_length=200, blank=True, help_text=_("One line under the name in the footer.")
    )
    postal_address = models.TextField(
        blank=True, help_text=_("The public postal address, one line per line of the address.")
    )
    share_image_alt = models.CharField(
        max_length=250,
        blank=True,
        help_text=_(
            "What the default share image shows, for readers who cannot see it. Falls back to "
            "the image's own description."
        ),
    )

    panels = [
        FieldPanel("organisation_name"),
        FieldPanel("tagline"),
        FieldPanel("postal_address"),
        FieldPanel("share_image_alt"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("site text")
        verbose_name_plural = _("site text")

    def __str__(self):
        return self.organisation_name or str(_("Site text"))

    def clean(self):
        super().clean()
        others = SiteText.objects.filter(locale_id=self.locale_id).exclude(pk=self.pk)
        if self.locale_id and others.exists():
            # Pages would show one of the two, and which is not for editors to guess.
            raise ValidationError(_("This language has its site text already: edit that one."))


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """The organisation's details no language changes, shown in every page's footer. Its
    name, tagline and address are the SiteText in the reader's language."""

    contact_email = models.EmailField(
        blank=True, help_text=_("The public address readers may write to.")
    )
    social_links = StreamField(
        [("link", SocialLinkBlock())],
        blank=True,
        help_text=_("Plain links to the organisation's profiles; no third-party scripts load."),
    )
    default_share_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Shown when a page without an image of its own is shared on social media. "
            "Best at 1200 × 630 pixels."
        ),
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The page saying what the site keeps about its readers, linked from every page's "
            "footer (in the reader's language where it is translated)."
        ),
    )

    mirrors = StreamField(
        [
            (
                "mirror",
                blocks.URLBlock(
                    help_text=_(
                        "The full address of a copy of this site on another host, e.g. "
                        "https://copy.example.org/ (docs/deploy.md, Mirrors)."
                    )
                ),
            )
        ],
        blank=True,
        help_text=_(
            "Other addresses readers can read the site at where it is blocked, shown in every "
            "page's footer. The onion service (ONION_ADDRESS) is added by itself."
        ),
    )

    panels = [
        FieldPanel("contact_email"),
        FieldPanel("social_links"),
        FieldPanel("mirrors"),
        FieldPanel("default_share_image"),
        PageChooserPanel("privacy_page"),
    ]

    class Meta:
        verbose_name = _("site settings")

    @property
    def text(self):
        """The SiteText in the reader's language, else in the site's default language."""
        # Kept for the request that asked (Wagtail keeps the settings on it) when there is no
        # site data to hold it: one query a request.
        return site_data.site_text(memo=self.__dict__.setdefault("_site_texts", {}))

    @property
    def name(self):
        return getattr(self.text, "organisation_name", "") or settings.WAGTAIL_SITE_NAME

    @property
    def tagline(self):
        return getattr(self.text, "tagline", "")

    @property
    def postal_address(self):
        return getattr(self.text, "postal_address", "")

    @property
    def share_image_alt(self):
        return getattr(self.text, "share_image_alt", "")
