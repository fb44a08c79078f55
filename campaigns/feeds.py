"""RSS and Atom feeds of the timeline, for the whole organisation or one campaign."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from .models import CampaignUpdatePage

FEED_LENGTH = 30


class TimelineRssFeed(Feed):
    feed_type = Rss201rev2Feed
    item_guid_is_permalink = False

    def get_object(self, request, page):
        self.request = request
        return page

    def title(self, page):
        return page.seo_title or page.title

    def link(self, page):
        return page.get_url(self.request)

    def description(self, page):
        return page.get_summary() or _("Developments, the latest published first.")

    def feed_url(self, page):
        return self.request.path

    def items(self, page):
        self.page = page
        # By when we published it, newest first: an entry about an event of years ago reaches
        # subscribers the day it is published (its event date leads its description).
        return page.timeline().by_publication().latest(FEED_LENGTH)

    def item_title(self, entry):
        return entry.headline

    def item_description(self, entry):
        # The event's own date, with no more precision than is known, leads the text: the
        # feed's publication dates say when we published it, not when it happened.
        return f"{entry.display_date()}. {entry.summary}".strip()

    def item_link(self, entry):
        if isinstance(entry, CampaignUpdatePage):
            return entry.get_url(self.request)
        return entry.get_link_url(self.request) or (
            f"{self.page.timeline_url(self.request)}?year={entry.date.year}#development-{entry.pk}"
        )

    def item_guid(self, entry):
        # Entries saved as live without being published (an import, say) have no first date.
        published = f"{entry.first_published_at or entry.date:%Y-%m-%d}"
        return f"tag:{self.request.get_host()},{published}:{entry.timeline_kind}-{entry.pk}"

    def item_pubdate(self, entry):
        return entry.first_published_at or entry.last_published_at

    def item_updateddate(self, entry):
        return entry.last_published_at

    def item_categories(self, entry):
        return [entry.campaign.title] if entry.campaign else []


class TimelineAtomFeed(TimelineRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, page):
        return self.description(page)
