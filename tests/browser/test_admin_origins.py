"""The admin loads nothing from another origin: no third party learns who edits the site, or
when (an avatar from Gravatar carries a hash of the editor's e-mail address)."""

from urllib.parse import urlsplit

import pytest
from wagtail.models import Locale
from wagtail_localize.operations import translate_object

from tests.browser.conftest import make_member
from tests.builders import make_content_page, make_development, translate

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def origin(url):
    scheme, netloc, *_ = urlsplit(url)
    return f"{scheme}://{netloc}"


@pytest.mark.parametrize("group", ["Editors", "Moderators", "Translators"])
def test_no_admin_screen_loads_anything_from_another_origin(
    live_server, log_in, django_user_model, home_page, group
):
    user = make_member(django_user_model, group.lower(), group)
    user.email = f"{group.lower()}@example.org"
    user.save()
    about = make_content_page(home_page, "About us")
    make_development()
    persian = Locale.objects.get(language_code="fa")
    translate(home_page, "fa", title="سازمان آزمایشی")
    aims = make_content_page(home_page, "Aims")
    translate_object(aims, [persian])
    screens = [
        # First: leaving an edit view sends a request that must end before the test does.
        f"/admin/pages/{about.pk}/edit/",
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{home_page.pk}/",
        "/admin/snippets/campaigns/development/",
        # wagtail-localize's: the Translate form, its segment editor, its report.
        f"/admin/localize/submit/page/{about.pk}/",
        f"/admin/pages/{aims.get_translation(persian).pk}/edit/",
        "/admin/localize/reports/translations/",
    ]
    page = log_in(user)
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    for path in screens:
        response = page.goto(live_server.url + path)
        assert response.ok, path
        page.wait_for_load_state("networkidle")

    assert len(requested) > len(screens)  # the screens' own styles, scripts and images
    # A request that fails (this machine has no internet) is still recorded: it was made.
    elsewhere = {
        url
        for url in requested
        if not url.startswith(("data:", "blob:")) and origin(url) != live_server.url
    }
    assert elsewhere == set()
