from django import template
from django.conf import settings

from base import site_data

register = template.Library()


@register.inclusion_tag("includes/mirrors.html", takes_context=True)
def mirrors(context, heading_level=None, examples=None):
    """The other addresses the site is read at: the mirrors editors list in the site settings
    (SITE_SETTINGS_MODEL's `mirrors`), and the onion service (ONION_ADDRESS) at the same page.
    For the footer of every page, and a section of a page where editors place it; examples
    stand in for an empty list in the admin's block preview."""
    request = context.get("request")
    values = site_data.site_settings_model().for_request(request) if request else None
    addresses = [
        {"url": block.value, "onion": False} for block in getattr(values, "mirrors", None) or ()
    ]
    if settings.ONION_ADDRESS:
        path = request.path if request else "/"
        addresses.append({"url": settings.ONION_ADDRESS + path, "onion": True})
    if not addresses and examples:
        addresses = [{"url": url, "onion": False} for url in examples]
    return {"addresses": addresses, "heading_level": heading_level}
