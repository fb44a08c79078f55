from django import template
from django.utils.safestring import mark_safe

from base.rich_text import unlink_placeholders

register = template.Library()


@register.filter
def without_placeholder_links(html):
    """Wagtail's rendered rich text (already sanitised), without links that lead nowhere."""
    return mark_safe(unlink_placeholders(str(html)))  # noqa: S308 - Wagtail's own output
