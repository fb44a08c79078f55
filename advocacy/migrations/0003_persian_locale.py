"""Persian beside English from the start: Wagtail's own migration creates only the default locale."""

from django.db import migrations


def create_persian_locale(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Locale.objects.get_or_create(language_code="fa")


class Migration(migrations.Migration):
    dependencies = [
        ("advocacy", "0002_initial"),
        ("wagtailcore", "0054_initial_locale"),
    ]

    operations = [migrations.RunPython(create_persian_locale, migrations.RunPython.noop)]
