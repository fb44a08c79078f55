"""The admin dashboard as a moderator meets it: what waits for their review comes first."""

import pytest
from wagtail.models import Workflow

from tests.builders import make_appeal, make_development
from tests.html import parse
from tests.test_publishing import member_of

pytestmark = pytest.mark.django_db


def test_a_moderator_sees_what_awaits_their_review_before_any_other_panel(
    client, django_user_model
):
    make_appeal()  # the appeal actions panel has something to show
    submitted = make_development("Waiting for a moderator", live=False)
    editor = member_of(django_user_model, client, "Editors")
    Workflow.objects.get(name="Moderator approval").start(submitted, editor)

    member_of(django_user_model, client, "Moderators")
    dashboard = parse(client.get("/admin/"))

    panels = [panel["id"] for panel in dashboard.select("main section.w-panel[id]")]
    assert panels == [
        "awaiting-review-section",
        "appeal-actions-section",
        "scheduled-section",
        "outdated-translations-section",
    ]
    assert "Waiting for a moderator" in dashboard.select_one("#awaiting-review-section").get_text()
