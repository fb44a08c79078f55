"""The admin screens this project adds pass axe: the dashboard panels and the snippet listings."""

import pytest

from tests.browser.test_readers import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize(
    ("path", "scope"),
    [
        ("/admin/", "#appeal-actions-section, #scheduled-section"),
        ("/admin/snippets/campaigns/development/", "main"),
        ("/admin/snippets/campaigns/appeal/", "main"),
    ],
    ids=["dashboard panels", "developments", "appeals"],
)
def test_the_admin_screens_this_project_adds_pass_axe(demo_site, log_in, editor, path, scope):
    page = log_in(editor)
    page.goto(demo_site.url + path)

    assert page.locator(scope).count() >= 1
    assert axe_violations(page, scope) == []
