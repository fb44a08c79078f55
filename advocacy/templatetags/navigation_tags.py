from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import timezone, translation
from wagtail.models import Page, Site, TranslatableMixin

from advocacy.models import SiteSettings
from base.site_data import localized
from base.translations import outdated_original

register = template.Library()


def _once_per_request(compute):
    """The header and footer (or head) of a page ask for the same thing: work it out once."""

    def tag(context):
        request = context.get("request")
        if request is None:
            return compute(context)
        page = context.get("page")
        key = (compute.__name__, getattr(page, "pk", None))
        found = request.__dict__.setdefault("_navigation_tags", {})
        if key not in found:
            found[key] = compute(context)
        return found[key]

    tag.__name__ = compute.__name__
    tag.__doc__ = compute.__doc__
    return tag


@register.simple_tag(takes_context=True)
@_once_per_request
def site_navigation(context):
    """The home page in the reader's language and its live, public children shown in menus."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return {"home": None, "items": []}
    data = getattr(request, "site_data", None)
    if data is not None:
        home, items = data.menu(site, data.locale())
        privacy = data.settings_page(site, "privacy_page", data.locale())
        return {"home": home, "items": items, "privacy": privacy}
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
    """The pages above page, from the site's home page down: as routing found them, if it did."""
    found_page, trail = getattr(request, "route_trail", (None, None))
    if found_page == page.pk:
        return trail
    # The site's home page, or its translation, is at the depth of the site's root page: a
    # site rooted below another's home links to nothing above its own.
    site = Site.find_for_request(request) if request else None
    home_depth = site.root_page.depth if site else 2
    return (
        list(page.get_ancestors().filter(depth__gte=home_depth)) if page.depth > home_depth else []
    )


@register.simple_tag(takes_context=True)
@_once_per_request
def language_links(context):
    """For each other language: where what the page shows is in it (its live translation, or
    else that language's home page), and its translations for hreflang alternates. What the
    page shows is the page itself, or the snippet it names as translatable (an appeal); a view
    whose context sets in_every_language has the same address under each language's prefix.

    Returns {"links": [(code, name, url, is_translation)], "alternates": [(code, url)],
    "outdated_original": the original, when it was published after this translation}.
    """
    request = context.get("request")
    shown = context.get("translatable") or context.get("page")
    current = translation.get_language()
    known, translations = [], {}
    if isinstance(shown, TranslatableMixin) and shown.pk:
        known = _live_translations(request, shown)
        data = getattr(request, "site_data", None)
        for other in known:
            locale = data.locale_by_id(other.locale_id) if data else other.locale
            translations[locale.language_code] = other
    links, alternates = [], []
    for code, name in settings.LANGUAGES:
        if code == current:
            if translations:
                alternates.append((code, request.build_absolute_uri(shown.get_url(request))))
            continue
        target = translations.get(code)
        url = target.get_url(request) if target is not None else None
        if context.get("in_every_language") and request is not None:
            # A view that is the same in each language under its prefix (the follow pages).
            target, url = True, translate_url(request.path, code)
        if url:
            alternates.append((code, request.build_absolute_uri(url)))
        else:
            target, url = None, _home_url(request, code)
        if url:
            links.append((code, name, url, target is not None))
    return {
        "links": links,
        "alternates": alternates,
        "outdated_original": outdated_original(shown, known) if known else None,
    }


def _live_translations(request, shown):
    if isinstance(shown, Page):
        found_page, known = getattr(request, "route_translations", (None, None))
        if found_page == shown.pk:
            return known
    return list(shown.get_translations().filter(live=True).select_related("locale"))


def _home_url(request, code):
    """The site's home page in language code, where it has one (a live translation, or the
    root page itself)."""
    site = Site.find_for_request(request) if request else None
    if site is None:
        return None
    data = getattr(request, "site_data", None)
    if data is not None:
        home = data.home(site, data.locale(code))
        if home is None or home.locale_id != data.locale(code).pk:
            return None
    else:
        translations = site.root_page.get_translations(inclusive=True)
        home = translations.filter(locale__language_code=code).first()
        if home is None or not (home.live or home.pk == site.root_page_id):
            return None
    with translation.override(code):
        return home.get_url(request)


@register.filter(name="localized")
def localized_filter(instance):
    """{{ appeal.campaign|localized }}: a linked page or snippet in the reader's language where
    it is translated. Translating a page or snippet copies its links to the originals."""
    return localized(instance)


@register.simple_tag
def is_within(page, section):
    """Whether page is section itself or below it, to mark the menu item readers are in."""
    return bool(page) and page.path.startswith(section.path)


@register.inclusion_tag("includes/translation_notice.html", takes_context=True)
def translation_notice(context):
    """On a translation whose original was published after it: says so, with the date, and
    links to the original."""
    original = language_links(context)["outdated_original"]
    if original is None:
        return {}
    code = settings.LANGUAGE_CODE
    return {
        "original_url": original.get_url(context.get("request")),
        "code": code,
        "language": translation.get_language_info(code)["name_translated"],
        "updated_on": timezone.localdate(original.last_published_at),
    }
