from django import template
from django.utils import translation

from base.bidi import isolate_latin_runs

register = template.Library()


@register.filter(is_safe=True)
def isolate_latin(html):
    """{% filter isolate_latin %}…{% endfilter %}: on right-to-left pages, each Latin name or
    acronym in the text isolated in a <bdi> (base/bidi.py); other pages as they are."""
    if not translation.get_language_bidi():
        return html
    return isolate_latin_runs(html)
