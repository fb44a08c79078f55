"""The organisation's demo site, written for this project from the facts of the old static site.

`python manage.py load_demo_content` runs load(). Every step looks before it creates and never
changes what is already there, so running it again duplicates nothing and keeps editors' work.
"""

import re

from wagtail.blocks import StreamValue
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText

from base.localize import localize_existing
from campaigns.models import FamilyContactPage

from ..models import ContentPage, FAQPage, HomePage, SiteSettings, SiteText
from . import campaigns as campaigns_demo_content
from . import campaigns_fa, pages_fa

# The organisation's words in each language (SiteText); the old site gave no postal address.
ORGANISATION = {
    "en": {
        "organisation_name": "Iran-Interlink",
        "tagline": (
            "A point of contact for the families and friends of members of the "
            "Mojahedin-e Khalq, and for those who leave it."
        ),
    },
    "fa": {
        "organisation_name": "ایران اینترلینک",
        "tagline": (
            "نقطهٔ تماسی برای خانواده‌ها و دوستان اعضای سازمان مجاهدین خلق، "
            "و برای کسانی که از آن جدا می‌شوند."
        ),
    },
}
# The old site gave no public address; a reserved domain keeps the demo from mailing anyone.
CONTACT_EMAIL = "contact@iran-interlink.example"
# A copy of the site on another host (docs/deploy.md, Mirrors), in the reserved example domain.
MIRROR = "https://mirror.iran-interlink.example/"

HOME = {
    "en": {
        "title": "Iran-Interlink",
        "intro": (
            "<p>Iran-Interlink stands with the families and friends of members of the Iranian "
            "Mojahedin-e Khalq. We help people who leave the organisation to find safety and "
            "build their lives again, and we campaign for every family's right to see and "
            "speak to their relatives.</p>"
        ),
        "about_heading": "Who we are",
        "about_text": (
            "We began as a point of contact for families who had lost touch with relatives "
            "inside the Mojahedin-e Khalq. Today we also support former members and press for "
            "the rights of those who are still inside."
        ),
    },
    "fa": {
        "title": "ایران اینترلینک",
        "intro": (
            "<p>ایران اینترلینک در کنار خانواده‌ها و دوستان اعضای سازمان مجاهدین خلق ایران "
            "است. به کسانی که از این سازمان جدا می‌شوند کمک می‌کنیم تا در جایی امن زندگی "
            "تازه‌ای بسازند، و برای حق هر خانواده در دیدار و گفت‌وگو با عزیزانش تلاش "
            "می‌کنیم.</p>"
        ),
        "about_heading": "ما که هستیم",
        "about_text": (
            "کار ما با خانواده‌هایی آغاز شد که ارتباطشان با عزیزانشان در سازمان مجاهدین خلق "
            "قطع شده بود. امروز از اعضای پیشین این سازمان هم پشتیبانی می‌کنیم و برای حقوق "
            "کسانی که هنوز در آن هستند تلاش می‌کنیم."
        ),
    },
}

AIMS = {
    "title": "Aims",
    "slug": "aims",
    "intro": (
        "What Iran-Interlink works for, who it is for, and what it holds the leadership of the "
        "Mojahedin-e Khalq responsible for."
    ),
    "body": [
        ("heading", {"text": "What we work for", "anchor": "what-we-work-for"}),
        (
            "paragraph",
            "<ul>"
            "<li>That as many people as possible learn what the Mojahedin-e Khalq has become, "
            "and that we press for change as a group.</li>"
            "<li>That members who want to leave can reach a country where they are safe.</li>"
            "<li>That former members are helped to make sense of what they lived through and "
            "to build independent lives in the communities they join.</li>"
            "<li>That former members and their families and friends are brought back together "
            "where both sides want it, with the help of Iranians already settled abroad.</li>"
            "</ul>",
        ),
        ("heading", {"text": "Who we are for", "anchor": "who-we-are-for"}),
        (
            "paragraph",
            "<p>We are a point of contact for the families and friends of members of the "
            "Mojahedin-e Khalq, which is also known as the MKO, MEK, PMOI, NCR, NCRI and NLA, "
            "and which has members in Iraq, Western Europe and North America.</p>",
        ),
        ("heading", {"text": "Why it is urgent", "anchor": "why-it-is-urgent"}),
        (
            "paragraph",
            "<p>The US State Department, the British government and the European Union have "
            "all listed the Mojahedin-e Khalq as a terrorist organisation. Around three "
            "thousand disarmed fighters remain at its training base in Iraq under the "
            "protection of US forces, still in uniform, although the Iraqi government has "
            "repeatedly asked for them to be disbanded or removed.</p>"
            "<p>Members who want to leave are stuck: they are in Iraq without money, passports "
            "or papers, and Iraq treats the organisation as a foreign terrorist group. Since "
            "the US invasion of Iraq in 2003, more than 800 members have escaped Camp Ashraf "
            "and sought refuge in the US Army's TIPF camp. About half of them have since gone "
            "home to their families in Iran of their own free will, helped by the Iranian "
            "charity Nejat Society.</p>",
        ),
        ("heading", {"text": "What we hold the leadership to", "anchor": "objectives"}),
        (
            "paragraph",
            "<p>Every member of the organisation is denied the basic rights set out in the "
            "Universal Declaration of Human Rights. We therefore set out to show that:</p>"
            "<ul>"
            "<li>the Mojahedin-e Khalq works as a religious and personality cult;</li>"
            "<li>it abuses the fundamental human rights of its own members;</li>"
            "<li>its leader, Massoud Rajavi, bears the responsibility for its terrorist acts "
            "and its abuses of human rights.</li>"
            "</ul>",
        ),
    ],
}


