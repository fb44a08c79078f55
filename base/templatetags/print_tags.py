import re
from html import escape, unescape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# An <a> whose address is a path on this site: "/…" but not "//host/…".
_SITE_LINK = re.compile(r'<a\b(?P<before>[^>]*?)\shref="(?P<href>/(?!/)[^"]*)"(?P<after>[^>]*)>')


@register.filter(is_safe=True)
def print_addresses(html, request):
    """{% filter print_addresses:request %}…{% endfilter %}: each link to another page of the
    site carries its full address in data-print-href, for the print stylesheet to write after
    it. CSS can only print an attribute as it is, and on paper "/aims/" leads nowhere."""
    if request is None:
        return html

    def with_address(match):
        href = unescape(match["href"])
        # A link within the page needs no address on the page itself.
        if href.split("#")[0] in ("", request.path):
            return match[0]
        address = escape(request.build_absolute_uri(href))
        before, after = match["before"], match["after"]
        return f'<a{before} href="{match["href"]}"{after} data-print-href="{address}">'

    return mark_safe(_SITE_LINK.sub(with_address, str(html)))  # noqa: S308 (our own markup)
