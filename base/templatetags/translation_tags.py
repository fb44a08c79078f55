from django import template
from django.utils.html import format_html

from base.translations import other_language

register = template.Library()


@register.filter(name="other_language")
def other_language_filter(instance):
    """{% with other=page|other_language %}: the language of a page or snippet that is not in
    the reader's language, to mark a link to it with hreflang and "(in English)"; else None."""
    return other_language(instance) if instance is not None else None


@register.filter
def linked_title(title, other):
    """{{ page.title|linked_title:other }}: the title as a link's words; for a page in another
    language (other, from other_language), marked as in that language and followed by
    "(in English)" in the reader's."""
    if not other:
        return title
    return format_html(
        '<span lang="{}" dir="{}">{}</span> <span class="other-language">{}</span>',
        other["code"],
        other["dir"],
        title,
        other["mark"],
    )
