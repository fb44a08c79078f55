"""Who may publish, the moderation workflow, scheduled publishing and previews."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, Workflow, WorkflowContentType, WorkflowPage
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from campaigns.models import Appeal, Development
from tests.builders import (
    development_form_data,
    make_appeal,
    make_appeal_index,
    make_campaign,
    make_campaign_index,
    make_content_page,
    make_development,
    make_faq_page,
    make_timeline_page,
    make_update,
)
from tests.html import parse

pytestmark = pytest.mark.django_db


def member_of(django_user_model, client, group):
    user = django_user_model.objects.create_user(group.lower(), password="a-long-password-1")
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


@pytest.fixture
def editor(client, django_user_model):
    return member_of(django_user_model, client, "Editors")


@pytest.fixture
def moderator(client, django_user_model):
    return member_of(django_user_model, client, "Moderators")


def test_groups_and_the_workflow_exist_after_migrate():
    editors, moderators = Group.objects.get(name="Editors"), Group.objects.get(name="Moderators")
    assert {"add_development", "change_appeal"} <= {p.codename for p in editors.permissions.all()}
    assert "publish_development" not in {p.codename for p in editors.permissions.all()}
    assert {"publish_development", "publish_appeal"} <= {
        p.codename for p in moderators.permissions.all()
    }
    workflow = Workflow.objects.get(name="Moderator approval", active=True)
    assert WorkflowPage.objects.get(page=Page.get_first_root_node()).workflow == workflow
    assert {
        wct.content_type.model for wct in WorkflowContentType.objects.filter(workflow=workflow)
    } == {"development", "appeal"}
    task = workflow.tasks.get().specific
    assert list(task.groups.all()) == [moderators]


def test_an_editor_cannot_publish_a_development(client, editor):
    response = client.post(
        "/admin/snippets/campaigns/development/add/",
        {**development_form_data(), "action-publish": "publish"},
    )

    assert response.status_code in (302, 403)
    assert not Development.objects.filter(live=True).exists()


def test_an_editor_cannot_publish_a_page(client, editor, home_page):
    page = make_content_page(home_page, "Aims", live=False)
    data = nested_form_data(
        {
            "title": "Aims",
            "slug": "aims",
            "intro": "",
            "body": streamfield([("paragraph", rich_text("<p>Text.</p>"))]),
            "comments": inline_formset([]),
            "action-publish": "publish",
        }
    )

    response = client.post(f"/admin/pages/{page.pk}/edit/", data)

    assert response.status_code in (200, 302, 403)
    page.refresh_from_db()
    assert not page.live


def test_an_editor_submits_and_a_moderator_approves(client, django_user_model, editor):
    client.post(
        "/admin/snippets/campaigns/development/add/",
        {**development_form_data(), "action-submit": "submit"},
    )
    development = Development.objects.get()
    assert not development.live
    assert development.workflow_in_progress

    moderator = member_of(django_user_model, client, "Moderators")
    task_state = development.current_workflow_task_state
    response = client.post(
        f"/admin/snippets/campaigns/development/workflow/action/{development.pk}/approve/"
        f"{task_state.pk}/",
        {"comment": "Checked."},
    )

    assert response.status_code in (200, 302)
    development.refresh_from_db()
    assert development.live
    assert development.live_revision.approved_go_live_at is None
    assert moderator.pk != editor.pk


def test_a_moderator_can_publish_directly(client, moderator):
    client.post(
        "/admin/snippets/campaigns/development/add/",
        {**development_form_data(), "action-publish": "publish"},
    )

    assert Development.objects.get().live


def test_a_moderator_can_schedule_a_development_for_later(client, moderator):
    later = timezone.now() + datetime.timedelta(days=2)

    client.post(
        "/admin/snippets/campaigns/development/add/",
        {
            **development_form_data(),
            "go_live_at": later.strftime("%Y-%m-%d %H:%M"),
            "action-publish": "publish",
        },
    )

    development = Development.objects.get()
    assert not development.live
    assert development.scheduled_revision.approved_go_live_at is not None


def schedule(model_instance, go_live_at):
    model_instance.go_live_at = go_live_at
    return model_instance.save_revision(approved_go_live_at=go_live_at)


def test_publish_scheduled_publishes_what_is_due_and_nothing_else():
    due = make_development("Due", live=False)
    later = make_development("Later", live=False)
    appeal_due = make_appeal("Due appeal", live=False)
    schedule(due, timezone.now() - datetime.timedelta(minutes=5))
    schedule(later, timezone.now() + datetime.timedelta(days=1))
    schedule(appeal_due, timezone.now() - datetime.timedelta(minutes=5))

    call_command("publish_scheduled")

    assert Development.objects.get(pk=due.pk).live
    assert not Development.objects.get(pk=later.pk).live
    assert Appeal.objects.get(pk=appeal_due.pk).live


def test_publish_scheduled_takes_expired_items_down():
    development = make_development("Expires")
    Development.objects.filter(pk=development.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    call_command("publish_scheduled")

    development.refresh_from_db()
    assert not development.live and development.expired


def test_every_page_type_previews_in_the_sites_look(admin_client, home_page):
    index = make_campaign_index(home_page)
    campaign = make_campaign(index)
    pages = [
        home_page,
        make_content_page(home_page, "Aims"),
        make_faq_page(home_page, questions=[("Why?", "<p>Because.</p>")]),
        index,
        campaign,
        make_update(campaign),
        make_timeline_page(home_page),
        make_appeal_index(home_page),
    ]
    for page in pages:
        response = admin_client.get(f"/admin/pages/{page.pk}/view_draft/")

        assert response.status_code == 200, page
        document = parse(response)
        assert document.select_one("link[rel=stylesheet]")["href"] == "/static/css/site.css"
        assert document.h1, page


def test_the_dashboard_lists_what_is_scheduled_and_what_awaits_moderation(
    client, django_user_model, home_page
):
    later = timezone.now() + datetime.timedelta(days=3)
    schedule(make_development("Scheduled development", live=False), later)
    page = make_content_page(home_page, "Scheduled page", live=False)
    page.go_live_at = later + datetime.timedelta(hours=1)
    page.save_revision(approved_go_live_at=page.go_live_at)
    submitted = make_development("Waiting for a moderator", live=False)
    editor = member_of(django_user_model, client, "Editors")
    Workflow.objects.get(name="Moderator approval").start(submitted, editor)

    member_of(django_user_model, client, "Moderators")
    dashboard = parse(client.get("/admin/"))

    scheduled = dashboard.select_one("#scheduled-section")
    assert [a.get_text() for a in scheduled.select("td a")] == [
        "17 July 2003: Scheduled development",
        "Scheduled page",
    ]
    assert "Waiting for a moderator" in dashboard.get_text()


def test_the_development_listing_shows_dates_with_their_precision_and_filters(
    admin_client, home_page
):
    campaign = make_campaign(make_campaign_index(home_page))
    make_development(
        "In the campaign", date=datetime.date(2003, 5, 9), precision="month", campaign=campaign
    )
    make_development("Organisation-wide", date=datetime.date(2002, 10, 1))
    make_development("Still a draft", live=False)

    def rows(**params):
        listing = parse(admin_client.get("/admin/snippets/campaigns/development/", params))
        return [tr.get_text(" ", strip=True) for tr in listing.select("tbody tr")]

    everything = rows()
    assert any(
        "In the campaign" in r and "May 2003" in r and "Family Contact" in r for r in everything
    )
    assert rows(campaign=campaign.pk) == [r for r in everything if "In the campaign" in r]
    assert rows(live="false") == [r for r in everything if "Still a draft" in r]
    assert len(rows(q="organisation")) == 1
