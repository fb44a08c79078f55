"""Editors write and submit; Moderators also approve and publish. One workflow covers it all.

Wagtail's own migrations create the two groups with page permissions on the root page and a
"Moderators approval" workflow for pages. This makes sure the groups and their page
permissions exist, gives them the snippet permissions for developments and appeals, and has
one "Moderator approval" workflow cover the whole page tree and both snippets. Editors keep
adding documents and images but lose changing and deleting those of others.
"""

from django.db import migrations

WORKFLOW_NAME = "Moderator approval"
SNIPPETS = {"development": "development", "appeal": "appeal"}
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
MODERATOR_PAGE_PERMISSIONS = [*EDITOR_PAGE_PERMISSIONS, "publish_page", "lock_page", "unlock_page"]
EDITOR_ACTIONS = ["add", "change", "view"]
MODERATOR_ACTIONS = [*EDITOR_ACTIONS, "delete", "publish", "lock", "unlock"]


def permission(apps, content_type, action, model):
    """The permission, created if need be: on an empty database Django and Wagtail only add
    them after all migrations have run."""
    Permission = apps.get_model("auth", "Permission")
    found, _created = Permission.objects.get_or_create(
        content_type=content_type,
        codename=f"{action}_{model}",
        defaults={"name": f"Can {action} {model}"},
    )
    return found


def set_up(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    editors, _ = Group.objects.get_or_create(name="Editors")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    root = Page.objects.get(depth=1)
    page_ct, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    admin_ct, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")

    for group, codenames in [
        (editors, EDITOR_PAGE_PERMISSIONS),
        (moderators, MODERATOR_PAGE_PERMISSIONS),
    ]:
        group.permissions.add(permission(apps, admin_ct, "access", "admin"))
        for codename in codenames:
            action, model = codename.split("_")
            GroupPagePermission.objects.get_or_create(
                group=group, page=root, permission=permission(apps, page_ct, action, model)
            )

    # Editors may upload documents and images, and change their own (Wagtail's ownership rule),
    # but not replace or delete files others published: that would bypass moderation.
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    for app_label, model in [("wagtaildocs", "document"), ("wagtailimages", "image")]:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        for action in ("change", "delete"):
            codename = f"{action}_{model}"
            GroupCollectionPermission.objects.filter(
                group=editors, permission__content_type=content_type, permission__codename=codename
            ).delete()
            editors.permissions.remove(*editors.permissions.filter(codename=codename))

    snippet_types = []
    for model in SNIPPETS:
        content_type, _ = ContentType.objects.get_or_create(app_label="campaigns", model=model)
        snippet_types.append(content_type)
        for group, actions in [(editors, EDITOR_ACTIONS), (moderators, MODERATOR_ACTIONS)]:
            group.permissions.add(
                *(permission(apps, content_type, action, model) for action in actions)
            )

    task_ct, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=WORKFLOW_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name=WORKFLOW_NAME, content_type=task_ct, active=True
        )
    task.groups.set([moderators])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    for content_type in snippet_types:
        WorkflowContentType.objects.update_or_create(
            content_type=content_type, defaults={"workflow": workflow}
        )
    # Wagtail's default page workflow now covers nothing: retire it so editors see one choice.
    Workflow.objects.exclude(pk=workflow.pk).filter(
        name="Moderators approval", workflow_pages__isnull=True, workflow_content_types__isnull=True
    ).update(active=False)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(set_up, migrations.RunPython.noop)]