POINT_OF_VIEW = {
    "title": "Our point of view",
    "slug": "our-point-of-view",
    "intro": (
        "Why we believe the Mojahedin-e Khalq cannot speak for Iranians, and what its "
        "leadership has cost its own members."
    ),
    "body": [
        ("heading", {"text": "An unaccountable organisation", "anchor": "unaccountable"}),
        (
            "paragraph",
            "<p>For twenty years the Mojahedin-e Khalq lived alongside the Iraqi regime, fed "
            "and armed by Saddam Hussein. We see in that alone proof that it is not a "
            "democratic force. Nobody inside it votes in secret, and its members have no way "
            "to remove or replace the leader who appointed himself. Its political front, the "
            "National Council of Resistance of Iran, is run the same way.</p>",
        ),
        ("heading", {"text": "From a political movement to a cult", "anchor": "a-cult"}),
        (
            "paragraph",
            "<p>Unchecked, its leadership has turned what was once a popular armed movement "
            "against the Iranian regime into a cult, with the abuses of human rights that "
            "follow. Husbands and wives are separated and children are sent away. Members "
            "must give their love and devotion to the leader alone, and are taught that love "
            "for their families is corrupt.</p>",
        ),
        ("heading", {"text": "Harm to the Iranian opposition", "anchor": "the-opposition"}),
        (
            "paragraph",
            "<p>By attacking every other opposition group, organisation and individual so as "
            "to remain the only opposition that counts, the Mojahedin-e Khalq has done the "
            "Iranian regime's work for it, and held back the growth of a democratic "
            "opposition. Given how it is run, and the civilians killed in its armed attacks "
            "inside Iran, it can no longer claim to speak for Iranians at home or abroad.</p>",
        ),
    ],
}

FAQ = {
    "title": "Frequently asked questions",
    "slug": "faq",
    "intro": "Questions readers often put to us, and our answers.",
    "questions": [
        {
            "question": "Where does Iran-Interlink stand on the Iranian regime?",
            "anchor": "the-iranian-regime",
            "answer": (
                "<p>We believe a secular democracy is the best way to protect and promote the "
                "rights and the responsibilities of every citizen of a country.</p>"
            ),
        },
        {
            "question": (
                "Why does the site say nothing about human rights abuses by the Iranian regime?"
            ),
            "anchor": "why-not-the-regime",
            "answer": (
                "<p>The human rights record inside Iran is already widely documented. Very "
                "little, by contrast, describes the violations the Mojahedin-e Khalq commits "
                "against its own members, and we see nothing to gain from weighing one "
                "against the other.</p>"
                "<p>Membership of a cult such as the Mojahedin-e Khalq takes away even the "
                "most basic rights, such as freedom of thought, through the mind control and "
                "psychological pressure that every cult relies on.</p>"
            ),
        },
        {
            "question": (
                "Why do you call the Mojahedin-e Khalq a cult rather than a political organisation?"
            ),
            "anchor": "why-a-cult",
            "answer": (
                "<p>Cults share a recognisable set of traits, and the Mojahedin-e Khalq has "
                "all five of the main ones:</p>"
                "<ul>"
                "<li>it indoctrinates its members;</li>"
                "<li>it is a closed, totalitarian society;</li>"
                "<li>its leader is self-appointed, messianic and charismatic;</li>"
                "<li>it exploits its members financially;</li>"
                "<li>it holds that the end justifies the means.</li>"
                "</ul>"
                "<p>Cults also promise to make the world better, some through religion and "
                "this one through politics. In practice its only purpose is to bring power "
                "and money to its leaders, and it has no place in Iranian politics.</p>"
            ),
        },
    ],
}


