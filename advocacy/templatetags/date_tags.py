from django import template

from advocacy.dates import DAY, display_date

register = template.Library()


@register.filter
def local_date(date, precision=DAY):
    """{{ appeal.closes_on|local_date }}: the date as readers of the page's language read it."""
    return display_date(date, precision) if date else ""
