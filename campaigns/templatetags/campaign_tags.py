from urllib.parse import quote, urlencode

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from base import site_data

from ..models import TimelinePage

register = template.Library()


@register.simple_tag(takes_context=True)
def appeal_url(context, appeal):
    """The appeal's public address, below its language's appeals page."""
    return appeal.get_url(context.get("request")) or ""


@register.simple_tag(takes_context=True)
def link_url(context, entry):
    """Where a development's headline leads, built with the request as the page's other links
    are: without it, Wagtail asked the cache for the sites' root paths once per linked page,
    and wrote a full address where two sites share the page."""
    return entry.get_link_url(context.get("request"))


@register.inclusion_tag("includes/share_links.html", takes_context=True)
def share_links(context, title):
    """Plain links to share the current page: nothing loads from these sites until clicked.
    The services' names are written in the reader's script, as their own apps write them."""
    request = context["request"]
    url = request.build_absolute_uri(request.path)
    u, t = quote(url, safe=""), quote(title, safe="")
    return {
        "url": url,
        "links": [
            (_("E-mail"), f"mailto:?subject={t}&body={u}"),
            (pgettext("share on", "Telegram"), f"https://t.me/share/url?url={u}&text={t}"),
            (pgettext("share on", "WhatsApp"), f"https://wa.me/?text={t}%20{u}"),
            (pgettext("share on", "X"), f"https://x.com/intent/post?text={t}&url={u}"),
            (pgettext("share on", "Facebook"), f"https://www.facebook.com/sharer/sharer.php?u={u}"),
        ],
    }


@register.simple_tag(takes_context=True)
def additions_url(context, campaign):
    """The address of the timeline's entries of the campaign, the newest additions first; ""
    if the language has no timeline page."""
    timeline = site_data.section(TimelinePage, campaign.locale_id)
    if timeline is None:
        return ""
    query = urlencode({"campaign": campaign.slug, "order": "added"})
    return f"{timeline.get_url(context.get('request'))}?{query}"
