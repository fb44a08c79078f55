"""Following by e-mail in a real browser with JavaScript off, in English and Persian: the form on
a cached campaign page, its mistakes, the confirm and leave pages; accessible (axe, light and
dark) and private (no cookie at all, nothing from another origin)."""

import pytest

from campaigns.followers import keys
from campaigns.followers.models import Follower
from tests.browser.test_family_contact import accessible_in_both_themes, session

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PREFIX = {"en": "", "fa": "/fa"}
CAMPAIGN = "/campaigns/family-contact/"


@pytest.fixture
def supporter(browser, demo_site):
    """A supporter with JavaScript off, recording every request their browser makes."""
    page = session(browser, javascript=False)
    yield page
    page.context.close()


@pytest.fixture
def auditor(browser, demo_site):
    """The same, with JavaScript on in the page for axe (the site's CSP bypassed for it)."""
    page = session(browser, javascript=True)
    yield page
    page.context.close()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_supporter_follows_a_campaign_and_confirms_with_javascript_off(
    supporter, demo_site, language
):
    supporter.goto(demo_site.url + PREFIX[language] + CAMPAIGN)
    supporter.fill("#follow-email", "supporter@example.org")
    supporter.check("#follow-frequency_1")
    supporter.click(".follow-form button[type=submit]")

    assert supporter.url == f"{demo_site.url}{PREFIX[language]}/follow/sent/"
    follower = Follower.objects.get()
    assert (follower.language, follower.frequency) == (language, "daily")
    assert follower.campaign_key is not None and follower.confirmed_at is None

    token = keys.link_token(follower, "confirm")
    supporter.goto(
        f"{demo_site.url}{PREFIX[language]}/follow/confirm/{follower.public_id}/{token}/"
    )
    supporter.click("main form button[type=submit]")

    follower.refresh_from_db()
    assert follower.confirmed_at is not None
    assert supporter.context.cookies() == []
    assert [url for url in supporter.requests if not url.startswith(demo_site.url)] == []


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_form_its_mistakes_and_the_link_pages_pass_axe(auditor, demo_site, language):
    prefix = demo_site.url + PREFIX[language]
    for path in (CAMPAIGN, "/timeline/", "/appeals/"):
        auditor.goto(prefix + path)
        assert accessible_in_both_themes(auditor) == ([], []), path

    auditor.fill("#follow-email", "not an address")
    auditor.click(".follow-form button[type=submit]")
    assert auditor.locator(".error-summary a").count() == 1
    assert auditor.locator("#follow-email").get_attribute("aria-invalid") == "true"
    assert auditor.locator("#follow-email").input_value() == "not an address"
    assert accessible_in_both_themes(auditor) == ([], []), "the form with its mistake"

    auditor.fill("#follow-email", "supporter@example.org")
    auditor.click(".follow-form button[type=submit]")
    assert auditor.url.endswith("/follow/sent/")
    follower = Follower.objects.get()
    for purpose in ("confirm", "leave"):
        token = keys.link_token(follower, purpose)
        auditor.goto(f"{prefix}/follow/{purpose}/{follower.public_id}/{token}/")
        assert accessible_in_both_themes(auditor) == ([], []), f"the {purpose} page"
        auditor.click("main form button[type=submit]")
        assert accessible_in_both_themes(auditor) == ([], []), f"after the {purpose} button"

    assert not Follower.objects.exists()
    assert auditor.context.cookies() == []
