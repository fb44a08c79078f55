"""What every public page needs of its site, kept between the changes readers would see.

The site for the host asked, its languages, its settings, its home page and menu in each
language, the section pages that other pages link to and where the private parts of the tree
are: without this, every uncached page asked the database for all of them. Page types say what
is kept of them, with no import from here to them: `site_section = True` keeps the first live
page of the type in each language (the timeline, the appeals page), `site_child = True` the
first live, public page of the type below each parent (a campaign's family contact form),
`site_listed = True` the id, slug, title and translation key of every live, public page of the
type in each language, by title (the timeline's campaign filter, the follow form).

Each app server process builds it with a few queries on the first request after the page
cache's generation moved on (base/page_cache.py: any publish, move, delete or settings
change), and keeps only the newest. It is never older than the cached pages themselves, and a
process holds nothing another app server needs.
"""

import contextvars
import copy
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db.models import ForeignKey, Q
from django.http import Http404, HttpRequest
from django.http.request import split_domain_port
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.functional import cached_property
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, PageViewRestriction, Site, get_page_models
from wagtail.models.sites import SiteRootPath

from .page_cache import current_generation

_current = contextvars.ContextVar("site_data", default=None)
# Values SiteData.kept() keeps: a key per timeline, filter and language, so a few thousand
# (the 100× archive's campaigns) with room to spare, each a number or a short list.
KEPT_VALUES = 20_000
# What is kept of each page of a site_listed type (with its language, to sort them by).
LISTED = ("pk", "slug", "title", "translation_key", "locale_id")
_built = {}


