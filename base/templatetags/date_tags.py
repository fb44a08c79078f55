from django import template
from django.utils import translation

from base.dates import DAY, display_date, filing_year, persian_digits

register = template.Library()


@register.filter
def local_date(date, precision=DAY):
    """{{ appeal.closes_on|local_date }}: the date as readers of the page's language read it."""
    return display_date(date, precision) if date else ""


@register.filter
def local_digits(number):
    """A number in the digits of the page's language: Persian digits on Persian pages."""
    return persian_digits(number) if translation.get_language() == "fa" else number


@register.filter
def timeline_year(date):
    """{% regroup entries by date|timeline_year %}: the year an entry is filed under, Solar
    Hijri on Persian pages (base.dates.filing_year)."""
    return filing_year(date)
