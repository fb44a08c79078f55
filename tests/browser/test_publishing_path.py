"""The publishing path as editors, moderators and supporters walk it, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from campaigns.models import Appeal, AppealActionCount, Development

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HEADLINE = "Relatives ask the ICRC to supervise the visits"


def test_an_editor_submits_a_development_and_a_moderator_approves_it(
    demo_site, log_in, new_session, editor, moderator, screenshot_dir
):
    page = log_in(editor)
    page.goto(f"{demo_site.url}/admin/snippets/campaigns/development/add/")
    page.fill("input[name=date]", "2003-08-01")
    page.get_by_role("heading", name="Development", exact=True).click()  # closes the date picker
    page.select_option("select[name=precision]", "month")
    page.fill("input[name=headline]", HEADLINE)
    page.fill("textarea[name=summary]", "Families ask for the Red Cross to be present in Iraq.")
    page.select_option("select[name=campaign]", label="Family Contact")
    page.screenshot(
        path=screenshot_dir / "editor-new-development.png", full_page=True, animations="disabled"
    )
    expect(page.locator("button[name=action-publish]")).to_have_count(0)
    page.locator("footer").get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Submit to Moderator approval").click()
    expect(page.locator(".messages")).to_contain_text("submitted")

    development = Development.objects.get(headline=HEADLINE)
    assert not development.live
    reader = new_session()
    reader.goto(f"{demo_site.url}/campaigns/family-contact/")
    expect(reader.locator("main")).not_to_contain_text(HEADLINE)

    page = log_in(moderator)
    expect(page.locator("#awaiting-review-section")).to_contain_text(HEADLINE)
    page.screenshot(
        path=screenshot_dir / "moderator-dashboard.png", full_page=True, animations="disabled"
    )
    page.goto(f"{demo_site.url}/admin/snippets/campaigns/development/edit/{development.pk}/")
    page.locator("footer").get_by_role("button", name="More actions").click()
    approve = page.get_by_role("button", name="Approve and Publish", exact=True)
    expect(approve).to_be_visible()
    page.screenshot(path=screenshot_dir / "moderator-approve.png", animations="disabled")
    approve.click()
    expect(page.locator(".messages")).to_contain_text(HEADLINE)
    development.refresh_from_db()
    assert development.live

    reader.goto(f"{demo_site.url}/campaigns/family-contact/")
    entry = reader.locator(".campaign-timeline .timeline-entry", has_text=HEADLINE)
    expect(entry.locator("time")).to_have_text("August 2003")
    feed = reader.request.get(f"{demo_site.url}/campaigns/family-contact/feed/rss/")
    assert f"<title>{HEADLINE}</title>" in feed.text()


def test_a_supporters_action_reaches_the_stored_target_and_is_counted(
    demo_site, log_in, new_session, moderator, screenshot_dir
):
    appeal = Appeal.objects.get(locale__language_code="en")
    page = new_session()
    page.goto(f"{demo_site.url}/appeals/{appeal.slug}/")
    page.screenshot(path=screenshot_dir / "appeal-page.png", full_page=True, animations="disabled")

    with page.expect_response(re.compile(r"/act/\d+/$")) as action:
        page.get_by_role("link", name="Write to the Special Rapporteur").click(no_wait_after=True)

    assert action.value.status == 302
    assert action.value.headers["location"] == appeal.get_target_url()
    assert page.context.cookies() == []
    assert AppealActionCount.objects.get(appeal=appeal).count == 1

    admin = log_in(moderator)
    panel = admin.locator("#appeal-actions-section")
    expect(panel.locator("tbody tr").first.locator("td").nth(2)).to_have_text("1")
    admin.goto(f"{demo_site.url}/admin/snippets/campaigns/appeal/")
    expect(admin.locator("tbody tr").first).to_contain_text("1")
    admin.screenshot(
        path=screenshot_dir / "appeal-listing.png", full_page=True, animations="disabled"
    )


def test_a_draft_of_a_published_appeal_stays_private_until_it_is_published(
    demo_site, log_in, new_session, editor, moderator, screenshot_dir
):
    appeal = Appeal.objects.get(locale__language_code="en")
    public_url = f"{demo_site.url}/appeals/{appeal.slug}/"
    new_ask = "Write to the Special Rapporteur before his next report on Iraq."

    page = log_in(editor)
    page.goto(f"{demo_site.url}/admin/snippets/campaigns/appeal/edit/{appeal.pk}/")
    page.fill("textarea[name=ask]", new_ask)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messages")).to_contain_text("updated")
    page.screenshot(
        path=screenshot_dir / "editor-draft-saved.png", full_page=True, animations="disabled"
    )

    reader = new_session()
    reader.goto(public_url)
    expect(reader.locator("main")).not_to_contain_text(new_ask)
    expect(reader.locator("main")).to_contain_text(appeal.ask)

    page = log_in(moderator)
    page.goto(f"{demo_site.url}/admin/snippets/campaigns/appeal/edit/{appeal.pk}/")
    page.locator("footer").get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("published")

    reader.goto(public_url)
    expect(reader.locator("main")).to_contain_text(new_ask)
