from django import template
from django.utils import translation

from base.dates import DAY, display_date, persian_digits

register = template.Library()


@register.filter
def local_date(date, precision=DAY):
    """{{ appeal.closes_on|local_date }}: the date as readers of the page's language read it."""
    return display_date(date, precision) if date else ""


@register.filter
def local_digits(number):
    """A number in the digits of the page's language: Persian digits on Persian pages."""
    return persian_digits(number) if translation.get_language() == "fa" else number
