"""The campaigns' models, by feature. Family contact requests and followers, which hold personal
data, live in campaigns/family_contact/ and campaigns/followers/ behind their own boundaries."""

from ..family_contact.models import ContactRequest, FamilyContactPage
from ..followers.models import Follower, Mail, MailNotice, Notice
from .appeals import (
    Appeal,
    AppealActionCount,
    AppealIndexPage,
    AppealQuerySet,
    AppealSentCount,
    Channel,
)
from .bases import Precision, Publishable, PublishingQuerySet, SectionPage, truncate_to_precision
from .developments import Development, TimelinePage
from .pages import LATEST_ON_CAMPAIGN, CampaignIndexPage, CampaignPage, CampaignUpdatePage

__all__ = [
    "LATEST_ON_CAMPAIGN",
    "Appeal",
    "AppealActionCount",
    "AppealIndexPage",
    "AppealQuerySet",
    "AppealSentCount",
    "CampaignIndexPage",
    "CampaignPage",
    "CampaignUpdatePage",
    "Channel",
    "ContactRequest",
    "Development",
    "FamilyContactPage",
    "Follower",
    "Mail",
    "MailNotice",
    "Notice",
    "Precision",
    "Publishable",
    "PublishingQuerySet",
    "SectionPage",
    "TimelinePage",
    "truncate_to_precision",
]
