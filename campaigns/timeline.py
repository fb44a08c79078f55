"""The timeline: published developments and campaign updates as one list, newest first.

Both kinds live in their own tables; one UNION query orders and pages them together, so a page
of the timeline costs the same few queries however long the timeline grows.
"""

from functools import cached_property

from django.db import connection
from django.db.models import CharField, F, Max, Min, Value
from django.db.models.functions import ExtractYear
from django.utils.translation import get_language
from wagtail.models import Page

from base import site_data
from base.dates import solar_year, solar_year_days, uses_solar_years

from .models import CampaignPage, CampaignUpdatePage, Development
from .models.bases import publication_time

DEVELOPMENT, UPDATE = "development", "update"


class Timeline:
    def __init__(self, locale, campaign=None, year=None, campaigns=(), added_first=False):
        self.locale = locale
        self.campaign = campaign
        self.year = year
        # Campaign pages already at hand: updates below them need not look them up.
        self.known = {c.path: c for c in [*campaigns, campaign] if c is not None}
        self.added_first = added_first

    def in_year(self, year):
        """The entries filed under a year: a Solar Hijri year on Persian pages, as the headings
        are (base.dates.filing_year), a Gregorian year elsewhere."""
        if not year:
            return self
        return Timeline(self.locale, self.campaign, year, self.known.values(), self.added_first)

    def by_publication(self):
        """The same entries, the one first published last first (rows() and latest() then
        give them in that order): where an event of long ago, published today, is news."""
        return Timeline(self.locale, self.campaign, self.year, self.known.values(), True)

    def _in_year(self, queryset):
        if not self.year:
            return queryset
        if uses_solar_years():
            return queryset.filter(date__range=solar_year_days(self.year))
        return queryset.filter(date__year=self.year)

    def _developments(self):
        developments = Development.objects.live().filter(locale=self.locale)
        if self.campaign is not None:
            developments = developments.for_campaign(self.campaign)
        return self._in_year(developments)

    @cached_property
    def _updates(self):
        # Once per timeline: public() asks the database for the restricted pages.
        updates = CampaignUpdatePage.objects.live().public().filter(locale=self.locale)
        if self.campaign is not None:
            updates = updates.child_of(self.campaign)
        return self._in_year(updates)

    def rows(self, first=None, backwards=False):
        """(kind, id, date, title) rows, newest first, then by title: a queryset to slice. By
        publication (the third column then the publication time) if added_first.

        first: only the first so many rows of each kind are read, where the database can cut
        each side of the UNION (PostgreSQL; SQLite sorts the whole union): the rows a slice
        [:first] needs, found by walking the index that fits each side's order. backwards:
        the same rows in the reverse order, so that the last pages are read from that end."""
        date = "published" if self.added_first else "date"
        columns = ("kind", "pk", date, "sort_title")
        # Spelled out both ways: Django drops the reverse() of a sliced compound statement.
        if backwards:
            order = [F(column).desc() for column in ("sort_title", "kind", "pk")]
            order.insert(0, F(date).asc())
        else:
            order = [F(column).asc() for column in ("sort_title", "kind", "pk")]
            order.insert(0, F(date).desc())
        cut = first is not None and connection.features.supports_slicing_ordering_in_compound
        sides = []
        for queryset, kind, title in (
            (self._developments(), DEVELOPMENT, "headline"),
            (self._updates, UPDATE, "title"),
        ):
            side = queryset.annotate(
                kind=Value(kind, output_field=CharField()), sort_title=F(title)
            )
            if self.added_first:
                side = side.annotate(published=publication_time())
            # A compound statement is ordered as a whole: each side drops its default order,
            # unless it is cut, when it is ordered as the whole is (its kind is one value).
            side = side.order_by().values_list(*columns)
            sides.append(side.order_by(*order)[:first] if cut else side)
        return sides[0].union(sides[1], all=True).order_by(*order)

    def page(self, start, stop, count):
        """rows()[start:stop] of count rows, read from the nearer end of the timeline: page N
        is the same entries as ever (the plain OFFSET slice), and the last page costs what the
        first does.

        Measured with EXPLAIN ANALYZE on PostgreSQL 15, 100,000 developments in one locale and
        1,000 updates: sorting the whole union for an OFFSET took 101 ms for the first page,
        434 ms for the last, 329 ms for the middle one (by publication 72, 176 ms). With each
        side cut to the page's end and read along the index that fits its order (Development's
        Meta), the first and the last take 1 to 1.4 ms in either order (0.05 ms of it the
        developments; the rest a sort of the update pages, which no index spans: they are
        pages, a tenth as many), the middle one 86 to 113 ms. PostgreSQL 15 would not merge
        the two ordered sides of the UNION ALL itself (no Merge Append, even with the index),
        hence the cut on each side. The count stays as it was, one query over every entry (20
        to 60 ms on a busy machine): "page N of M" needs it."""
        if start == stop:
            # No entries. (A side cut to no rows is no query at all: Django's union of it is
            # the other side alone, which cannot be ordered once cut.)
            return []
        if start > count - stop:
            rows = self.rows(first=count - start, backwards=True)[count - stop : count - start]
            return list(rows)[::-1]
        return list(self.rows(first=stop)[start:stop])

    def hydrate(self, rows):
        """The entries behind rows, in their order, in three queries whatever their number."""
        rows = list(rows)
        wanted = {DEVELOPMENT: [], UPDATE: []}
        for kind, pk, _date, _title in rows:
            wanted[kind].append(pk)
        # Unordered: the rows give the order, and an ORDER BY over these many columns took
        # Django a millisecond more to compile (benchmarks/profile.py).
        developments = (
            Development.objects.order_by()
            .select_related("campaign", "link_page", "link_document")
            .in_bulk(wanted[DEVELOPMENT])
        )
        updates = CampaignUpdatePage.objects.order_by().in_bulk(wanted[UPDATE])
        parent_paths = {update.path[: -Page.steplen] for update in updates.values()}
        campaigns = dict(self.known)
        if missing := parent_paths - campaigns.keys():
            campaigns.update((c.path, c) for c in CampaignPage.objects.filter(path__in=missing))
        for update in updates.values():
            update.campaign = campaigns.get(update.path[: -Page.steplen])
        self._localise_campaigns(developments.values(), campaigns.values())
        found = {DEVELOPMENT: developments, UPDATE: updates}
        return [found[kind][pk] for kind, pk, _date, _title in rows if pk in found[kind]]

    def _localise_campaigns(self, developments, known):
        """A development translated in the admin keeps pointing at the original campaign until
        an editor changes it: readers get the campaign in the timeline's language where it is
        translated (one more query only when some are not known already)."""
        locale_id = getattr(self.locale, "pk", self.locale)
        foreign = {
            d.campaign.translation_key
            for d in developments
            if d.campaign is not None and d.campaign.locale_id != locale_id
        }
        if not foreign:
            return
        local = {c.translation_key: c for c in known if c.locale_id == locale_id}
        if missing := foreign - local.keys():
            translated = CampaignPage.objects.live().filter(
                locale_id=locale_id, translation_key__in=missing
            )
            local.update((c.translation_key, c) for c in translated)
        for development in developments:
            campaign = development.campaign
            if campaign is not None and campaign.translation_key in local:
                development.campaign = local[campaign.translation_key]

    def latest(self, count):
        """The newest count entries, kept until the next change (base.site_data.kept): the
        home and campaign pages show them to every reader, and finding them is four queries
        whose compiling took longer than their running (benchmarks/profile.py: 4 of the 18 ms
        an uncached campaign page took)."""
        return self._kept(f"latest:{count}", lambda: self.hydrate(self.rows(first=count)[:count]))

    def _kept(self, name, compute):
        """compute(), kept until the next change (base.site_data.kept): with a hundred
        thousand entries, counting them or finding their years reads every one (20 to 60 ms
        each on PostgreSQL), on every page of the timeline."""
        campaign = getattr(self.campaign, "pk", None)
        locale = getattr(self.locale, "pk", self.locale)
        key = ("timeline", name, locale, campaign, self.year, self.added_first, get_language())
        return site_data.kept(key, compute)

    def count(self):
        return self._kept("count", lambda: self.rows().count())

    def years(self):
        """The years that have entries, newest first, for the year filter, in one query: Solar
        Hijri years on Persian pages, Gregorian years elsewhere."""
        return self._kept("years", self._years)

    def _years(self):
        if uses_solar_years():
            return self._solar_years()
        year = ExtractYear("date")
        developments = self._developments().order_by().annotate(year=year).values_list("year")
        updates = self._updates.order_by().annotate(year=year).values_list("year")
        rows = developments.union(updates).order_by("-year")
        return [row[0] for row in rows if row[0] is not None]

    def _solar_years(self):
        """A Gregorian year holds the end of one Solar Hijri year and the start of the next (at
        Nowruz): its first and last dates say which of the two have entries, so the query
        returns a row or two per Gregorian year, not one per entry."""
        year = ExtractYear("date")
        sides = [
            queryset.order_by()
            .annotate(year=year)
            .values("year")
            .annotate(first=Min("date"), last=Max("date"))
            .values_list("first", "last")
            for queryset in (self._developments(), self._updates)
        ]
        years = set()
        for first, last in sides[0].union(sides[1], all=True):
            if first is not None:
                years.update({solar_year(first), solar_year(last)})
        return sorted(years, reverse=True)
