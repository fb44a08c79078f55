"""The Family Contact campaign of the demo site, written for this project from the old site's facts.

Called by load() in __init__.py; like it, every step looks before it creates.
"""

import datetime

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.rich_text import RichText

from campaigns.models import (
    Appeal,
    AppealIndexPage,
    CampaignIndexPage,
    CampaignPage,
    CampaignUpdatePage,
    Development,
    FamilyContactPage,
    Precision,
    TimelinePage,
)

from ..models import FeaturedCampaign
from .statement import TITLE as STATEMENT_TITLE
from .statement import statement_pdf

CAMPAIGN = {
    "title": "Family Contact",
    "slug": "family-contact",
    "summary": (
        "Families of Mojahedin-e Khalq members ask for what every family should have: free "
        "contact with their relatives, and the chance to visit them in Iraq."
    ),
    "body": [
        (
            "paragraph",
            "<p>Family Contact grew out of Iran-Interlink's first work: helping families who "
            "had lost touch with relatives inside the Mojahedin-e Khalq to reach them again. "
            "We now also help families to visit their relatives in Iraq.</p>"
            "<p>At the heart of the campaign is the organisation's refusal to let its members "
            "keep free and open contact with their families. Members are taught to cut their "
            "ties with ordinary life and to relate only to the organisation and its "
            "leaders.</p>",
        ),
        ("heading", {"text": "Families appeal to the United Nations", "anchor": "families-to-un"}),
        (
            "paragraph",
            "<p>In October 2002 relatives of Mojahedin-e Khalq members met in Tehran to protest "
            "that they were kept from their family members. They sent a statement to the "
            "United Nations asking it to act for them and trace the people they had lost.</p>",
        ),
        ("heading", {"text": "An invitation to visit the camps", "anchor": "invitation"}),
        (
            "paragraph",
            "<p>The Mojahedin-e Khalq accused the relatives of being used by the Iranian regime "
            "for its own ends. Yet its leader, Massoud Rajavi, also invited the relatives, and "
            "anyone worried about a family member in the organisation, to visit its camps in "
            "Iraq and see for themselves.</p>",
        ),
        ("document", "STATEMENT"),
        ("heading", {"text": "Our response", "anchor": "our-response"}),
        (
            "paragraph",
            "<p>We took the invitation at its word. From our records of people who have asked "
            "us for news of a relative, we drew up a list of fifty people, all living outside "
            "Iran, who are ready to travel to Iraq to visit their relatives.</p>"
            "<p>We have tried to arrange the visits. They need guarantees for the families' "
            "safety and supervision by outside bodies such as the United Nations and the "
            "International Committee of the Red Cross while they are in Iraq.</p>",
        ),
        ("heading", {"text": "Obstacles", "anchor": "obstacles"}),
        (
            "paragraph",
            "<p>When we asked for visas for the families, the Iraqi authorities told us they "
            "have no responsibility for the Mojahedin-e Khalq and that we should deal with it "
            "directly. The organisation has ignored our letters and requests, and has not even "
            "acknowledged that the members concerned exist. We have sent copies of our letters "
            "to human rights organisations.</p>",
        ),
    ],
}

APPEAL = {
    "title": "Ask the UN to make family visits to Iraq possible",
    "slug": "family-visits-un-special-rapporteur",
    "target_name": "Mr Andreas Mavrommatis",
    "target_role": "UN Special Rapporteur on the situation of human rights in Iraq",
    "ask": (
        "Write to the Special Rapporteur and ask him to press the Iraqi government to take "
        "responsibility for the families' visits and to let them happen under United Nations "
        "supervision."
    ),
    "background": (
        "<p>Fifty relatives of Mojahedin-e Khalq members, all living outside Iran, are ready "
        "to visit their family members in Iraq. The Iraqi authorities say the organisation is "
        "not their responsibility; the organisation does not answer our letters.</p>"
    ),
    "action": Appeal.Action.EMAIL,
    "action_label": "Write to the Special Rapporteur",
    # A reserved domain: the demo never sends anyone's letter to a real inbox.
    "email_to": "special-rapporteur-iraq@un.example",
    "email_subject": "Family visits to Mojahedin-e Khalq members in Iraq",
    "email_body": (
        "Dear Mr Mavrommatis,\n\n"
        "Fifty relatives of members of the Mojahedin-e Khalq are ready to travel to Iraq to "
        "visit their families. I ask you to press the Iraqi government to take responsibility "
        "for these visits and to allow them under the supervision of the United Nations.\n\n"
        "Yours sincerely,\n"
    ),
    # Special Rapporteurs receive their post through the UN human rights office in Geneva.
    "postal_address": (
        "Mr Andreas Mavrommatis\n"
        "Special Rapporteur on the situation of human rights in Iraq\n"
        "c/o Office of the United Nations High Commissioner for Human Rights\n"
        "Palais des Nations\n"
        "CH-1211 Geneva 10\n"
        "Switzerland"
    ),
    # Like the e-mail address, on a reserved domain: the demo's form leads to no real inbox.
    "web_form_url": "https://un.example/special-procedures/write-to-a-rapporteur",
    "opens_on": datetime.date(2003, 5, 1),
}