PRIVACY = {
    "title": "Privacy",
    "slug": "privacy",
    "intro": "What this site keeps about the people who read it, and what it does not.",
    "body": [
        ("heading", {"text": "What we keep", "anchor": "what-we-keep"}),
        (
            "paragraph",
            "<p>For each appeal, how many times its button was used on each day. That number "
            "is all we keep: not who used it, not from where, not on what device.</p>",
        ),
        ("heading", {"text": "What we do not keep", "anchor": "what-we-do-not-keep"}),
        (
            "paragraph",
            "<p>The site sets no cookies for its readers, except one on the family contact "
            "form, which only protects the form from forged requests, and it keeps no record "
            "of who reads which page. It has no analytics, no advertising and no tracking, and "
            "your browser fetches nothing from any other company: no fonts, maps, videos or "
            "share buttons "
            "that would tell them about your visit. The links to share a page are plain links; "
            "nothing reaches those services unless you follow one.</p>",
        ),
        ("heading", {"text": "If you write to us", "anchor": "if-you-write-to-us"}),
        (
            "paragraph",
            "<p>Your e-mails are read by our staff and are passed to no one else without your "
            "agreement.</p>",
        ),
        (
            "heading",
            {"text": "If you ask us for news of a relative", "anchor": "if-you-ask-for-news"},
        ),
        (
            "paragraph",
            "<p>What you send on the family contact form is stored encrypted and read only by "
            "our caseworkers. We share it with a humanitarian body such as the ICRC or the UN "
            "only if you ticked that box. We delete it two years after we close your request, "
            "or at once if you ask us to.</p>",
        ),
        (
            "heading",
            {"text": "If you follow a campaign by e-mail", "anchor": "if-you-follow-by-email"},
        ),
        (
            "paragraph",
            "<p>If you ask to follow a campaign, or everything we publish, by e-mail, we keep "
            "your address, stored encrypted, with the language you chose, what you follow, how "
            "often you want our mails and when you confirmed. Nothing is sent to you until you "
            "confirm from the mail we send you; if you do not confirm within three days, we "
            "delete your address.</p>"
            "<ul>"
            "<li>We keep your address for as long as you follow us. Every mail we send has a "
            "link to stop the mails, and following it deletes your address at once.</li>"
            "<li>Our mails have no tracking pixels and no rewritten links: we do not know "
            "whether you opened a mail or followed a link in it.</li>"
            "<li>Our editors see only how many people follow each campaign, in each language, "
            "never who. The list itself can be seen only by the few people allowed to export "
            "it, and each export is recorded: who took it, when, and how many addresses it "
            "held.</li>"
            "<li>To deliver our mails, the organisation's e-mail provider sees your address and "
            "the mail, as any mail server does. We give your address to no one else.</li>"
            "</ul>",
        ),
        ("heading", {"text": "Reading safely", "anchor": "reading-safely"}),
        (
            "paragraph",
            "<p>If reading about the Mojahedin-e Khalq could put you at risk, read this site in "
            "Tor Browser, which hides from the site and from your network who you are and what "
            "you read. Where Tor is blocked, as it often is in Iran, Tor Browser can connect "
            "through a bridge such as Snowflake, which comes with it.</p>"
            "<ul>"
            "<li>Set Tor Browser's security level to Safest. Scripts are then turned off, and "
            "every page of this site still works without them.</li>"
            "<li>This site sets no cookies for its readers and loads nothing from any other "
            "site. Other browsers still keep the pages you read in their history; Tor Browser "
            "forgets them when you close it.</li>"
            "<li>Where this site is blocked, its copies on other addresses (mirrors) carry the "
            "same pages. Every page lists them at its foot, and so does our About page; do "
            "not trust a copy of the site that they do not name.</li>"
            "</ul>",
        ),
    ],
}

