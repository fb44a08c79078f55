import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.images.models import SourceImageIOError

from advocacy.models import SiteSettings

register = template.Library()

OPEN_GRAPH_LOCALES = {"en": "en_GB", "fa": "fa_IR"}
SHARE_IMAGE_SPEC = "fill-1200x630|format-jpeg"

# The characters that could end a <script> element or open a comment inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def ld_json(data):
    """A JSON-LD block for search engines; safe whatever the editors typed."""
    text = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.inclusion_tag("includes/page_meta.html", takes_context=True)
def page_meta(context, page, shown=None):
    """Description, canonical address, Open Graph and Twitter card tags for a page, or for what
    it shows at an address of its own (shown: an appeal on the appeals page)."""
    request = context["request"]
    site_settings = SiteSettings.for_request(request)
    subject = shown or page
    # Wagtail's own page types (such as its welcome page) lack the SitePage methods.
    page_image = subject.get_share_image() if hasattr(subject, "get_share_image") else None
    image = page_image or site_settings.default_share_image
    try:
        rendition = image.get_rendition(SHARE_IMAGE_SPEC) if image else None
    except SourceImageIOError:
        # The file is gone from storage: share the page without a picture rather than fail.
        image = rendition = None
    return {
        "title": getattr(subject, "seo_title", "") or subject.title,
        "description": (
            subject.get_meta_description()
            if hasattr(subject, "get_meta_description")
            else subject.search_description
        ),
        "canonical": request.build_absolute_uri(subject.get_url(request)),
        "site_name": site_settings.name,
        "og_type": getattr(subject, "og_type", "website"),
        "og_locale": OPEN_GRAPH_LOCALES.get(get_language(), "en_GB"),
        "image": rendition and request.build_absolute_uri(rendition.url),
        "image_alt": image
        and (
            # The default image's description in the reader's language (the image's own is in one).
            (image is not page_image and site_settings.share_image_alt)
            or image.default_alt_text
            or image.title
        ),
        "rendition": rendition,
    }
