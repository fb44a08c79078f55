"""The admin screens this project adds pass axe: the dashboard panels, the snippet listings and
the caseworkers' register of family contact requests."""

import pytest

from campaigns.models import ContactRequest
from tests.browser.conftest import make_member
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


@pytest.mark.parametrize("path", ["", "edit/{pk}/"], ids=["register", "request"])
def test_the_family_contact_register_passes_axe(demo_site, log_in, django_user_model, path):
    caseworker = make_member(django_user_model, "shirin", "Caseworkers")
    request = ContactRequest.objects.create(
        requester_name="Maryam Rezaei",
        relationship="Mother",
        country="United Kingdom",
        relative_name="Ali Karimi",
        consent_contact=True,
        assigned_to=caseworker,
    )
    page = log_in(caseworker)
    page.goto(f"{demo_site.url}/admin/family_contact_requests/{path.format(pk=request.pk)}")

    assert page.locator("main table, main form").count() >= 1
    assert axe_violations(page, "main") == []