# The %(…)s placeholders are filled in by load(): the contact address from the site settings,
# and the ids of the pages the text links to (a Persian reader follows them to the Persian
# pages).
ABOUT = {
    "title": "About and contact",
    "slug": "about",
    "intro": "Who runs this site, how to reach us safely, and what we do with your messages.",
    "body": [
        ("heading", {"text": "Who runs this site", "anchor": "who-runs-this-site"}),
        (
            "paragraph",
            "<p>This site is run by Iran-Interlink, a point of contact for the families and "
            "friends of members of the Mojahedin-e Khalq, and for those who leave it. We help "
            "former members to find safety and build their lives again, we bring them back "
            "together with their families where both sides want it, and we campaign for every "
            "family's right to see and speak to relatives who are still members.</p>",
        ),
        ("heading", {"text": "How to reach us", "anchor": "how-to-reach-us"}),
        (
            "paragraph",
            '<p>Write to us at <a href="mailto:%(contact_email)s">%(contact_email)s</a>.</p>'
            "<p>If you are asking for news of a relative, please use the "
            '<a linktype="page" id="%(family_contact_form)s">family contact form</a> '
            "instead: what you send on it is stored encrypted and read only by our "
            "caseworkers.</p>",
        ),
        ("heading", {"text": "Writing to us safely", "anchor": "writing-safely"}),
        (
            "paragraph",
            "<ul>"
            "<li>If being in touch with us could put you at risk, write from an address that "
            "does not identify you: not in your name, and not linked to your phone number or "
            "your other accounts.</li>"
            "<li>E-mail is not encrypted end to end: it can be read on its way, and by the "
            "companies that carry your mail and ours.</li>"
            "<li>Do not give the names of relatives in Iran unless we need them to help "
            "you.</li>"
            "<li>For a request about a relative, use the family contact form, which is stored "
            "encrypted.</li>"
            "</ul>",
        ),
        ("heading", {"text": "What we do with your messages", "anchor": "your-messages"}),
        (
            "paragraph",
            "<p>Your messages are read only by Iran-Interlink's staff. We pass them to no one "
            "without your agreement, and we delete them once we no longer need them to answer "
            "or help you. What the site itself keeps about its readers is on the "
            '<a linktype="page" id="%(privacy)s">privacy</a> page.</p>',
        ),
        ("heading", {"text": "If this site is blocked", "anchor": "other-addresses"}),
        (
            "paragraph",
            "<p>The same pages are published at other addresses, and we add new ones when an "
            "address is blocked. A copy gets no updates between our rebuilds and cannot send "
            "forms: for those, use this site or write to us.</p>",
        ),
        ("mirrors", None),
    ],
}


def _publish(page):
    page.save_revision().publish()
    return page


def _site():
    return Site.objects.filter(is_default_site=True).first() or Site.objects.first()


def _home_page(site, log):
    """The site's English home page, replacing Wagtail's placeholder welcome page if need be.

    Returns the page and whether it was created now.
    """
    current = site.root_page.specific
    if isinstance(current, HomePage):
        return current, False
    root = Page.get_first_root_node()
    if type(current) is Page and current.depth == 2 and not current.get_children().exists():
        current.delete()  # Wagtail's "Welcome to your new Wagtail site!" page
    home = HomePage(slug="home", locale=Locale.get_default(), **HOME["en"])
    root.add_child(instance=home)
    _publish(home)
    site.root_page = home
    site.site_name = ORGANISATION["en"]["organisation_name"]
    site.save()
    log("Created the home page.")
    return home, True


def _translation(page, language_code, fields, log):
    locale = Locale.objects.get(language_code=language_code)
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing
    translation = page.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(translation, name, value)
        if isinstance(getattr(page, name, None), StreamValue):
            campaigns_demo_content.same_block_ids(getattr(page, name), getattr(translation, name))
    _publish(translation)
    log(f"Created the {locale.get_display_name()} translation of {page.title!r}.")
    return translation


def _site_settings(site, log):
    site_settings = SiteSettings.for_site(site)
    if not site_settings.contact_email:
        site_settings.contact_email = CONTACT_EMAIL
        site_settings.mirrors = [("mirror", MIRROR)]
        site_settings.save()
        log("Filled in the site settings.")


def _site_text(log):
    """The English text, then its Persian translation, unless they are there already."""
    english = SiteText.objects.filter(locale=Locale.get_default()).first()
    if english is None:
        english = SiteText.objects.create(locale=Locale.get_default(), **ORGANISATION["en"])
        log("Filled in the site text.")
    persian = Locale.objects.get(language_code="fa")
    if english.get_translation_or_none(persian) is None:
        translation = english.copy_for_translation(persian)
        for name, value in ORGANISATION["fa"].items():
            setattr(translation, name, value)
        translation.save()
        log("Created the Persian site text.")