# The Baghdad meeting has an article of its own on the campaign, so it is an update, not a
# development: the timeline lists both kinds together.
UPDATE = {
    "title": "Families of members meet in Baghdad to seek their relatives' freedom",
    "slug": "families-meet-in-baghdad",
    "date": datetime.date(2003, 7, 17),
    "summary": "Relatives come together in Baghdad to press for their children's release.",
    "body": [
        (
            "paragraph",
            "<p>On 17 July 2003 families of Mojahedin-e Khalq members met in Baghdad. They came "
            "to press for the freedom of their sons and daughters inside the organisation's "
            "camps in Iraq.</p>",
        ),
        ("heading", {"text": "Why it matters", "anchor": "why-it-matters"}),
        (
            "paragraph",
            "<p>The families have asked since October 2002 for what any family expects: to see "
            "their relatives and to speak with them freely. Fifty people on our records, all "
            "living outside Iran, are ready to travel to Iraq for a visit, provided that their "
            "safety is guaranteed and that the United Nations and the International Committee "
            "of the Red Cross oversee the visits.</p>",
        ),
        ("heading", {"text": "A week later, at Camp Ashraf", "anchor": "camp-ashraf"}),
        (
            "paragraph",
            "<p>On 24 July 2003 families who had gone to Camp Ashraf in Iraq to see their "
            "relatives told us that they had been abused there. What they describe is why the "
            "visits need the safeguards we ask for.</p>",
        ),
    ],
}

# The request form below the campaign. Its privacy text matches the site's defaults
# (FAMILY_CONTACT_RETENTION_MONTHS = 24) in words an operator can leave as they are.
FAMILY_CONTACT_FORM = {
    "title": "Ask for news of a relative",
    "slug": "ask-for-news",
    "intro": (
        "<p>If you have lost touch with a relative who is, or was, in the Mojahedin-e Khalq, "
        "tell us who you are looking for. We will try to find news of them and, if they want "
        "it too, help you to be in contact again. Asking costs nothing and commits you to "
        "nothing.</p>"
    ),
    "privacy": (
        "<ul>"
        "<li><b>Who sees it:</b> only a small number of our caseworkers, each named and "
        "trained for this work. Your answers are stored encrypted, and every time one of them "
        "opens a request it is recorded.</li>"
        "<li><b>Who else:</b> no one, unless you tick the box that lets us share your request "
        "with the International Committee of the Red Cross (ICRC) or the United Nations (UN). "
        "We never pass it to any government or to the organisation your relative is in.</li>"
        "<li><b>How long:</b> while we work on your request, and for two years after we close "
        "it. Then it is deleted.</li>"
        "<li><b>Changing your mind:</b> reply to our acknowledgement, or write to the address "
        "at the foot of this page, and we will delete your request at once.</li>"
        "</ul>"
    ),
    "thank_you": (
        "<p>Thank you. Your request has reached us and is stored safely. One of our "
        "caseworkers will read it and reply to you, in the language you chose, by the means you "
        "gave us.</p>"
        "<p>Finding news of someone can take time. If you want to add something or withdraw "
        "your request, write to the address at the foot of this page.</p>"
    ),
}

# Each development leads to where a reader learns more (Development's "Read more" link): the
# campaign's section on the Tehran appeal, our statement, the update that tells of Camp Ashraf.
DEVELOPMENTS = [
    (
        datetime.date(2002, 10, 1),
        Precision.MONTH,
        "Relatives gather in Tehran and appeal to the United Nations",
        "Families of members ask the UN to trace relatives they have lost contact with.",
        "campaign",
    ),
    (
        datetime.date(2003, 5, 1),
        Precision.MONTH,
        "Rajavi's stand on family visits draws protest",
        "Families object to how the organisation's leader has answered their requests to "
        "visit; our statement answers his invitation.",
        "statement",
    ),
    (
        datetime.date(2003, 7, 24),
        Precision.DAY,
        "Visiting families mistreated at Camp Ashraf, Iraq",
        "Families who went to the camp report being abused there.",
        "update",
    ),
]


