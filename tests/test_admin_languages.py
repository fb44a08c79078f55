"""The admin is language-aware: a development's or an appeal's choices are of its own language,
and the snippet listings' language filter works, also where a save leads back to them."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Locale
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text
from wagtail.users.models import UserProfile

from campaigns.models import Appeal, Development
from tests.builders import (
    appeal_form_data,
    development_form_data,
    make_appeal,
    make_campaign,
    make_campaign_index,
    make_content_page,
    make_development,
    translate,
    translate_snippet,
)
from tests.html import parse

pytestmark = pytest.mark.django_db

DEVELOPMENTS = "/admin/snippets/campaigns/development/"
APPEALS = "/admin/snippets/campaigns/appeal/"


def development_form(**overrides):
    return nested_form_data({**development_form_data(**overrides), "action-submit": "submit"})


def appeal_form(**overrides):
    return nested_form_data({**appeal_form_data(**overrides), "action-submit": "submit"})


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="a-long-password-1")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


@pytest.fixture
def campaigns(home_page):
    """Family Contact in English and its Persian copy."""
    english = make_campaign(make_campaign_index(home_page))
    translate(home_page, "fa", title="سازمان آزمایشی")
    translate(english.get_parent().specific, "fa", title="کارزارها")
    persian = translate(english, "fa", title="ارتباط خانوادگی")
    return english, persian


def campaign_options(response):
    return [
        option.get_text(strip=True)
        for option in parse(response).select("select[name=campaign] option")
        if option["value"]
    ]


def test_an_english_developments_dropdown_offers_only_english_campaigns(client, editor, campaigns):
    development = make_development(campaign=campaigns[0])

    assert campaign_options(client.get(f"{DEVELOPMENTS}edit/{development.pk}/")) == [
        "Family Contact"
    ]
    assert campaign_options(client.get(f"{DEVELOPMENTS}add/?locale=en")) == ["Family Contact"]
    assert campaign_options(client.get(f"{APPEALS}add/")) == ["Family Contact"]


def test_a_persian_developments_dropdown_offers_only_persian_campaigns(client, editor, campaigns):
    development = make_development(locale=Locale.objects.get(language_code="fa"))

    assert campaign_options(client.get(f"{DEVELOPMENTS}edit/{development.pk}/")) == [
        "ارتباط خانوادگی"
    ]
    assert campaign_options(client.get(f"{DEVELOPMENTS}add/?locale=fa")) == ["ارتباط خانوادگی"]
    assert campaign_options(client.get(f"{APPEALS}add/?locale=fa")) == ["ارتباط خانوادگی"]


def test_a_translation_shows_and_saves_the_campaign_in_its_own_language(client, editor, campaigns):
    english, persian = campaigns
    # A translation starts with the original's links, to the English campaign.
    translation = translate_snippet(make_development(campaign=english), "fa")
    url = f"{DEVELOPMENTS}edit/{translation.pk}/"

    chosen = parse(client.get(url)).select_one("select[name=campaign] option[selected]")
    response = client.post(url, development_form(campaign=persian.pk))

    assert chosen["value"] == str(persian.pk)
    assert response.status_code == 302
    translation.refresh_from_db()
    assert translation.latest_revision.as_object().campaign == persian


def test_a_campaign_of_the_other_language_posted_by_hand_is_refused(client, editor, campaigns):
    english, persian = campaigns

    response = client.post(f"{DEVELOPMENTS}add/?locale=fa", development_form(campaign=english.pk))

    assert response.status_code == 200
    assert "Choose one in Persian" in str(response.context["form"].errors["campaign"])
    assert not Development.objects.exists()

    appeal = make_appeal(campaign=english)
    response = client.post(f"{APPEALS}edit/{appeal.pk}/", appeal_form(campaign=persian.pk))

    assert response.status_code == 200
    assert response.context["form"].errors["campaign"]
    appeal.refresh_from_db()
    assert appeal.campaign == english


def test_only_a_page_of_the_snippets_own_language_is_accepted(client, editor, campaigns, home_page):
    english, persian = campaigns
    aims = make_content_page(home_page, "Aims")

    refused = [
        client.post(f"{DEVELOPMENTS}add/?locale=fa", development_form(link_page=english.pk)),
        client.post(f"{APPEALS}add/?locale=fa", appeal_form(action="page", action_page=aims.pk)),
    ]
    assert refused[0].context["form"].errors["link_page"]
    assert refused[1].context["form"].errors["action_page"]
    assert not Development.objects.exists()
    assert not Appeal.objects.exists()

    accepted = [
        client.post(f"{DEVELOPMENTS}add/?locale=fa", development_form(link_page=persian.pk)),
        client.post(f"{APPEALS}add/", appeal_form(action="page", action_page=aims.pk)),
    ]
    assert [response.status_code for response in accepted] == [302, 302]
    assert Development.objects.get().link_page_id == persian.pk
    assert Appeal.objects.get().action_page_id == aims.pk


def test_a_translation_keeps_a_link_with_no_copy_in_its_language_but_takes_no_other(
    client, editor, home_page
):
    aims = make_content_page(home_page, "Aims")
    obstacles = make_content_page(home_page, "Obstacles")
    translate(home_page, "fa", title="سازمان آزمایشی")
    translation = translate_snippet(make_development(link_page=aims), "fa")
    url = f"{DEVELOPMENTS}edit/{translation.pk}/"

    shown = parse(client.get(url)).select_one("input[name=link_page]")["value"]
    refused = client.post(url, development_form(link_page=obstacles.pk))
    kept = client.post(url, development_form(link_page=aims.pk))

    assert shown == str(aims.pk)
    assert refused.context["form"].errors["link_page"]
    assert kept.status_code == 302
    translation.refresh_from_db()
    assert translation.latest_revision.as_object().link_page_id == aims.pk


@pytest.mark.parametrize(
    ("listing", "form"), [(DEVELOPMENTS, development_form), (APPEALS, appeal_form)]
)
def test_after_a_save_the_listing_it_leads_to_works(client, editor, campaigns, listing, form):
    response = client.post(f"{listing}add/", form(campaign=campaigns[0].pk), follow=True)

    assert response.redirect_chain[-1][0].endswith("?locale=en")
    assert response.status_code == 200
    assert "Select a valid choice" not in response.content.decode()
    assert len(parse(response).select("tbody tr")) == 1


def test_the_language_filter_of_the_listings_filters(client, editor):
    persian = Locale.objects.get(language_code="fa")
    make_development("English development")
    make_development("Persian development", locale=persian)
    make_appeal("English appeal")
    make_appeal("Persian appeal", slug="persian-appeal", locale=persian)

    def rows(listing, **params):
        response = client.get(listing, params)
        assert "Select a valid choice" not in response.content.decode()
        return [tr.get_text(" ", strip=True) for tr in parse(response).select("tbody tr")]

    for listing, kind in [(DEVELOPMENTS, "development"), (APPEALS, "appeal")]:
        assert [r for r in rows(listing, locale="fa") if kind in r] == [
            r for r in rows(listing) if f"Persian {kind}" in r
        ]
        assert all(f"Persian {kind}" in r for r in rows(listing, locale="fa"))
        assert all(f"English {kind}" in r for r in rows(listing, locale="en"))
        assert len(rows(listing)) == 2


def test_a_page_chooser_opens_in_the_snippets_own_language(client, editor, campaigns, home_page):
    persian_home = home_page.get_translation(Locale.objects.get(language_code="fa"))

    form = client.get(f"{DEVELOPMENTS}add/?locale=fa").content.decode()

    chooser = next(line for line in form.splitlines() if 'new PageChooser("id_link_page"' in line)
    assert f'"parentId": {persian_home.pk}' in chooser


def home_page_form(home, **overrides):
    return nested_form_data(
        {
            "title": home.title,
            "slug": home.slug,
            "intro": rich_text(""),
            "about_heading": "Who we are",
            "about_text": "",
            "about_page": "",
            "featured_campaigns": inline_formset([]),
            "comments": inline_formset([]),
            "action-publish": "publish",
            **overrides,
        }
    )


def test_a_home_pages_featured_campaigns_and_about_page_are_of_its_own_language(
    admin_client, campaigns
):
    english, persian = campaigns
    persian_home = persian.get_parent().get_parent().specific
    url = f"/admin/pages/{persian_home.pk}/edit/"

    refused = [
        admin_client.post(
            url,
            home_page_form(persian_home, featured_campaigns=inline_formset([{"page": english.pk}])),
        ),
        admin_client.post(url, home_page_form(persian_home, about_page=english.pk)),
    ]
    accepted = admin_client.post(
        url,
        home_page_form(
            persian_home,
            about_page=persian.pk,
            featured_campaigns=inline_formset([{"page": persian.pk}]),
        ),
    )

    assert [response.status_code for response in refused] == [200, 200]
    assert "Choose one in Persian" in str(
        refused[0].context["form"].formsets["featured_campaigns"].errors
    )
    assert refused[1].context["form"].errors["about_page"]
    assert accepted.status_code == 302
    persian_home.refresh_from_db()
    assert persian_home.about_page_id == persian.pk
    assert [f.page for f in persian_home.featured_campaigns.all()] == [persian]


def test_a_persian_speaking_editor_is_told_in_persian(client, editor, campaigns):
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "fa"
    profile.save()

    response = client.post(
        f"{DEVELOPMENTS}add/?locale=fa", development_form(campaign=campaigns[0].pk)
    )

    assert "یکی را به زبان همین مورد، فارسی، برگزینید." in str(
        response.context["form"].errors["campaign"]
    )
