"""A translator translates an English page in wagtail-localize's editor, in a real browser, and
submits it for moderation; a moderator publishes it; Persian readers read it."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from wagtail.rich_text import RichText

from advocacy.models import ContentPage
from tests.browser.conftest import make_member
from tests.builders import make_content_page, translate

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The content tab's segments (the slug, on the promote tab, keeps the English one).
PERSIAN = {"Aims": "اهداف", "Families ask for news.": "خانواده‌ها خبر می‌خواهند."}


def translate_segment(page, source, words):
    segment = page.locator(
        "li.incomplete, li.complete", has=page.locator("p", has_text=re.compile(f"^{source}$"))
    )
    segment.get_by_role("button", name="Translate", exact=True).click()
    segment.locator("textarea").fill(words)
    segment.get_by_role("button", name="Save", exact=True).click()
    expect(segment).to_have_class("complete")


def test_a_translator_translates_a_page_and_a_moderator_publishes_it(
    live_server, log_in, new_session, django_user_model, home_page, moderator
):
    translate(home_page, "fa", title="سازمان آزمایشی")
    body = [("paragraph", RichText("<p>Families ask for news.</p>"))]
    aims = make_content_page(home_page, "Aims", body=body)
    translator = make_member(django_user_model, "translator", "Translators")
    translator.email = "translator@example.org"
    translator.save()

    page = log_in(translator)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/admin/localize/submit/page/{aims.pk}/")
    page.locator("input[name=locales]").check()
    page.locator("input[type=submit][value=Submit]").click()
    expect(page.locator(".js-translation-editor")).to_contain_text("Families ask for news.")
    for source, words in PERSIAN.items():
        translate_segment(page, source, words)
    page.get_by_role("button", name="Submit for moderation").click()
    expect(page.locator(".messages")).to_contain_text("submitted for moderation")

    draft = ContentPage.objects.get(
        translation_key=aims.translation_key, locale__language_code="fa"
    )
    assert not draft.live and draft.workflow_in_progress
    elsewhere = {
        url
        for url in requested
        if not url.startswith(("data:", "blob:"))
        and "{0.scheme}://{0.netloc}".format(urlsplit(url)) != live_server.url
    }
    assert elsewhere == set()

    page = log_in(moderator)
    page.goto(f"{live_server.url}/admin/")
    review = page.locator("#awaiting-review-section")
    expect(review).to_contain_text("اهداف")
    # The translation's edit view is wagtail-localize's editor: moderators approve it from the
    # dashboard.
    review.get_by_role("button", name="Actions").click()
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator("#awaiting-review-section")).to_have_count(0)

    reader = new_session()
    draft.refresh_from_db()
    assert draft.live
    reader.goto(f"{live_server.url}{draft.url}")
    expect(reader.locator("main")).to_contain_text("خانواده‌ها خبر می‌خواهند.")
