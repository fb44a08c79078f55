from django import template
from django.utils.safestring import mark_safe

from base.rich_text import mark_other_languages, unlink_placeholders

register = template.Library()


@register.filter
def without_placeholder_links(html):
    """Wagtail's rendered rich text (already sanitised), without links that lead nowhere, and
    with links to pages only in another language saying so."""
    return mark_safe(mark_other_languages(unlink_placeholders(str(html))))  # noqa: S308 - Wagtail's own output
