"""Editors build every page type in the admin, as they would in the browser's forms."""

import pytest
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from advocacy.models import ContentPage, FAQPage, HomePage

pytestmark = pytest.mark.django_db


def add_page(client, model, parent, **fields):
    url = f"/admin/pages/add/{model._meta.app_label}/{model._meta.model_name}/{parent.pk}/"
    data = nested_form_data({"comments": inline_formset([]), **fields, "action-publish": "publish"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    return model.objects.get(slug=fields["slug"])


def test_an_editor_can_create_a_home_page(admin_client):
    home = add_page(
        admin_client,
        HomePage,
        Page.get_first_root_node(),
        title="Iran-Interlink",
        slug="new-home",
        intro=rich_text("<p>Families first.</p>"),
        about_heading="Who we are",
        about_text="A point of contact.",
        featured_campaigns=inline_formset([]),
    )

    assert home.live
    assert "Families first." in home.intro


def test_only_one_home_page_can_be_created_under_the_root(admin_client, home_page):
    assert not HomePage.can_create_at(Page.get_first_root_node())


def test_an_editor_can_create_a_content_page_with_sections(admin_client, home_page):
    page = add_page(
        admin_client,
        ContentPage,
        home_page,
        title="Obstacles",
        slug="obstacles",
        intro="What stands in the way.",
        body=streamfield(
            [
                ("heading", {"text": "Visas refused", "anchor": ""}),
                ("paragraph", rich_text("<p>The authorities said no.</p>")),
                ("quote", {"quote": "We have no responsibility.", "attribution": "An official"}),
            ]
        ),
    )

    assert page.live
    assert page.headings()[0]["anchor"] == "visas-refused"
    assert admin_client.get("/obstacles/").status_code == 200


def test_the_admin_refuses_two_sections_with_the_same_anchor_and_keeps_the_input(
    admin_client, home_page
):
    url = f"/admin/pages/add/advocacy/contentpage/{home_page.pk}/"
    data = nested_form_data(
        {
            "comments": inline_formset([]),
            "title": "Obstacles",
            "slug": "obstacles",
            "intro": "",
            "body": streamfield(
                [
                    ("heading", {"text": "Visas", "anchor": ""}),
                    ("heading", {"text": "Visas", "anchor": ""}),
                ]
            ),
            "action-publish": "publish",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["form"].errors["body"]
    assert response.context["form"]["title"].value() == "Obstacles"
    assert not ContentPage.objects.exists()


def test_an_editor_can_create_an_faq_page(admin_client, home_page):
    page = add_page(
        admin_client,
        FAQPage,
        home_page,
        title="Questions",
        slug="questions-and-answers",
        intro="",
        questions=streamfield(
            [
                (
                    "question",
                    {
                        "question": "Why a cult?",
                        "anchor": "",
                        "answer": rich_text("<p>Five traits.</p>"),
                    },
                )
            ]
        ),
    )

    assert page.questions[0].value["anchor"] == "why-a-cult"
    assert page.structured_data()["mainEntity"][0]["name"] == "Why a cult?"
