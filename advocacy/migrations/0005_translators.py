"""Editors and Moderators may translate pages and snippets with Wagtail's simple translation:
its Translate action copies a page (or a development, or an appeal) into Persian as a draft,
which then goes through moderation like any other."""

from django.db import migrations

GROUPS = ["Editors", "Moderators"]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="simple_translation", model="simpletranslation"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="submit_translation",
        defaults={"name": "Can submit translations"},
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*group.permissions.filter(codename="submit_translation"))


class Migration(migrations.Migration):
    dependencies = [
        ("advocacy", "0004_privacy_page"),
        ("campaigns", "0002_editors_moderators_and_workflow"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
