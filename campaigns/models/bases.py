"""What the campaigns' page types and snippets share: dates of known precision, the timeline's
feeds and filters, the section pages under the home page, and the snippets' publishing life."""

import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import (
    DraftStateMixin,
    Locale,
    LockableMixin,
    Page,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
    WorkflowMixin,
)
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from base.dates import SOLAR_YEARS, uses_solar_years
from base.models import SUMMARY_LENGTH, SitePage
from base.page_warm import addresses

# Links readers follow must be web addresses (not ftp: or the like).
WEB_ADDRESS = URLValidator(schemes=["http", "https"])
ENTRIES_PER_PAGE = 20


class Precision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month only")
    YEAR = "year", _("Year only")


def publication_time():
    """When an entry was first published, as the timeline's order by publication has it.
    Entries saved as live without being published (an import, say) have only a last
    publication time, or none: those come last, as if published at the start of time, a value
    rather than NULL so that one index serves the order (a NULLS LAST index is PostgreSQL's
    alone)."""
    start_of_time = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    return Coalesce("first_published_at", "last_published_at", Value(start_of_time))


def notify_followers_field():
    """The tick that tells followers of a publish that is not the first (campaigns/followers/
    notices.py); a first publish tells them without it."""
    return models.BooleanField(
        _("notify followers"),
        default=False,
        help_text=_(
            "Followers hear of the first publish by e-mail anyway. Tick this to tell them of "
            "this publish too (news they should know of); leave it for corrections and "
            "translation updates. It unticks itself once the mail is on its way."
        ),
    )


def truncate_to_precision(date, precision):
    """The day a date sorts by: the first of its month, or of its year."""
    if precision == Precision.MONTH:
        return date.replace(day=1)
    if precision == Precision.YEAR:
        return date.replace(month=1, day=1)
    return date


class TimelineFeedsMixin(RoutablePageMixin):
    """feed/rss/ and feed/atom/ below a page that has a timeline() and a timeline_url()."""

    # Routes rendered afresh with the page after a change (base/page_warm.py).
    warm_routes = ("rss_route", "atom_route")

    def page_cache_addresses(self):
        return addresses(self, *(self.reverse_subpage(name) for name in self.warm_routes))

    @path("feed/rss/")
    def rss_route(self, request):
        from ..feeds import TimelineRssFeed  # which imports the models

        return TimelineRssFeed()(request, page=self)

    @path("feed/atom/")
    def atom_route(self, request):
        from ..feeds import TimelineAtomFeed  # which imports the models

        return TimelineAtomFeed()(request, page=self)


class SectionPage(SitePage):
    """A page of its own kind directly under the home page, one per language: a short intro
    above a listing the page builds itself."""

    intro = models.TextField(blank=True, max_length=SUMMARY_LENGTH, help_text=_("Shown above."))

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = [settings.HOME_PAGE_MODEL]
    subpage_types = []
    max_count_per_parent = 1
    show_in_menus_default = True
    # Other pages link to it: the site data keeps the one of each language (base/site_data.py).
    site_section = True

    class Meta:
        abstract = True

    def get_summary(self):
        return self.intro


def year_filter(request):
    """The ?year= filter: absent, or a year (Solar Hijri on Persian pages, as their headings and
    the filter's own links are); anything else is not a page of ours."""
    raw = request.GET.get("year")
    if not raw:
        return None
    years = SOLAR_YEARS if uses_solar_years() else range(1, 10000)
    if not raw.isascii() or not raw.isdigit() or int(raw) not in years:
        raise Http404("No such year")
    return int(raw)


def year_options(timeline, year):
    """The years of the year filter: those with entries, and the one chosen even without any,
    so that the filter still shows what the reader asked for when nothing matches it."""
    years = timeline.years()
    if year is not None and year not in years:
        years = sorted([*years, year], reverse=True)
    return years


class TimelinePaginator(Paginator):
    """Django's paginator (its numbering, orphans and get_page), with each page's rows read
    from the nearer end of the timeline (Timeline.page)."""

    def __init__(self, timeline, per_page):
        self.timeline = timeline
        super().__init__(timeline.rows(), per_page)

    @cached_property
    def count(self):
        return self.timeline.count()

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.timeline.page(bottom, top, self.count), number, self)


def paginated_timeline(request, timeline):
    page = TimelinePaginator(timeline, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    return {"entries": timeline.hydrate(page.object_list), "page_obj": page}


def campaign_addresses(campaign, locale):
    """A campaign's addresses for the warm after a change (base/page_warm.py), in a language:
    developments and appeals point at the campaign of another language until an editor changes
    them."""
    if campaign is not None and campaign.locale_id != locale.pk:
        campaign = campaign.get_translation_or_none(locale)
    if campaign is None or not campaign.live:
        return []
    return campaign.page_cache_addresses()


class PublishingQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def live(self):
        return self.filter(live=True)

    def in_language(self, locale=None):
        return self.filter(locale=locale or Locale.get_active())

    def for_campaign(self, campaign):
        """Entries of a campaign, whichever language's copy of the campaign they point at."""
        return self.filter(campaign__translation_key=campaign.translation_key)


class Publishable(
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    TranslatableMixin,
    index.Indexed,
    models.Model,
):
    """Drafts, revisions, locking, previews, moderation and translation, as pages have."""

    class Meta(TranslatableMixin.Meta):
        abstract = True

    @property
    def revisions(self):
        return self._revisions

    def copy_for_translation(self, locale, exclude_fields=None):
        """A translation starts as a draft that has never been published, as a page's does.
        Wagtail's copy of a snippet would be live at once, in the original's words, without
        moderation; and, sharing its dates, never read as out of date."""
        translation = super().copy_for_translation(locale, exclude_fields=exclude_fields)
        translation.live = False
        translation.has_unpublished_changes = True
        translation.live_revision = None
        translation.first_published_at = translation.last_published_at = None
        translation.go_live_at = translation.expire_at = None
        translation.expired = False
        translation.locked, translation.locked_at, translation.locked_by = False, None, None
        return translation
