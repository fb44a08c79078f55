"""A translation published before its original's latest publication may be out of date: its
readers are told so, with the date, and editors see it on the dashboard until it is updated."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone, translation
from wagtail.models import Locale, Page

from base.dates import display_date
from tests.builders import (
    make_appeal,
    make_appeal_index,
    make_content_page,
    make_development,
    publish,
    translate,
    translate_snippet,
)
from tests.html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def aims(home_page):
    translate(home_page, "fa", title="سازمان آزمایشی")
    aims = make_content_page(home_page, "Aims")
    translate(aims, "fa", title="اهداف", slug="aims-fa")
    return aims


def notice(response):
    found = parse(response).select_one(".translation-notice")
    if found is None:
        return None
    link = found.select_one("a")
    return found.get_text(" ", strip=True), link["href"], link["hreflang"]


def republish(instance, when):
    """Publishes instance again, as if at when (a datetime) so the order is unambiguous."""
    revision = instance.save_revision()
    revision.publish()
    type(instance).objects.filter(pk=instance.pk).update(last_published_at=when)
    instance.refresh_from_db()
    return instance


def later(days):
    return timezone.now() + datetime.timedelta(days=days)


def test_an_up_to_date_translation_shows_no_notice(client, aims):
    assert notice(client.get("/fa/aims-fa/")) is None


def test_the_translation_says_it_may_be_out_of_date_once_the_original_is_published_again(
    client, aims
):
    republish(aims, later(1))
    text, href, hreflang = notice(client.get("/fa/aims-fa/"))
    with translation.override("fa"):
        persian_date = display_date(timezone.localdate(later(1)))

    assert "ممکن است این ترجمه به‌روز نباشد" in text
    assert "انگلیسی" in text
    assert persian_date in text
    assert (href, hreflang) == ("/aims/", "en")
    assert notice(client.get("/aims/")) is None  # the original is never out of date


def test_the_notice_goes_once_the_translation_is_published_after_the_original(client, aims):
    republish(aims, later(1))
    persian = aims.get_translation(Locale.objects.get(language_code="fa"))
    assert notice(client.get("/fa/aims-fa/")) is not None

    republish(persian, later(2))

    assert notice(client.get("/fa/aims-fa/")) is None


def test_a_draft_of_the_original_does_not_make_the_translation_out_of_date(client, aims):
    aims.title = "Our aims"
    aims.save_revision()

    assert notice(client.get("/fa/aims-fa/")) is None


@pytest.fixture
def persian_appeal(aims, home_page):
    index = make_appeal_index(home_page)
    translate(index, "fa", title="فراخوان‌ها", slug="appeals-fa")
    appeal = make_appeal()
    return appeal, translate_snippet(appeal, "fa", title="به گزارشگر ویژه سازمان ملل بنویسید")


def test_an_appeals_language_links_lead_to_the_appeals_translation(client, persian_appeal):
    appeal, persian = persian_appeal
    page = parse(client.get(f"/appeals/{appeal.slug}/"))
    links = [(a["hreflang"], a["href"]) for a in page.select(".language-links a")]
    alternates = [(a["hreflang"], a["href"]) for a in page.select("link[hreflang]")]

    assert links == [("fa", f"/fa/appeals-fa/{persian.slug}/")]
    assert alternates == [
        ("en", f"http://testserver/appeals/{appeal.slug}/"),
        ("fa", f"http://testserver/fa/appeals-fa/{persian.slug}/"),
    ]


def test_an_appeals_translation_says_when_the_original_appeal_changed(client, persian_appeal):
    appeal, persian = persian_appeal
    url = f"/fa/appeals-fa/{persian.slug}/"
    assert notice(client.get(url)) is None

    republish(appeal, later(1))
    assert notice(client.get(url))[1:] == (f"/appeals/{appeal.slug}/", "en")

    republish(persian, later(2))
    assert notice(client.get(url)) is None


def dashboard_rows(client):
    page = parse(client.get("/admin/"))
    panel = page.select_one("#outdated-translations-section")
    assert panel is not None
    return [
        tuple(cell.get_text(strip=True) for cell in row.select("td")[:3])
        for row in panel.select("tbody tr")
    ]


@pytest.fixture
def editor(client, django_user_model):
    person = django_user_model.objects.create_user("editor", password="x")
    person.groups.add(Group.objects.get(name="Editors"))
    client.force_login(person)
    return person


def test_editors_see_out_of_date_translations_on_the_dashboard(client, editor, persian_appeal):
    appeal, persian_copy = persian_appeal
    development = make_development()
    translate_snippet(development, "fa", headline="دیدار خانواده‌ها در بغداد")
    assert dashboard_rows(client) == []

    republish(Page.objects.get(url_path="/test-home/aims/").specific, later(1))
    republish(appeal, later(2))
    republish(development, later(3))

    assert dashboard_rows(client) == [
        ("اهداف", "Content page", "Persian"),
        ("به گزارشگر ویژه سازمان ملل بنویسید", "Appeal", "Persian"),
        ("17 July 2003: دیدار خانواده‌ها در بغداد", "Development", "Persian"),
    ]

    republish(persian_copy, later(4))
    assert [row[0] for row in dashboard_rows(client)] == [
        "اهداف",
        "17 July 2003: دیدار خانواده‌ها در بغداد",
    ]


def test_the_dashboard_says_when_no_translation_is_out_of_date(client, editor, aims):
    panel = parse(client.get("/admin/")).select_one("#outdated-translations-section")

    assert "Every translation is as new as its original." in panel.get_text()


def test_a_page_published_again_with_no_translation_is_not_listed(client, editor, home_page):
    page = make_content_page(home_page, "Contact")
    publish(page)

    assert dashboard_rows(client) == []


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_translating_an_appeal_makes_an_unpublished_draft(
    client, django_user_model, home_page, group
):
    person = django_user_model.objects.create_user("translator", password="x")
    person.groups.add(Group.objects.get(name=group))
    client.force_login(person)
    translate(home_page, "fa", title="سازمان آزمایشی")
    translate(make_appeal_index(home_page), "fa", title="فراخوان‌ها", slug="appeals-fa")
    appeal = make_appeal()
    persian = Locale.objects.get(language_code="fa")

    client.post(
        f"/admin/localize/submit/snippet/campaigns/appeal/{appeal.pk}/",
        {"locales": [persian.pk]},
    )

    copy = type(appeal).objects.get(translation_key=appeal.translation_key, locale=persian)
    assert (copy.live, copy.last_published_at, copy.live_revision) == (False, None, None)
    assert client.get(f"/fa/appeals-fa/{copy.slug}/").status_code == 404
    assert client.get(f"/admin/snippets/campaigns/appeal/edit/{copy.pk}/").status_code == 200
