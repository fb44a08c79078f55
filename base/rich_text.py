"""Rich text links and embeds whose stored id leads nowhere.

The admin's choosers only store ids they found, but a crafted POST, an import or a later
deletion can leave any string in `<a linktype="page" id="…">`, `<a linktype="document">` or
`<embed embedtype="image">`, or no address in `<embed embedtype="media">`. Wagtail passed those
strings to the database, which raises on one that is not a number, so the page answered 500 to
readers and its edit view to editors. Here such an id counts as no id: readers get the link's
words (an embed is left out) and the admin shows the editor a broken link to mend. Registered
in base/wagtail_hooks.py.
"""

import re

from django.apps import apps
from django.utils.html import format_html
from wagtail.admin.rich_text.converters import contentstate, html_to_contentstate
from wagtail.admin.rich_text.converters.contentstate_models import Entity
from wagtail.documents.rich_text import DocumentLinkHandler
from wagtail.documents.rich_text.contentstate import (
    DocumentLinkElementHandler,
    document_link_entity,
)
from wagtail.images.formats import get_image_format
from wagtail.images.rich_text import ImageEmbedHandler
from wagtail.images.rich_text.contentstate import ImageElementHandler, image_entity
from wagtail.models import Page
from wagtail.rich_text import EmbedHandler
from wagtail.rich_text.pages import PageLinkHandler
from wagtail.whitelist import check_url

from .site_data import active_locale
from .translations import other_language

# The largest key SQLite and PostgreSQL store; SQLite raised OverflowError on a larger id.
LARGEST_ID = 2**63 - 1

# What Wagtail puts in place of a link whose page or document is not found: an <a> with nothing
# else, which the site's CSS colours like a link that leads nowhere. Draftail never saves one.
PLACEHOLDER_LINK = re.compile(r"<a>(.*?)</a>", re.DOTALL)
OTHER_LANGUAGE_LINK = re.compile(r'(<a [^>]*?) data-other-language="([^"]*)">(.*?)</a>', re.DOTALL)


def entity_id(value):
    """The stored id as a number a database can look up, or None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= LARGEST_ID else None


class CheckedIdMixin:
    """Looks up only ids that are numbers, still all of a kind in one query."""

    @classmethod
    def get_many(cls, attrs_list):
        # A None id matches nothing and costs no query: Django leaves it out of `IN (…)`.
        return super().get_many(
            [{**attrs, "id": entity_id(attrs.get("id"))} for attrs in attrs_list]
        )

    @classmethod
    def extract_references(cls, attrs):
        # The reference index runs on every save; a missing id raised KeyError there.
        if entity_id(attrs.get("id")) is not None:
            yield from super().extract_references(attrs)


class CheckedPageLinkHandler(CheckedIdMixin, PageLinkHandler):
    @classmethod
    def expand_db_attributes_many(cls, attrs_list):
        # As Wagtail: to the page in the reader's language where it has a live translation.
        # A link left with a page in another language says so (mark_other_languages below).
        # Wagtail fetched the linked pages as their specific types, then each one's
        # translation: three queries for a value with one link, one more per link on a Persian
        # page (the About page took 10). A link needs only a URL: the pages and their live
        # translations come in one query here.
        ids = [entity_id(attrs.get("id")) for attrs in attrs_list]
        locale = active_locale()
        # The linked pages and every translation of them, along the index on translation keys
        # (base.translations.in_language says why not "linked OR translated").
        linked = Page.objects.filter(pk__in=ids)
        found = Page.objects.filter(translation_key__in=linked.values("translation_key"))
        by_id, translations = {}, {}
        for page in found:
            if page.pk in ids:
                by_id[page.pk] = page
            if page.locale_id == locale.pk and page.live:
                translations[page.translation_key] = page
        tags = []
        for page_id in ids:
            page = by_id.get(page_id)
            if page is None:
                tags.append("<a>")
                continue
            if page.locale_id != locale.pk:
                page = translations.get(page.translation_key, page)
            other = other_language(page)
            if other is None:
                tags.append(format_html('<a href="{}">', page.url))
            else:
                tags.append(
                    format_html(
                        '<a href="{}" hreflang="{}" data-other-language="{}">',
                        page.url,
                        other["code"],
                        other["mark"],
                    )
                )
        return tags


class CheckedDocumentLinkHandler(CheckedIdMixin, DocumentLinkHandler):
    pass


class CheckedImageEmbedHandler(CheckedIdMixin, ImageEmbedHandler):
    @classmethod
    def expand_db_attributes_many(cls, attrs_list):
        # Wagtail shows a missing image as an empty <img alt="">: a hole in the text.
        return [
            image_html(image, attrs) if image else ""
            for attrs, image in zip(attrs_list, cls.get_many(attrs_list), strict=True)
        ]


class CheckedMediaEmbedHandler(EmbedHandler):
    """Wagtail's media embed, which raised KeyError on one without an address."""

    identifier = "media"

    @staticmethod
    def expand_db_attributes(attrs):
        if not attrs.get("url"):
            return ""
        # Imported here: no field offers embeds, so wagtail.embeds may leave INSTALLED_APPS.
        from wagtail.embeds.format import embed_to_frontend_html

        return embed_to_frontend_html(attrs["url"])