def development_links(link, campaign, statement, update):
    """The link fields of a development whose link is "campaign", "statement" or "update"."""
    if link == "statement":
        return {"link_document": statement}
    return {"link_page": campaign if link == "campaign" else update}


def _statement(log):
    Document = get_document_model()
    document = Document.objects.filter(title=STATEMENT_TITLE).first()
    if document is None:
        pdf = statement_pdf()
        document = Document.objects.create(
            title=STATEMENT_TITLE,
            file=ContentFile(pdf, name="invitation-statement.pdf"),
            file_size=len(pdf),  # as an upload through the admin stores it
        )
        log("Created the PDF statement.")
    return document


def _body(blocks, statement):
    body = []
    for kind, value in blocks:
        if kind == "paragraph":
            value = RichText(value)
        elif kind == "document":
            # The document's own title, given again so that translators can translate it (a
            # block's empty title shows the document's, which no translation can change).
            value = {"document": statement, "title": STATEMENT_TITLE}
        body.append((kind, value))
    return body


def same_block_ids(original, translated):
    """Gives each block of translated, a translation's StreamField value, the id of the
    original's block at the same place: wagtail-localize matches a translation's words to the
    original's by block id, so the translation is then one it can edit segment by segment."""
    for child, original_child in zip(translated, original, strict=False):
        if child.block_type == original_child.block_type:
            child.id = original_child.id
    return translated


def _appeal(campaign, log):
    appeal = Appeal.objects.filter(locale=campaign.locale, slug=APPEAL["slug"]).first()
    if appeal is not None:
        return appeal, False
    appeal = Appeal(campaign=campaign, locale=campaign.locale, live=False, **APPEAL)
    appeal.save()
    appeal.save_revision().publish()
    log(f"Created the appeal {appeal.title!r}.")
    return appeal, True


def _developments(campaign, statement, update, log):
    for date, precision, headline, summary, link in DEVELOPMENTS:
        if Development.objects.filter(locale=campaign.locale, headline=headline).exists():
            continue
        development = Development(
            date=date,
            precision=precision,
            headline=headline,
            summary=summary,
            campaign=campaign,
            locale=campaign.locale,
            live=False,
            **development_links(link, campaign, statement, update),
        )
        development.full_clean()
        development.save()
        development.save_revision().publish()
        log(f"Created the development {headline!r}.")


def load(home, child_page, publish, log):
    """Adds the campaigns part of the demo site under home.

    child_page(parent, page, log) adds a page unless its slug is taken and returns
    (page, created); publish(page) publishes a page's changes.
    """
    index, _created = child_page(
        home,
        CampaignIndexPage(
            title="Campaigns",
            slug="campaigns",
            intro="What we are campaigning for, and what you can do to help.",
            show_in_menus=True,
        ),
        log,
    )
    statement = _statement(log)
    campaign, campaign_is_new = child_page(
        index,
        CampaignPage(
            title=CAMPAIGN["title"],
            slug=CAMPAIGN["slug"],
            summary=CAMPAIGN["summary"],
            body=_body(CAMPAIGN["body"], statement),
        ),
        log,
    )
    appeal, _created = _appeal(campaign, log)
    if campaign_is_new:
        # The appeal needs the campaign to exist; the campaign's call to action needs the appeal.
        campaign.body.append(("call_to_action", {"heading": "Act now", "appeal": appeal}))
        publish(campaign)
        if not home.featured_campaigns.exists():
            FeaturedCampaign.objects.create(home_page=home, page=campaign)
            publish(home)
    update, _created = child_page(
        campaign,
        CampaignUpdatePage(**{**UPDATE, "body": _body(UPDATE["body"], statement)}),
        log,
    )
    # After the update, which one of them links to.
    _developments(campaign, statement, update, log)
    child_page(campaign, FamilyContactPage(**FAMILY_CONTACT_FORM), log)
    child_page(
        home,
        TimelinePage(
            title="Timeline",
            slug="timeline",
            intro="What has happened, newest first.",
            show_in_menus=True,
        ),
        log,
    )
    child_page(
        home,
        AppealIndexPage(
            title="Appeals",
            slug="appeals",
            intro="Ways you can act now, and what came of earlier appeals.",
            show_in_menus=True,
        ),
        log,
    )
