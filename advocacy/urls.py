from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps import views as sitemaps
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.urls import serve_pattern

from base.sitemaps import SiteSitemap
from campaigns import views as campaign_views
from campaigns.followers import urls as follower_urls

from . import views

handler500 = "advocacy.views.server_error"
SITEMAPS = {"pages": SiteSitemap}

urlpatterns = [
    path(settings.ADMIN_PATH, include(wagtailadmin_urls)),
    path(settings.DOCUMENTS_PATH, include(wagtaildocs_urls)),
    # An index of sections, each within the 50,000 addresses a sitemap may hold.
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path(
        f"{settings.APPEAL_ACTION_PATH}<int:appeal_id>/",
        campaign_views.appeal_action,
        name="appeal_action",
    ),
    path(
        f"{settings.APPEAL_ACTION_PATH}<int:appeal_id>/sent/",
        campaign_views.appeal_sent,
        name="appeal_sent",
    ),
    path(
        f"{settings.APPEAL_ACTION_PATH}<int:appeal_id>/<slug:channel>/",
        campaign_views.appeal_action,
        name="appeal_channel",
    ),
]

# `make run` serves uploads itself, but not documents' files: those go through /documents/,
# which checks the privacy of their collection.
development_media = [re_path(r"^media/(?!documents/)(?P<path>.+)$", views.development_media)]
if settings.DEBUG:
    urlpatterns += development_media

# English has no prefix; Persian lives under /fa/.
urlpatterns += i18n_patterns(
    path(settings.SEARCH_PATH, views.search, name="search"),
    path("", include(follower_urls)),
    # Wagtail's password form and front-end login (its _util/ routes), then its page view,
    # which ours replaces and finishes with: its pattern would take _util/ for pages.
    *[pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve"],
    re_path(serve_pattern, views.serve, name="wagtail_serve"),
    prefix_default_language=False,
)
