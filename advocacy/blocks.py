"""StreamField blocks shared by every page type, and the body StreamBlock built from them."""

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

# Rich text keeps to what readers need and a screen reader can announce; no raw HTML.
RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "link", "document-link", "ol", "ul"]


class HeadingBlock(blocks.StructBlock):
    """A section heading; its anchor is fixed when first saved so links to it keep working."""

    text = blocks.CharBlock(max_length=120, help_text=_("The section's heading."))
    anchor = blocks.CharBlock(
        required=False,
        max_length=80,
        help_text=_(
            "The part of the link after # that jumps to this section. Filled in from the "
            "heading when left blank; change it only if nobody links to it yet."
        ),
    )

    def clean(self, value):
        value = super().clean(value)
        value["anchor"] = slugify(value["anchor"] or value["text"], allow_unicode=True)
        return value

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        description = _("A section heading that readers can jump to")
        preview_value = {"text": "Our aims", "anchor": "our-aims"}


class BodyStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        icon="pilcrow",
        template="blocks/paragraph_block.html",
        description=_("Text with sub-headings, emphasis, links and lists"),
        preview_value=(
            "<p>Families have the right to <b>free and unfettered</b> contact with their "
            "relatives.</p>"
        ),
    )