def image_html(image, attrs):
    try:
        image_format = get_image_format(attrs.get("format"))
    except KeyError:
        return ""
    return image_format.image_to_html(image, attrs.get("alt", ""))


def mark_other_languages(html):
    """Rich text HTML with "(in English)" (in the reader's language) at the end of each link
    to a page that is only in another language. Wagtail's rewriter writes only a link's
    opening tag, where CheckedPageLinkHandler leaves the words to add."""
    return OTHER_LANGUAGE_LINK.sub(r'\1>\3 <span class="other-language">\2</span></a>', html)


def unlink_placeholders(html):
    """Rich text HTML with each placeholder link replaced by its words. Wagtail's rewriter
    replaces only the opening tag of a link, so this takes its closing tag away afterwards:
    templates/wagtailcore/shared/richtext.html, which every rendering of rich text for readers
    goes through (RichText and the |richtext filter), applies it."""
    return PLACEHOLDER_LINK.sub(r"\1", html)


# From the database to the Draftail editor, and back


class CheckedPageLinkElementHandler(html_to_contentstate.PageLinkElementHandler):
    def get_attribute_data(self, attrs):
        id_ = entity_id(attrs.get("id"))
        if id_ is None:
            # Shown as a broken link; saved as its words (link_entity below).
            return {"id": None, "url": None, "parentId": None}
        return super().get_attribute_data({**attrs, "id": id_})


class CheckedDocumentLinkElementHandler(DocumentLinkElementHandler):
    def get_attribute_data(self, attrs):
        id_ = entity_id(attrs.get("id"))
        return {} if id_ is None else super().get_attribute_data({**attrs, "id": id_})


class CheckedImageElementHandler(ImageElementHandler):
    def create_entity(self, name, attrs, state, contentstate):
        try:
            get_image_format(attrs.get("format"))
        except KeyError:
            known_format = False
        else:
            known_format = True
        if entity_id(attrs.get("id")) is not None and known_format:
            return super().create_entity(name, attrs, state, contentstate)
        return Entity(
            "IMAGE",
            "IMMUTABLE",
            {"id": None, "src": "", "alt": attrs.get("alt"), "format": attrs.get("format")},
        )


def link_entity(props):
    """A page link keeps only an id that is a number; a link to neither a page nor a usable
    address (Wagtail raised on a missing one, and kept an empty <a> for javascript:) keeps
    only its words."""
    if props.get("id") is not None:
        id_ = entity_id(props["id"])
        return props["children"] if id_ is None else contentstate.link_entity({**props, "id": id_})
    url = props.get("url")
    if not url or not isinstance(url, str) or check_url(url) is None:
        return props["children"]
    return contentstate.link_entity(props)


def document_entity(props):
    id_ = entity_id(props.get("id"))
    return props["children"] if id_ is None else document_link_entity({**props, "id": id_})


CONTENTSTATE_RULES = {
    "link": {
        "from_database_format": {
            "a[href]": html_to_contentstate.ExternalLinkElementHandler("LINK"),
            'a[linktype="page"]': CheckedPageLinkElementHandler("LINK"),
        },
        "to_database_format": {"entity_decorators": {"LINK": link_entity}},
    },
    "document-link": {
        "from_database_format": {
            'a[linktype="document"]': CheckedDocumentLinkElementHandler("DOCUMENT"),
        },
        "to_database_format": {"entity_decorators": {"DOCUMENT": document_entity}},
    },
    "image": {
        "from_database_format": {'embed[embedtype="image"]': CheckedImageElementHandler()},
        "to_database_format": {"entity_decorators": {"IMAGE": image_entity}},
    },
}


def register_checked_ids(features):
    """In place of Wagtail's own handlers of the same names: run after them."""
    features.register_link_type(CheckedPageLinkHandler)
    features.register_link_type(CheckedDocumentLinkHandler)
    features.register_embed_type(CheckedImageEmbedHandler)
    if apps.is_installed("wagtail.embeds"):
        features.register_embed_type(CheckedMediaEmbedHandler)
    for feature, rule in CONTENTSTATE_RULES.items():
        features.register_converter_rule("contentstate", feature, rule)
