"""The Caseworkers group: the only people who see family contact requests. Editors and
Moderators get none of these permissions; an administrator adds each caseworker by hand."""

from django.db import migrations

PERMISSIONS = [
    "view_contactrequest",
    "change_contactrequest",
    "delete_contactrequest",
    "export_contactrequest",
]


def create_caseworkers(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    request_type, _ = ContentType.objects.get_or_create(
        app_label="campaigns", model="contactrequest"
    )
    permissions = [
        Permission.objects.get_or_create(
            content_type=request_type,
            codename=codename,
            defaults={"name": codename.replace("_", " ").capitalize()},
        )[0]
        for codename in PERMISSIONS
    ]
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_type,
        codename="access_admin",
        defaults={"name": "Can access Wagtail admin"},
    )
    group, _ = Group.objects.get_or_create(name="Caseworkers")
    group.permissions.add(access_admin, *permissions)


def remove_caseworkers(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Caseworkers").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0004_family_contact_requests"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_caseworkers, remove_caseworkers)]
