"""Translating with wagtail-localize: a translator translates an English page segment by segment,
a moderator publishes the translation, and once the English changes the translation says it may
be out of date."""

import polib
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from wagtail.models import Locale
from wagtail.rich_text import RichText
from wagtail_localize.models import StringSegment, Translation

from advocacy.models import ContentPage
from campaigns.models import Appeal
from tests.builders import make_appeal, make_appeal_index, make_content_page, publish, translate
from tests.html import parse
from tests.test_outdated_translations import dashboard_rows, notice

pytestmark = pytest.mark.django_db

PERSIAN = {
    "Aims": "اهداف",
    "aims": "aims-fa",
    "Families ask for news.": "خانواده‌ها خبر می‌خواهند.",
}


def member_of(django_user_model, client, group, name):
    person = django_user_model.objects.create_user(name, password="a-long-password-1")
    person.groups.add(Group.objects.get(name=group))
    client.force_login(person)
    return person


@pytest.fixture
def aims(home_page):
    translate(home_page, "fa", title="سازمان آزمایشی")
    body = [("paragraph", RichText("<p>Families ask for news.</p>"))]
    return make_content_page(home_page, "Aims", body=body)


@pytest.fixture
def translator(client, django_user_model):
    return member_of(django_user_model, client, "Translators", "translator")


def persian():
    return Locale.objects.get(language_code="fa")


def submit_page_for_translation(client, page):
    response = client.post(f"/admin/localize/submit/page/{page.pk}/", {"locales": [persian().pk]})
    assert response.status_code == 302
    translated = page.get_translation(persian())
    return Translation.objects.get(
        source__object_id=page.translation_key, target_locale=persian()
    ), translated


def fill_segments(client, translation, words):
    """Types each segment's translation into the editor, as its JavaScript does (a PUT)."""
    for segment in StringSegment.objects.filter(source=translation.source):
        response = client.put(
            f"/admin/localize/translate/{translation.pk}/strings/{segment.pk}/edit/",
            encode_multipart(BOUNDARY, {"value": words[segment.string.data]}),
            content_type=MULTIPART_CONTENT,
        )
        assert response.status_code == 201, response.content


def test_translators_may_translate_and_submit_but_not_publish():
    translators = Group.objects.get(name="Translators")
    codenames = {p.codename for p in translators.permissions.all()}
    page_permissions = {p.permission.codename for p in translators.page_permissions.all()}

    assert codenames == {
        "access_admin",
        "submit_translation",
        "change_appeal",
        "view_appeal",
        "change_development",
        "view_development",
        "change_sitetext",
        "view_sitetext",
    }
    assert page_permissions == {"change_page"}
    for group in ["Editors", "Moderators"]:
        assert (
            Group.objects.get(name=group)
            .permissions.filter(
                codename="submit_translation", content_type__app_label="wagtail_localize"
            )
            .exists()
        )


def test_a_translation_is_published_through_moderation_and_flagged_when_the_english_changes(
    client, django_user_model, aims, translator
):
    translation, draft = submit_page_for_translation(client, aims)
    assert not draft.live
    editor = client.get(f"/admin/pages/{draft.pk}/edit/")
    assert editor.status_code == 200
    assert parse(editor).select_one(".js-translation-editor") is not None

    fill_segments(client, translation, PERSIAN)
    response = client.post(f"/admin/localize/moderate/{translation.pk}/")
    assert response.status_code == 302
    draft = ContentPage.objects.get(pk=draft.pk)
    assert draft.workflow_in_progress and not draft.live
    # The translator may not publish it.
    client.post(f"/admin/pages/{draft.pk}/edit/", {"action": "publish"})
    assert not ContentPage.objects.get(pk=draft.pk).live

    member_of(django_user_model, client, "Moderators", "moderator")
    task_state = draft.current_workflow_task_state
    response = client.post(
        f"/admin/pages/workflow/action/{draft.pk}/approve/{task_state.pk}/", {"comment": ""}
    )
    assert response.status_code in (200, 302)
    published = ContentPage.objects.get(pk=draft.pk)
    assert published.live
    page = client.get(published.url)
    assert page.status_code == 200
    assert "خانواده‌ها خبر می‌خواهند." in parse(page).select_one("main").get_text()
    assert notice(page) is None
    assert dashboard_rows(client) == []

    english = ContentPage.objects.get(pk=aims.pk)
    english.body = [("paragraph", RichText("<p>Families still ask for news.</p>"))]
    publish(english)

    flagged = notice(client.get(published.url))
    assert flagged is not None and flagged[1:] == ("/aims/", "en")
    assert [row[0] for row in dashboard_rows(client)] == ["اهداف"]
    # The translator sees what changed: the new sentence waits for its translation.
    assert not translation.source.stringsegment_set.filter(
        string__data="Families ask for news."
    ).exists()
    assert translation.get_progress() == (3, 2)


def test_the_english_published_again_unchanged_leaves_the_translation_current(
    client, django_user_model, aims, translator
):
    translation, draft = submit_page_for_translation(client, aims)
    fill_segments(client, translation, PERSIAN)
    translation.save_target(publish=True)
    url = ContentPage.objects.get(pk=draft.pk).url

    publish(ContentPage.objects.get(pk=aims.pk))

    assert notice(client.get(url)) is None


def test_a_translator_translates_an_appeal_through_a_po_file_and_submits_it(
    client, home_page, translator
):
    translate(home_page, "fa", title="سازمان آزمایشی")
    translate(make_appeal_index(home_page), "fa", title="فراخوان‌ها", slug="appeals-fa")
    appeal = make_appeal()
    response = client.post(
        f"/admin/localize/submit/snippet/campaigns/appeal/{appeal.pk}/",
        {"locales": [persian().pk]},
    )
    assert response.status_code == 302
    translation = Translation.objects.get(
        source__object_id=appeal.translation_key, target_locale=persian()
    )

    download = client.get(f"/admin/localize/translate/{translation.pk}/pofile/download/")
    assert download.status_code == 200
    po = polib.pofile(download.content.decode())
    assert po and not any(entry.msgstr for entry in po)
    for entry in po:
        # A slug takes no spaces: a translated one is an address again.
        entry.msgstr = "appeal-fa" if entry.msgctxt == "slug" else f"ترجمهٔ {entry.msgid}"
    upload = client.post(
        f"/admin/localize/translate/{translation.pk}/pofile/upload/",
        {"file": SimpleUploadedFile("appeal.po", str(po).encode(), "text/x-gettext-translation")},
    )
    assert upload.status_code == 302

    again = polib.pofile(
        client.get(f"/admin/localize/translate/{translation.pk}/pofile/download/").content.decode()
    )
    assert {e.msgid: e.msgstr for e in again} == {e.msgid: e.msgstr for e in po}
    assert translation.get_progress()[0] == translation.get_progress()[1]
    copy = Appeal.objects.get(translation_key=appeal.translation_key, locale=persian())
    assert client.get(f"/admin/snippets/campaigns/appeal/edit/{copy.pk}/").status_code == 200

    client.post(f"/admin/localize/moderate/{translation.pk}/")
    copy = Appeal.objects.get(pk=copy.pk)
    assert copy.workflow_in_progress and not copy.live
    assert copy.latest_revision.as_object().target_name.startswith("ترجمهٔ ")
