"""The large data set of the benchmark: 50 campaigns, 1,000 developments, 100 appeals.

Run inside Django (`python manage.py shell -c "from benchmarks.dataset import build; build()"`)
after load_demo_content. Bulk inserts for speed: these rows skip the search index, which the
benchmark does not measure.
"""

import datetime

from django.utils import timezone
from wagtail.models import Locale

from campaigns.models import Appeal, CampaignIndexPage, CampaignPage, Development

CAMPAIGNS, DEVELOPMENTS, APPEALS = 50, 1000, 100


def build():
    locale = Locale.get_default()
    index = CampaignIndexPage.objects.get(locale=locale)
    campaigns = list(CampaignPage.objects.filter(locale=locale))
    for number in range(len(campaigns), CAMPAIGNS):
        campaign = CampaignPage(
            title=f"Campaign {number}", slug=f"campaign-{number}", summary="A campaign."
        )
        index.add_child(instance=campaign)
        campaign.save_revision().publish()
        campaigns.append(campaign)
    now = timezone.now()
    Development.objects.bulk_create(
        Development(
            date=datetime.date(2000, 1, 1) + datetime.timedelta(days=7 * number),
            headline=f"Development {number}",
            summary="Something happened.",
            campaign=campaigns[number % len(campaigns)],
            locale=locale,
            live=True,
            first_published_at=now,
            last_published_at=now,
        )
        for number in range(DEVELOPMENTS - Development.objects.count())
    )
    Appeal.objects.bulk_create(
        Appeal(
            title=f"Appeal {number}",
            slug=f"appeal-{number}",
            campaign=campaigns[number % len(campaigns)],
            target_name="Someone",
            ask="Please act.",
            action=Appeal.Action.LINK,
            action_url="https://example.org/",
            opens_on=datetime.date(2003, 1, 1),
            locale=locale,
            live=True,
            first_published_at=now,
            last_published_at=now,
        )
        for number in range(APPEALS - Appeal.objects.count())
    )
    print(
        f"{CampaignPage.objects.count()} campaigns, {Development.objects.count()} developments, "
        f"{Appeal.objects.count()} appeals"
    )
