"""The organisation's demo site, written for this project from the facts of the old static site.

`python manage.py load_demo_content` runs load(). Every step looks before it creates and never
changes what is already there, so running it again duplicates nothing and keeps editors' work.
"""

from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText

from .models import ContentPage, HomePage, SiteSettings

ORGANISATION = {
    "organisation_name": "Iran-Interlink",
    "tagline": (
        "A point of contact for the families and friends of members of the Mojahedin-e Khalq, "
        "and for those who leave it."
    ),
    # The old site gave no public address; a reserved domain keeps the demo from mailing anyone.
    "contact_email": "contact@iran-interlink.example",
}

HOME = {
    "en": {
        "title": "Iran-Interlink",
        "intro": (
            "<p>Iran-Interlink stands with the families and friends of members of the Iranian "
            "Mojahedin-e Khalq. We help people who leave the organisation to find safety and "
            "build their lives again, and we campaign for every family's right to see and "
            "speak to their relatives.</p>"
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


def _publish(page):
    page.save_revision().publish()
    return page


def _site():
    return Site.objects.filter(is_default_site=True).first() or Site.objects.first()


def _home_page(site, log):
    """The site's English home page, replacing Wagtail's placeholder welcome page if need be."""
    current = site.root_page.specific
    if isinstance(current, HomePage):
        return current
    root = Page.get_first_root_node()
    if type(current) is Page and current.depth == 2 and not current.get_children().exists():
        current.delete()  # Wagtail's "Welcome to your new Wagtail site!" page
    home = HomePage(
        title=HOME["en"]["title"],
        slug="home",
        intro=HOME["en"]["intro"],
        locale=Locale.get_default(),
    )
    root.add_child(instance=home)
    _publish(home)
    site.root_page = home
    site.site_name = ORGANISATION["organisation_name"]
    site.save()
    log("Created the home page.")
    return home


def _translation(page, language_code, fields, log):
    locale = Locale.objects.get(language_code=language_code)
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing
    translation = page.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(translation, name, value)
    _publish(translation)
    log(f"Created the {locale.get_display_name()} translation of {page.title!r}.")
    return translation


def _site_settings(site, log):
    site_settings = SiteSettings.for_site(site)
    if site_settings.organisation_name:
        return
    for name, value in ORGANISATION.items():
        setattr(site_settings, name, value)
    site_settings.save()
    log("Filled in the site settings.")


def _content_page(parent, content, log):
    existing = parent.get_children().filter(slug=content["slug"]).first()
    if existing is not None:
        return existing.specific
    page = ContentPage(
        title=content["title"],
        slug=content["slug"],
        intro=content["intro"],
        body=[
            (kind, RichText(value) if kind == "paragraph" else value)
            for kind, value in content["body"]
        ],
        show_in_menus=True,
    )
    parent.add_child(instance=page)
    _publish(page)
    log(f"Created the page {page.title!r}.")
    return page


def has_content():
    """Whether the site has been set up already, by this command or by an editor."""
    return HomePage.objects.exists()


def load(log=print):
    site = _site()
    home = _home_page(site, log)
    _translation(home, "fa", HOME["fa"], log)
    _site_settings(site, log)
    _content_page(home, AIMS, log)