def _child_page(parent, page, log):
    """Adds page under parent unless a page with its slug is there already.

    Returns the page that is there and whether it was created now.
    """
    existing = parent.get_children().filter(slug=page.slug).first()
    if existing is not None:
        return existing.specific, False
    parent.add_child(instance=page)
    _publish(page)
    log(f"Created the page {page.title!r}.")
    return page, True


def _body(blocks):
    return [(kind, RichText(value) if kind == "paragraph" else value) for kind, value in blocks]


def _filled(content, values):
    """content with the %(…)s placeholders of its paragraphs replaced by values."""
    body = [
        (kind, value % values if kind == "paragraph" else value) for kind, value in content["body"]
    ]
    return {**content, "body": body}


def _content_page(parent, content, log, show_in_menus=True):
    """Returns the page and whether it was created now."""
    page = ContentPage(
        title=content["title"],
        slug=content["slug"],
        intro=content["intro"],
        body=_body(content["body"]),
        show_in_menus=show_in_menus,
    )
    return _child_page(parent, page, log)


def _content_fields(content):
    """A content page's translated fields; its slug, and so its address, stay the English."""
    return {"title": content["title"], "intro": content["intro"], "body": _body(content["body"])}


def _questions(questions):
    return [
        ("question", {**question, "answer": RichText(question["answer"])}) for question in questions
    ]


def _faq_page(parent, content, log):
    page = FAQPage(
        title=content["title"],
        slug=content["slug"],
        intro=content["intro"],
        questions=_questions(content["questions"]),
        show_in_menus=True,
    )
    return _child_page(parent, page, log)[0]


def _faq_fields(content):
    return {
        "title": content["title"],
        "intro": content["intro"],
        "questions": _questions(content["questions"]),
    }


def _about_values(site, home, privacy):
    """What the placeholders of the About page stand for: the address readers write to, and
    the English pages it links to (the rich text shows Persian readers the Persian ones)."""
    form = FamilyContactPage.objects.filter(locale=home.locale).first()
    return {
        "contact_email": SiteSettings.for_site(site).contact_email or CONTACT_EMAIL,
        "family_contact_form": form.pk if form else "",
        "privacy": privacy.pk,
    }


def has_content():
    """Whether the site has been set up already, by this command or by an editor."""
    return HomePage.objects.exists()


def load(log=print):
    site = _site()
    home, home_is_new = _home_page(site, log)
    _site_settings(site, log)
    aims, _created = _content_page(home, AIMS, log)
    campaigns_demo_content.load(home, _child_page, _publish, log)
    point_of_view, _created = _content_page(home, POINT_OF_VIEW, log)
    faq = _faq_page(home, FAQ, log)
    privacy, privacy_is_new = _content_page(home, PRIVACY, log, show_in_menus=False)
    site_settings = SiteSettings.for_site(site)
    if privacy_is_new and site_settings.privacy_page_id is None:
        site_settings.privacy_page = privacy
        site_settings.save()
        log("Linked the privacy page from the footer.")
    about_values = _about_values(site, home, privacy)
    about, _created = _content_page(home, _filled(ABOUT, about_values), log)
    if home_is_new:
        # The "who we are" teaser leads to the aims, which need the home page as their parent.
        home.about_page = aims
        _publish(home)
    # Translations last: each is then newer than its original, so none reads as out of date.
    # In the order of the English pages, which the Persian menu then follows.
    _translation(home, "fa", HOME["fa"], log)
    _translation(aims, "fa", _content_fields(pages_fa.AIMS_FA), log)
    campaigns_fa.load_persian(home, _translation, log)
    _translation(point_of_view, "fa", _content_fields(pages_fa.POINT_OF_VIEW_FA), log)
    _translation(faq, "fa", _faq_fields(pages_fa.FAQ_FA), log)
    _translation(privacy, "fa", _content_fields(pages_fa.PRIVACY_FA), log)
    about_fa = _filled(pages_fa.ABOUT_FA, about_values)
    _translation(about, "fa", _content_fields(about_fa), log)
    _site_text(log)
    # Translators then work on them in wagtail-localize's editor, as on any other translation.
    made = localize_existing()
    if made:
        log(f"Made {made} translations known to wagtail-localize.")


def texts(value):
    """The text in nested demo content, without block names and anchors (call_to_action)."""
    if isinstance(value, str):
        if not re.fullmatch(r"[a-z_-]+", value):
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from texts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from texts(item)
