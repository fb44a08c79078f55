from urllib.parse import quote

from django import template
from django.utils.translation import gettext as _

from campaigns.models import AppealIndexPage

register = template.Library()


@register.simple_tag(takes_context=True)
def appeal_url(context, appeal):
    """The appeal's public address, looking up each language's appeals page once per request."""
    request = context.get("request")
    found = getattr(request, "_appeal_index_pages", {}) if request else {}
    if appeal.locale_id not in found:
        found[appeal.locale_id] = AppealIndexPage.for_locale(appeal.locale_id)
        if request is not None:
            request._appeal_index_pages = found
    index_page = found[appeal.locale_id]
    return index_page.url_for(appeal, request) if index_page else ""


@register.inclusion_tag("includes/share_links.html", takes_context=True)
def share_links(context, title):
    """Plain links to share the current page: nothing loads from these sites until clicked."""
    request = context["request"]
    url = request.build_absolute_uri(request.path)
    u, t = quote(url, safe=""), quote(title, safe="")
    return {
        "url": url,
        "links": [
            (_("E-mail"), f"mailto:?subject={t}&body={u}"),
            ("Telegram", f"https://t.me/share/url?url={u}&text={t}"),
            ("WhatsApp", f"https://wa.me/?text={t}%20{u}"),
            ("X", f"https://x.com/intent/post?text={t}&url={u}"),
            ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={u}"),
        ],
    }