@dataclass
class SiteData:
    sites: list
    locales: dict  # language code -> Locale
    site_settings: dict  # site id -> its SITE_SETTINGS_MODEL
    homes: dict  # (site id, locale id) -> the home page in that language, specific
    menus: dict  # (site id, locale id) -> the live, public pages shown in its menu
    sections: dict  # (model, locale id) -> the first live page of that type in that language
    private_paths: tuple  # the tree paths of pages with view restrictions
    settings_pages: dict  # (site id, field, locale id) -> the live page a setting names
    children: dict  # (model, parent's tree path) -> its first live, public child of that type
    site_texts: dict  # locale id -> the SITE_TEXT_MODEL in that language
    listed: dict  # (model, locale id) -> [{"pk", "slug", "title"}] of a site_listed type
    site_root_paths: list  # Site.get_site_root_paths(), which builds every page's address

    @classmethod
    def build(cls):
        SiteSettings = site_settings_model()  # noqa: N806 - a model class
        # In the order of Wagtail's site root paths (below): the most specific root first.
        sites = list(
            Site.objects.select_related("root_page").order_by(
                "-root_page__url_path", "-is_default_site", "hostname"
            )
        )
        locales = {locale.language_code: locale for locale in Locale.objects.all()}
        by_id = {locale.pk: locale for locale in locales.values()}
        private_paths = tuple(PageViewRestriction.objects.values_list("page__path", flat=True))
        # Several sites may share a root (www. and the bare domain, an onion address).
        roots = {}
        for site in sites:
            roots.setdefault(site.root_page.translation_key, []).append(site)
        homes, translations = {}, {}
        from .translations import localized_source_at

        for home in (
            Page.objects.filter(translation_key__in=roots)
            .annotate(localized_source_at=localized_source_at())
            .specific()
        ):
            home.locale = by_id[home.locale_id]
            translations.setdefault(home.translation_key, []).append(home)
            for site in roots[home.translation_key]:
                if home.live or home.pk == site.root_page_id:
                    # As Page.localized: a draft translation is not served.
                    homes[site.pk, home.locale_id] = home
        # As Wagtail builds them, with every translation of each site's root page; Wagtail
        # asked the cache for them on every request.
        site_root_paths = [
            SiteRootPath(site.pk, home.url_path, site.root_url, home.locale.language_code)
            for site in sites
            for home in translations[site.root_page.translation_key]
        ]
        menus = {key: [] for key in homes}
        by_path = {}
        for key, home in homes.items():
            by_path.setdefault(home.path, []).append(key)
        below_homes = Q(pk__in=[])
        for home in homes.values():
            below_homes |= Q(path__startswith=home.path, depth=home.depth + 1)
        # Specific, so that their addresses are kept too (url_parts below).
        for item in Page.objects.live().in_menu().filter(below_homes).order_by("path").specific():
            if not _within(item.path, private_paths):
                for key in by_path.get(item.path[: -Page.steplen], []):
                    menus[key].append(item)
        sections, children, listed = {}, {}, {}
        for model in get_page_models():
            if getattr(model, "site_section", False):
                for page in model.objects.live().order_by("path"):
                    page.locale = by_id[page.locale_id]
                    sections.setdefault((model, page.locale_id), page)
            if getattr(model, "site_child", False):
                for page in model.objects.live().order_by("path"):
                    if not _within(page.path, private_paths):
                        children.setdefault((model, page.path[: -Page.steplen]), page)
            if getattr(model, "site_listed", False):
                for item in model.objects.live().order_by("title").values(*LISTED, "path"):
                    if not _within(item.pop("path"), private_paths):
                        listed.setdefault((model, item.pop("locale_id")), []).append(item)
        links = [
            field.name
            for field in SiteSettings._meta.concrete_fields
            if isinstance(field, ForeignKey) and field.name != "site"
        ]
        saved = list(SiteSettings.objects.select_related(*links).filter(site__in=sites))
        site_settings = {values.site_id: values for values in saved}
        for site in sites:
            # Unsaved defaults until an editor saves some: building changes nothing.
            site_settings.setdefault(site.pk, SiteSettings(site=site))
        settings_pages = {}
        named = {}
        for values in saved:
            for field in links:
                if isinstance(getattr(values, field), Page):
                    key = getattr(values, field).translation_key
                    named.setdefault(key, []).append((values.site_id, field))
        for page in Page.objects.live().filter(translation_key__in=named):
            for site_id, field in named[page.translation_key]:
                settings_pages[site_id, field, page.locale_id] = page
        site_texts = {text.locale_id: text for text in site_text_model().objects.all()}
        return cls(
            site_texts=site_texts,
            children=children,
            listed=listed,
            site_root_paths=site_root_paths,
            sites=sites,
            locales=locales,
            site_settings=site_settings,
            homes=homes,
            menus=menus,
            sections=sections,
            private_paths=private_paths,
            settings_pages=settings_pages,
        )

    def site_for(self, request):
        """Wagtail's choice of site for a host (Site.find_for_request), without a query."""
        hostname = split_domain_port(request._get_raw_host())[0]
        port = request.get_port()
        port = int(port) if str(port).isdigit() else None
        for site in self.sites:
            if site.hostname == hostname and site.port == port:
                return site
        default = next((site for site in self.sites if site.is_default_site), None)
        if default is not None and default.hostname == hostname:
            return default
        named = [site for site in self.sites if site.hostname == hostname]
        if len(named) == 1:
            return named[0]
        return default

    def locale(self, language_code=None):
        """The Locale of a language (the active one by default), as Locale.get_active() finds it."""
        try:
            code = get_supported_content_language_variant(
                language_code or translation.get_language() or settings.LANGUAGE_CODE
            )
        except LookupError:
            code = None
        return (
            self.locales.get(code)
            or self.locales[get_supported_content_language_variant(settings.LANGUAGE_CODE)]
        )

    def home(self, site, locale):
        """The site's home page in a language, or in the site's own language if untranslated."""
        return self.homes.get((site.pk, locale.pk)) or self.homes.get(
            (site.pk, site.root_page.locale_id)
        )

    def menu(self, site, locale):
        home = self.home(site, locale)
        return home, self.menus.get((site.pk, home.locale_id), []) if home else []

    def settings_page(self, site, field, locale):
        """The live page a site setting names (such as the privacy page) in the reader's
        language, or in any language it exists in."""
        found = self.settings_pages.get((site.pk, field, locale.pk))
        return found or next(
            (
                page
                for (site_id, name, _), page in self.settings_pages.items()
                if (site_id, name) == (site.pk, field)
            ),
            None,
        )

    def site_text(self, locale):
        """The site-wide text in a language, else in the default language's, else any."""
        return _text_for(self.site_texts, locale, self.locale(settings.LANGUAGE_CODE))

    def locale_by_id(self, locale_id):
        return self.locales_by_id[locale_id]

    @cached_property
    def locales_by_id(self):
        return {locale.pk: locale for locale in self.locales.values()}

    def kept(self, key, compute):
        """compute(), kept while the site data lasts: for what pages work out from the content
        (a timeline's count and years), which no change can alter before new data is built.
        At most KEPT_VALUES of them, past which they are worked out each time."""
        try:
            return self._kept[key]
        except KeyError:
            value = compute()
            if len(self._kept) < KEPT_VALUES:
                self._kept[key] = value
            return value

    @cached_property
    def _kept(self):
        return {}

    def url_parts(self, page, request, compute):
        """Page.get_url_parts (compute), kept for the page's path in the active language, for
        the site of the request: all that it depends on while the site data lasts."""
        site = Site.find_for_request(request) if isinstance(request, HttpRequest) else None
        key = (
            page.url_path,
            translation.get_language(),
            getattr(site, "pk", None),
            get_script_prefix(),
            get_urlconf(),
        )
        try:
            return self._url_parts[key]
        except KeyError:
            found = self._url_parts[key] = compute(request)
            return found

    @cached_property
    def _url_parts(self):
        return {}

    def route(self, request, site, path):
        """Wagtail's routing (Page.route) from the home page in the reader's language, asking
        for every page on the path in one query instead of two queries a level. The same query
        brings their live translations. Records, for the page found, the trail of pages above
        it (for the breadcrumbs) and its translations (for the language links)."""
        home = self.home(site, self.locale())
        if home is None:
            raise Http404
        components = [component for component in path.split("/") if component]
        prefixes = [
            home.url_path + "/".join(components[: n + 1]) + "/" for n in range(len(components))
        ]
        found, translations = {}, {}
        if prefixes:
            # The pages on the path and their translations: those sharing a translation key
            # with a page on the path. One semi-join along two indexes (base migration 0003's
            # on url_path, Wagtail's on translation_key); "on the path OR a live translation"
            # read every page instead: 6.7 ms a request with the 100x archive, 0.4 ms this way.
            on_path = Page.objects.filter(url_path__in=prefixes)
            from .translations import localized_source_at

            candidates = Page.objects.filter(translation_key__in=on_path.values("translation_key"))
            if home.locale_id != self.locale(settings.LANGUAGE_CODE).pk:
                # Only a translation can be out of date (base.translations.outdated_original).
                candidates = candidates.annotate(localized_source_at=localized_source_at())
            for candidate in candidates:
                if candidate.url_path in prefixes:
                    found[candidate.url_path] = candidate
                elif candidate.live:
                    translations.setdefault(candidate.translation_key, []).append(candidate)
        else:
            translations[home.translation_key] = [
                other
                for (site_id, _), other in self.homes.items()
                if site_id == site.pk and other.pk != home.pk and other.live
            ]
        trail, page, depth = [], home, 0
        # A live routable page answers its own addresses before its children's, as in Wagtail.
        while depth < len(components) and not _routes_itself(page, components[depth:]):
            child = found.get(prefixes[depth])
            if child is None:
                raise Http404
            child._cached_parent_obj = page
            trail.append(page)
            page, depth = child, depth + 1
        if page is not home:
            page = page.specific
            page.locale = self.locale_by_id(page.locale_id)
        request.route_trail = (page.pk, trail)
        request.route_translations = (page.pk, translations.get(page.translation_key, []))
        return page.route(request, components[depth:])

    def child(self, model, parent):
        """The first live, public page of a site_child type below parent, if it has one."""
        return self.children.get((model, parent.path))

    def section(self, model, locale_id):
        return self.sections.get((model, locale_id))

    def listed_pages(self, model, locale_id):
        return self.listed.get((model, locale_id), [])

    def private_q(self):
        """Wagtail's PageQuerySet.private_q() from what is already known."""
        q = Q()
        for path in self.private_paths:
            q |= Q(path__startswith=path)
        return q if q else Q(pk__in=[])


