from django import template
from wagtail.models import Site

from advocacy.models import SiteSettings

register = template.Library()


@register.simple_tag(takes_context=True)
def site_navigation(context):
    """The home page in the reader's language and its live, public children shown in menus."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return {"home": None, "items": []}
    data = getattr(request, "site_data", None)
    if data is not None:
        home, items = data.menu(site, data.locale())
        return {"home": home, "items": items, "privacy": data.privacy_page(site, data.locale())}
    home = site.root_page.localized
    items = home.get_children().live().public().in_menu()
    privacy = SiteSettings.for_request(request).privacy_page
    return {"home": home, "items": list(items), "privacy": privacy and privacy.localized}


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page, current=None):
    """The trail from the home page down to, but not including, the current page. With
    current (the title of something a page shows below itself, such as an appeal), the page
    joins the trail and current ends it."""
    request = context.get("request")
    ancestors = _ancestors(request, page)
    if current is not None:
        ancestors = [*ancestors, page]
    return {
        "request": request,
        "ancestors": ancestors,
        "current": current or page.title,
    }


def _ancestors(request, page):
    """The pages above page, from the home page down: as routing found them, if it did."""
    found_page, trail = getattr(request, "route_trail", (None, None))
    if found_page == page.pk:
        return trail
    return list(page.get_ancestors().filter(depth__gt=1)) if page.depth > 2 else []


@register.simple_tag
def is_within(page, section):
    """Whether page is section itself or below it, to mark the menu item readers are in."""
    return bool(page) and page.path.startswith(section.path)
