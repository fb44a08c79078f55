"""Translations made before wagtail-localize (the demo site's, made by copying the original)
survive its arrival: the migration makes wagtail-localize aware of each, words unchanged.

The demo loader now makes its translations known to wagtail-localize itself (with the same
function); the tests first forget that, to start from the database today's main made."""

import importlib

import pytest
from django.contrib.auth.models import Group
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import Locale, Page
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from base.translations import outdated
from campaigns.models import Appeal, Development

pytestmark = pytest.mark.django_db

migration = importlib.import_module("advocacy.migrations.0006_wagtail_localize")


@pytest.fixture
def made_before(demo_site):
    """The demo site as the loader made it before wagtail-localize: no record of it at all."""
    StringTranslation.objects.all().delete()
    TranslationSource.objects.all().delete()  # and with them their translations and segments
    assert not Translation.objects.exists()


def persian_content():
    persian = Locale.objects.get(language_code="fa")
    found = [page.specific for page in Page.objects.filter(locale=persian)]
    found += [*Appeal.objects.filter(locale=persian), *Development.objects.filter(locale=persian)]
    return found


def words(instance):
    return instance.serializable_data()


def test_every_persian_page_and_snippet_becomes_a_translation_wagtail_localize_knows(
    client, django_user_model, demo_site, made_before
):
    before = {(type(item), item.pk): words(item) for item in persian_content()}
    kinds = {kind for kind, _pk in before}
    assert len(before) > 10 and {Appeal, Development} <= kinds
    migration.localize_existing_translations(None, None)

    translator = django_user_model.objects.create_user("translator", password="x")
    translator.groups.add(Group.objects.get(name="Translators"))
    client.force_login(translator)
    finder = AdminURLFinder(translator)
    after = persian_content()
    assert {(type(item), item.pk): words(item) for item in after} == before
    for item in after:
        translation = Translation.objects.get(
            source__object_id=item.translation_key, target_locale=item.locale
        )
        assert translation.source.locale == Locale.get_default()
        assert client.get(finder.get_edit_url(item)).status_code == 200, item
        if translation.enabled:
            # The segment editor opens with the translation's own words.
            total, translated = translation.get_progress()
            assert total == translated, item


def out_of_date():
    return [
        item.pk for model in [Page, Appeal, Development] for item in outdated(model.objects.all())
    ]


def test_the_migration_makes_nothing_twice_and_flags_nothing_new(client, demo_site, made_before):
    flagged = out_of_date()
    migration.localize_existing_translations(None, None)
    count = Translation.objects.count()

    migration.localize_existing_translations(None, None)

    assert Translation.objects.count() == count
    # The demo's translations are exactly as current as they were.
    assert out_of_date() == flagged
    assert "translation-notice" not in client.get("/fa/").content.decode()
