"""Plain functions that build the smallest tree a test needs."""

from django.core.files.base import ContentFile
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText

from advocacy.models import ContentPage, FAQPage, HomePage, SiteSettings, SiteText


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_home_page(title="Test Organisation", **fields):
    """A published HomePage made the default site's root, in place of Wagtail's welcome page."""
    home = HomePage(title=title, slug="test-home", locale=Locale.get_default(), **fields)
    Page.get_first_root_node().add_child(instance=home)
    publish(home)
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()  # through save(), so that Wagtail forgets the site's old root paths
    return home


def make_content_page(parent, title="About us", *, live=True, show_in_menus=True, **fields):
    fields.setdefault("slug", title.lower().replace(" ", "-"))
    body = fields.pop("body", [("paragraph", RichText("<p>Some text.</p>"))])
    page = ContentPage(title=title, show_in_menus=show_in_menus, body=body, live=live, **fields)
    parent.add_child(instance=page)
    if live:
        return publish(page)
    page.save_revision()
    return page


def make_faq_page(parent, title="Questions", questions=(), **fields):
    """questions: (question, answer HTML) pairs; anchors are derived as the admin would."""
    fields.setdefault("slug", "faq")
    page = FAQPage(
        title=title,
        questions=[
            ("question", {"question": q, "anchor": slugify(q), "answer": RichText(answer)})
            for q, answer in questions
        ],
        **fields,
    )
    parent.add_child(instance=page)
    return publish(page)


def make_image(title="Families at the gate", width=1600, height=900):
    return get_image_model().objects.create(
        title=title, file=get_test_image_file(size=(width, height))
    )


def make_document(title="Statement", name="statement.pdf", size=120 * 1024):
    content = b"%PDF-1.4\n" + b"0" * (size - 9)
    # With its size, as the admin's upload stores it.
    return get_document_model().objects.create(
        title=title, file=ContentFile(content, name=name), file_size=len(content)
    )


def translate(page, language_code, **fields):
    """A published translation of page, with fields overridden."""
    translation = page.copy_for_translation(Locale.objects.get(language_code=language_code))
    for name, value in fields.items():
        setattr(translation, name, value)
    return publish(translation)


def translate_snippet(snippet, language_code, **fields):
    """A published translation of a development or appeal, as the admin's translate action
    makes it (its links still lead to the originals), with fields overridden."""
    translation = snippet.copy_for_translation(Locale.objects.get(language_code=language_code))
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save()
    translation.save_revision().publish()
    translation.refresh_from_db()
    return translation


SITE_TEXT_FIELDS = {"organisation_name", "tagline", "postal_address", "share_image_alt"}


def set_site_settings(**fields):
    """The default site's settings, and the English site text for the fields it holds."""
    text = {name: fields.pop(name) for name in SITE_TEXT_FIELDS & fields.keys()}
    if text:
        set_site_text(Locale.get_default(), **text)
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    for name, value in fields.items():
        setattr(site_settings, name, value)
    site_settings.save()
    return site_settings


def set_site_text(locale, **fields):
    """The site text in a language (a Locale), as the translation of the English one."""
    text = SiteText.objects.filter(locale=locale).first()
    if text is None:
        english = SiteText.objects.filter(locale=Locale.get_default()).first()
        text = (
            english.copy_for_translation(locale)
            if english is not None and locale != english.locale
            else SiteText(locale=locale)
        )
    for name, value in fields.items():
        setattr(text, name, value)
    text.save()
    return text


def make_campaign_index(home, title="Campaigns"):
    from campaigns.models import CampaignIndexPage

    page = CampaignIndexPage(title=title, slug="campaigns", show_in_menus=True)
    home.add_child(instance=page)
    return publish(page)


def make_campaign(index, title="Family Contact", *, live=True, **fields):
    from campaigns.models import CampaignPage

    fields.setdefault("slug", slugify(title))
    fields.setdefault("summary", f"About {title}.")
    page = CampaignPage(title=title, live=live, **fields)
    index.add_child(instance=page)
    if live:
        return publish(page)
    page.save_revision()
    return page


def make_update(campaign, title="Fifty families ready to travel", date=None, **fields):
    import datetime

    from campaigns.models import CampaignUpdatePage

    fields.setdefault("slug", slugify(title))
    fields.setdefault("summary", "An update.")
    page = CampaignUpdatePage(title=title, date=date or datetime.date(2003, 6, 1), **fields)
    campaign.add_child(instance=page)
    return publish(page)


def make_timeline_page(home, title="Timeline"):
    from campaigns.models import TimelinePage

    page = TimelinePage(title=title, slug="timeline", show_in_menus=True)
    home.add_child(instance=page)
    return publish(page)


def make_appeal_index(home, title="Appeals"):
    from campaigns.models import AppealIndexPage

    page = AppealIndexPage(title=title, slug="appeals", show_in_menus=True)
    home.add_child(instance=page)
    return publish(page)


def make_development(headline="Families meet in Baghdad", *, live=True, **fields):
    """A development, published unless live=False (then a draft that was never published)."""
    import datetime

    from campaigns.models import Development

    fields.setdefault("date", datetime.date(2003, 7, 17))
    fields.setdefault("locale", Locale.get_default())
    development = Development(headline=headline, live=False, **fields)
    development.full_clean()
    development.save()
    revision = development.save_revision()
    if live:
        revision.publish()
        development.refresh_from_db()
    return development


def make_appeal(title="Write to the UN Special Rapporteur", *, live=True, **fields):
    import datetime

    from campaigns.models import Appeal

    fields.setdefault("slug", slugify(title))
    fields.setdefault("locale", Locale.get_default())
    fields.setdefault("target_name", "Mr Andreas Mavrommatis")
    fields.setdefault("target_role", "UN Special Rapporteur on Iraq")
    fields.setdefault("ask", "Ask him to make family visits possible.")
    fields.setdefault("action", Appeal.Action.EMAIL)
    fields.setdefault("email_to", "rapporteur@un.example")
    fields.setdefault("email_subject", "Family visits")
    fields.setdefault("email_body", "Dear Mr Mavrommatis,\nPlease help the families.")
    fields.setdefault("opens_on", datetime.date(2003, 5, 1))
    appeal = Appeal(title=title, live=False, **fields)
    appeal.full_clean()
    appeal.save()
    revision = appeal.save_revision()
    if live:
        revision.publish()
        appeal.refresh_from_db()
    return appeal


def development_form_data(**overrides):
    """What the admin's development form posts, filled in; overrides change fields."""
    return {
        "date": "2003-07-17",
        "precision": "day",
        "headline": "Families meet in Baghdad",
        "summary": "Relatives gather.",
        "campaign": "",
        "link_page": "",
        "link_document": "",
        "link_url": "",
        **overrides,
    }


def appeal_form_data(**overrides):
    """What the admin's appeal form posts, filled in (a link action); overrides change fields."""
    from wagtail.test.utils.form_data import rich_text

    return {
        "title": "Write to the rapporteur",
        "slug": "write-to-the-rapporteur",
        "campaign": "",
        "target_name": "Someone",
        "target_role": "",
        "ask": "Ask.",
        "background": rich_text(""),
        "action": "link",
        "action_label": "",
        "email_to": "",
        "email_subject": "",
        "email_body": "",
        "action_url": "https://example.org/",
        "action_page": "",
        "opens_on": "2003-05-01",
        "closes_on": "",
        "outcome": rich_text(""),
        **overrides,
    }
