"""StreamField blocks shared by every page type; features add theirs (campaigns/blocks.py)."""

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.contrib.typed_table_block.blocks import TypedTableBlock
from wagtail.documents import get_document_model
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageBlock

# Rich text keeps to what readers need and a screen reader can announce; no raw HTML.
RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "link", "document-link", "ol", "ul"]
# Ids the page templates use themselves; a section anchor must not take them.
RESERVED_ANCHORS = {"main", "contents", "questions", "search"}

ANCHOR_HELP = _(
    "The part of the link after # that jumps here. Filled in from the text when left blank; "
    "once people link to it, leave it as it is even if the text changes."
)


class MirrorsBlock(blocks.StaticBlock):
    """The site's other addresses, as the site settings list them (base/templatetags/
    mirror_tags.py), for a page that tells readers how to reach the site."""

    def get_preview_context(self, value, parent_context=None):
        # The block picker shows what the list looks like before any mirror is listed.
        context = super().get_preview_context(value, parent_context)
        return {**context, "example_addresses": ["https://copy.example.org/"]}

    class Meta:
        icon = "site"
        template = "blocks/mirrors_block.html"
        admin_text = _("The site's other addresses, from the site settings.")
        description = _("The mirrors list from the site settings")


class AnchoredBlock(blocks.StructBlock):
    """A block readers can link to: its anchor is derived once from `anchor_source`, then kept."""

    anchor_source = "text"

    def clean(self, value):
        value = super().clean(value)
        typed = value["anchor"].strip()
        anchor = slugify(typed or value[self.anchor_source], allow_unicode=True)
        if not anchor:
            raise StructBlockValidationError(
                {"anchor": ValidationError(_("Use at least one letter or digit."))}
            )
        if anchor in RESERVED_ANCHORS:
            if typed:
                raise StructBlockValidationError(
                    {"anchor": ValidationError(_("This anchor is taken by the page itself."))}
                )
            anchor = f"{anchor}-section"
        value["anchor"] = anchor
        return value


class UniqueAnchorsStreamBlock(blocks.StreamBlock):
    """Refuses two children with the same anchor, which would make one of them unreachable."""

    def clean(self, value):
        value = super().clean(value)
        seen = set()
        errors = {}
        for index, child in enumerate(value):
            anchor = child.value.get("anchor") if isinstance(child.block, AnchoredBlock) else None
            if anchor is None:
                continue
            if anchor in seen:
                errors[index] = StructBlockValidationError(
                    {"anchor": ValidationError(_("Another section already uses this anchor."))}
                )
            seen.add(anchor)
        if errors:
            raise StreamBlockValidationError(block_errors=errors)
        return value


class HeadingBlock(AnchoredBlock):
    text = blocks.CharBlock(max_length=120, help_text=_("The section's heading."))
    anchor = blocks.CharBlock(required=False, max_length=80, help_text=ANCHOR_HELP)

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        description = _(
            "Starts a section: listed in the contents bar at the top of the page, with a link "
            "back to the top at its end"
        )
        preview_value = {"text": "Who we are for", "anchor": "who-we-are-for"}


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(help_text=_("The words quoted, without quotation marks."))
    attribution = blocks.CharBlock(
        required=False, max_length=200, help_text=_("Who said or wrote it, and where or when.")
    )

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"
        description = _("A quotation set apart from the text, with who said it")
        preview_value = {
            "quote": "We only ask to see our children and to know that they are well.",
            "attribution": "A mother, Tehran, October 2002",
        }


def _latest(model):
    return model.objects.order_by("-created_at").first()


class FigureBlock(blocks.StructBlock):
    image = ImageBlock(
        help_text=_(
            "Describe what the image shows for people who cannot see it, or mark it "
            "decorative if it adds nothing to the text."
        )
    )
    caption = blocks.CharBlock(
        required=False, max_length=250, help_text=_("Shown under the image, e.g. its source.")
    )

    def get_preview_value(self):
        image = _latest(get_image_model())
        return self.to_python(
            {
                "image": {
                    "image": image and image.pk,
                    "decorative": False,
                    "alt_text": image and image.title,
                },
                "caption": image and image.title,
            }
        )

    class Meta:
        icon = "image"
        template = "blocks/figure_block.html"
        description = _("An image with a description for screen readers and an optional caption")


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(help_text=_("A PDF, Word, OpenDocument or text file."))
    title = blocks.CharBlock(
        required=False,
        max_length=200,
        help_text=_("The link's text. The document's own title is used when left blank."),
    )

    def get_preview_value(self):
        document = _latest(get_document_model())
        return self.to_python({"document": document and document.pk, "title": ""})

    class Meta:
        icon = "doc-full"
        template = "blocks/document_block.html"
        description = _("A link to a document, with its file type and size")


class TableBlock(TypedTableBlock):
    text = blocks.CharBlock(max_length=200)
    number = blocks.DecimalBlock()
    date = blocks.DateBlock()
    rich_text = blocks.RichTextBlock(features=["bold", "italic", "link"], label=_("Rich text"))

    class Meta:
        icon = "table"
        template = "blocks/table_block.html"
        description = _("A table with a caption and headed columns")
        preview_value = {
            "caption": "Families who asked to visit, by country",
            "columns": [
                {"type": "text", "heading": "Country of residence"},
                {"type": "number", "heading": "Families"},
            ],
            "rows": [{"values": ["Germany", 18]}, {"values": ["United Kingdom", 12]}],
        }


class ParagraphBlock(blocks.RichTextBlock):
    class Meta:
        icon = "pilcrow"
        template = "blocks/paragraph_block.html"
        description = _("Text with sub-headings, emphasis, links and lists")
        preview_value = (
            "<p>Families have the right to <b>free and unfettered</b> contact with their "
            "relatives.</p>"
        )


class QuestionBlock(AnchoredBlock):
    anchor_source = "question"

    question = blocks.CharBlock(max_length=250, help_text=_("The question as a reader asks it."))
    anchor = blocks.CharBlock(required=False, max_length=80, help_text=ANCHOR_HELP)
    answer = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, help_text=_("The answer."))

    class Meta:
        icon = "help"
        template = "blocks/question_block.html"
        description = _("A question and its answer, listed at the top of the page")
        preview_value = {
            "question": "Who can ask for news of a relative?",
            "anchor": "who-can-ask",
            "answer": "<p>Anyone whose relative is a member of the organisation.</p>",
        }


class QuestionStreamBlock(UniqueAnchorsStreamBlock):
    question = QuestionBlock()
