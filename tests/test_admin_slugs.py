"""An appeal's address is filled in from its title as the editor types, as a page's is."""

import pytest

from tests.builders import make_appeal
from tests.html import parse

pytestmark = pytest.mark.django_db


def test_the_new_appeal_form_fills_the_address_from_the_title(admin_client):
    form = parse(admin_client.get("/admin/snippets/campaigns/appeal/add/"))

    title, slug = form.select_one("#id_title"), form.select_one("#id_slug")
    assert title["data-controller"] == "w-sync"
    assert title["data-w-sync-target-value"] == "#id_slug"
    assert "keyup->w-sync#apply" in title["data-action"]
    assert slug["data-controller"] == "w-slug"
    # Persian titles make Persian addresses, as the field allows (a present boolean attribute).
    assert slug.has_attr("data-w-slug-allow-unicode-value")


def test_a_live_appeals_address_does_not_follow_a_new_title(admin_client):
    appeal = make_appeal()

    form = parse(admin_client.get(f"/admin/snippets/campaigns/appeal/edit/{appeal.pk}/"))

    assert "w-sync#apply" not in form.select_one("#id_title").get("data-action", "")
    assert form.select_one("#id_slug")["value"] == appeal.slug