def _routes_itself(page, components):
    model = page.specific_class
    if not (model and issubclass(model, RoutablePageMixin) and page.live):
        return False
    try:
        model.get_resolver().resolve("/" + "/".join(components) + "/")
    except Http404:
        return False
    return True


def _within(path, private_paths):
    return any(path.startswith(private) for private in private_paths)


def for_generation(generation):
    data = _built.get(generation)
    if data is None:
        data = SiteData.build()
        _built.clear()
        _built[generation] = data
    return data


def current():
    """The site data of the request being served, or None outside a request."""
    return _current.get()


def kept(key, compute):
    """compute(), kept while the site data of the request lasts (SiteData.kept)."""
    data = current()
    return compute() if data is None else data.kept(key, compute)


def site_settings_model():
    """The site's settings model (settings.SITE_SETTINGS_MODEL), which every page's header and
    footer read; the layer above names it, as AUTH_USER_MODEL names the user model."""
    return apps.get_model(settings.SITE_SETTINGS_MODEL)


def site_text_model():
    """The translatable model of the site's words in each language (settings.SITE_TEXT_MODEL:
    the organisation's name, tagline, address), named by the layer above as the settings are."""
    return apps.get_model(settings.SITE_TEXT_MODEL)


def site_text(memo=None):
    """The site-wide text in the reader's language, falling back to the default language's.
    Without the site data, one query, kept in memo (a dict the caller keeps for a request)."""
    data = current()
    if data is not None:
        return data.site_text(data.locale())
    locale = Locale.get_active()
    if memo is not None and locale.pk in memo:
        return memo[locale.pk]
    texts = {text.locale_id: text for text in site_text_model().objects.select_related("locale")}
    default = next(
        (
            text.locale
            for text in texts.values()
            if text.locale.language_code == settings.LANGUAGE_CODE
        ),
        None,
    )
    found = _text_for(texts, locale, default)
    if memo is not None:
        memo[locale.pk] = found
    return found


