from urllib.parse import quote

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def appeal_url(context, appeal):
    """The appeal's public address, below its language's appeals page."""
    return appeal.get_url(context.get("request")) or ""


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
