"""The organisation's name, tagline and postal address move from SiteSettings (one per site,
which wagtail-localize cannot translate) to SiteText, one per language. The English text starts
as the default site's settings were; editors may change it and translators translate it."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_to_site_text(apps, schema_editor):
    SiteSettings = apps.get_model("advocacy", "SiteSettings")
    SiteText = apps.get_model("advocacy", "SiteText")
    Locale = apps.get_model("wagtailcore", "Locale")
    settings_ = (
        SiteSettings.objects.filter(site__is_default_site=True).first()
        or SiteSettings.objects.order_by("pk").first()
    )
    if settings_ is None or SiteText.objects.exists():
        return
    locale = (
        Locale.objects.filter(language_code=settings.LANGUAGE_CODE).first()
        or Locale.objects.order_by("pk").first()
    )
    if locale is None:
        return
    SiteText.objects.create(
        locale=locale,
        organisation_name=settings_.organisation_name,
        tagline=settings_.tagline,
        postal_address=settings_.postal_address,
    )


def copy_back(apps, schema_editor):
    SiteSettings = apps.get_model("advocacy", "SiteSettings")
    SiteText = apps.get_model("advocacy", "SiteText")
    text = SiteText.objects.filter(locale__language_code=settings.LANGUAGE_CODE).first()
    if text is not None:
        SiteSettings.objects.update(
            organisation_name=text.organisation_name,
            tagline=text.tagline,
            postal_address=text.postal_address,
        )


def grant(apps, schema_editor):
    """Editors and Moderators change the site text as they changed the settings; Translators
    translate it, as they do the other snippets."""
    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="advocacy", model="sitetext")
    actions = {"Editors": ["add", "change", "view"], "Moderators": ["add", "change", "view"]}
    actions["Translators"] = ["change", "view"]
    for group in Group.objects.filter(name__in=actions):
        for action in actions[group.name]:
            found, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_sitetext",
                defaults={"name": f"Can {action} site text"},
            )
            group.permissions.add(found)


class Migration(migrations.Migration):
    dependencies = [
        ("advocacy", "0006_wagtail_localize"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.CreateModel(
            name="SiteText",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("translation_key", models.UUIDField(default=uuid.uuid4, editable=False)),
                (
                    "organisation_name",
                    models.CharField(
                        blank=True,
                        help_text="Shown at the top of every page. Falls back to the site's name when blank.",
                        max_length=100,
                    ),
                ),
                (
                    "tagline",
                    models.CharField(
                        blank=True,
                        help_text="One line under the name in the footer.",
                        max_length=200,
                    ),
                ),
                (
                    "postal_address",
                    models.TextField(
                        blank=True,
                        help_text="The public postal address, one line per line of the address.",
                    ),
                ),
                (
                    "share_image_alt",
                    models.CharField(
                        blank=True,
                        help_text="What the default share image shows, for readers who cannot see it. Falls back to the image's own description.",
                        max_length=250,
                    ),
                ),
                (
                    "locale",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="wagtailcore.locale",
                        verbose_name="locale",
                    ),
                ),
            ],
            options={
                "verbose_name": "site text",
                "verbose_name_plural": "site text",
                "abstract": False,
                "unique_together": {("translation_key", "locale")},
            },
        ),
        migrations.RunPython(copy_to_site_text, copy_back),
        migrations.RunPython(grant, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="sitesettings",
            name="organisation_name",
        ),
        migrations.RemoveField(
            model_name="sitesettings",
            name="postal_address",
        ),
        migrations.RemoveField(
            model_name="sitesettings",
            name="tagline",
        ),
    ]