def _text_for(texts, locale, default_locale):
    found = texts.get(locale.pk)
    if found is None and default_locale is not None:
        found = texts.get(default_locale.pk)
    return found or next(iter(texts.values()), None)


def section(model, locale_id):
    """The first live page of a site_section page type in a language."""
    data = current()
    if data is not None:
        return data.section(model, locale_id)
    return model.objects.live().filter(locale_id=locale_id).order_by("path").first()


def listed(model, locale_id):
    """The id, slug, title and translation key of each live, public page of a site_listed type
    in a language, by title."""
    data = current()
    if data is not None:
        return data.listed_pages(model, locale_id)
    pages = model.objects.live().public().filter(locale_id=locale_id).order_by("title")
    return list(pages.values("pk", "slug", "title", "translation_key"))


def child(model, parent):
    """The first live, public page of a site_child page type directly below parent."""
    data = current()
    if data is not None:
        return data.child(model, parent)
    return model.objects.child_of(parent).live().public().order_by("path").first()


def public(pages):
    """pages.public() for any page queryset (Page.objects too, whose private_q() is Wagtail's),
    from the private paths the site data holds, without asking the database for them."""
    data = current()
    return pages.exclude(data.private_q()) if data is not None else pages.public()


def active_locale():
    data = current()
    return data.locale() if data is not None else Locale.get_active()


def localized(instance):
    """A page or snippet in the reader's language if it has a live translation, as Wagtail's
    .localized, without asking the database when it is in that language already."""
    locale = active_locale()
    if instance is None or instance.locale_id == locale.pk:
        return instance
    translation = (
        type(instance)
        .objects.filter(translation_key=instance.translation_key, locale=locale, live=True)
        .first()
    )
    return translation or instance


class SiteDataMiddleware:
    """Gives each request the site data, and Wagtail the site and settings it would look up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(settings.PAGE_CACHE_EXCLUDED_PREFIXES):
            return self.get_response(request)
        generation = getattr(request, "page_cache_generation", None) or current_generation()
        if generation is None:
            # No cache (Redis down, base.cache): nothing tells when the site data would be
            # out of date, so Wagtail looks everything up, as it does without this middleware.
            return self.get_response(request)
        data = for_generation(generation)
        site = data.site_for(request)
        request._wagtail_site = site
        request._wagtail_cached_site_root_paths = data.site_root_paths
        if site is not None:
            # A copy per request: Wagtail keeps the request on it to build page addresses.
            site_settings = copy.copy(data.site_settings[site.pk])
            site_settings._request = request
            setattr(request, site_settings.get_cache_attr_name(), site_settings)
        request.site_data = data
        token = _current.set(data)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
