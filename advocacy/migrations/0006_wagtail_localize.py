"""Translation with wagtail-localize in place of Wagtail's simple translation.

Translators translate pages, developments and appeals segment by segment and submit their
translations for moderation: they may open the admin, submit for translation, and edit (not
publish, delete or move) pages and the two snippets. Editors and Moderators keep translating,
now with wagtail-localize's permission. Translations made before become translations
wagtail-localize knows (base/localize.py), their words unchanged.
"""

from django.db import migrations

TRANSLATORS = "Translators"
TRANSLATING_GROUPS = ["Editors", "Moderators", TRANSLATORS]
SNIPPETS = ["development", "appeal"]


def permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    found, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return found


def set_up(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    ContentType = apps.get_model("contenttypes", "ContentType")

    translators, _ = Group.objects.get_or_create(name=TRANSLATORS)
    translators.permissions.add(
        permission(apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin"),
        *(
            permission(apps, "campaigns", model, f"{action}_{model}", f"Can {action} {model}")
            for model in SNIPPETS
            for action in ["change", "view"]
        ),
    )
    root = Page.objects.filter(depth=1).first()
    if root is not None:
        GroupPagePermission.objects.get_or_create(
            group=translators,
            page=root,
            permission=permission(apps, "wagtailcore", "page", "change_page", "Can change page"),
        )

    submit = permission(
        apps, "wagtail_localize", "translation", "submit_translation", "Can submit translations"
    )
    for group in Group.objects.filter(name__in=TRANSLATING_GROUPS):
        group.permissions.add(submit)
    # Simple translation's own permission and content type go with it.
    ContentType.objects.filter(app_label="simple_translation").delete()


def tear_down(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=TRANSLATORS).delete()


def localize_existing_translations(apps, schema_editor):
    # wagtail-localize reads and writes through the models as they are now (its segment
    # extraction needs the real blocks and fields), as its own management commands do.
    from base.localize import localize_existing

    localize_existing()


class Migration(migrations.Migration):
    dependencies = [
        ("advocacy", "0005_translators"),
        ("campaigns", "0007_contact_request_labels_from_the_register"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(set_up, tear_down),
        migrations.RunPython(localize_existing_translations, migrations.RunPython.noop),
    ]
