"""The campaigns' blocks, and the page body built from the shared blocks and them."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from base.blocks import (
    RICH_TEXT_FEATURES,
    DocumentBlock,
    FigureBlock,
    HeadingBlock,
    MirrorsBlock,
    ParagraphBlock,
    QuoteBlock,
    TableBlock,
    UniqueAnchorsStreamBlock,
)
from base.site_data import localized


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(
        required=False, max_length=120, help_text=_("A line above the appeal, e.g. Act now.")
    )
    appeal = SnippetChooserBlock(
        "campaigns.Appeal",
        help_text=_("Shown with its action button while it is published and open."),
    )

    def get_preview_value(self):
        appeals = self.child_blocks["appeal"].target_model.objects
        appeal = appeals.live().order_by("-opens_on").first()
        return self.to_python({"heading": "Act now", "appeal": appeal and appeal.pk})

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["appeal"] = appeal = localized(value["appeal"])
        # An appeal that the page's "Act now" box shows already, near the top, is not shown a
        # second time further down.
        above = (parent_context or {}).get("appeals_above", ())
        context["shown_above"] = appeal is not None and appeal.pk in above
        return context

    class Meta:
        icon = "mail"
        template = "blocks/call_to_action_block.html"
        description = _("An appeal with its action button, in the reader's language")


class BodyStreamBlock(UniqueAnchorsStreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock(features=RICH_TEXT_FEATURES)
    quote = QuoteBlock()
    image = FigureBlock()
    document = DocumentBlock()
    table = TableBlock()
    call_to_action = CallToActionBlock()
    mirrors = MirrorsBlock()
