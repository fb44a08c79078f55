"""wagtail-localize and the site.

Publishing an original with changes updates its translation source at once, so translators see
what is new or changed when they open a translation (and readers of the translation are told it
may be out of date, base/translations.py) without anyone pressing "Sync translated pages".

Translations made before wagtail-localize (by copying the original, as Wagtail's simple
translation did) become translations wagtail-localize knows: a TranslationSource from the
original, a Translation into the translation's language, and the translation's own words as the
translated segments, so the segment editor opens with them. The translated page or snippet itself
is not changed.
"""

from collections import defaultdict

import polib
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.dispatch import receiver
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import Locale, Page, TranslatableMixin
from wagtail.signals import page_published, published
from wagtail_localize.models import Translation, TranslationSource
from wagtail_localize.segments.extract import extract_segments
from wagtail_localize.segments.types import StringSegmentValue
from wagtail_localize.views.edit_translation import user_can_edit_instance


@receiver(page_published)
@receiver(published)
def update_source_on_publishing(sender, instance, **kwargs):
    """The original's translation source takes its published content (unchanged content
    leaves the source, and its date, as it was)."""
    if not isinstance(instance, TranslatableMixin):
        return
    if TranslationSource.objects.filter(
        object_id=instance.translation_key, locale_id=instance.locale_id
    ).exists():
        TranslationSource.update_or_create_from_instance(instance)


def _strings_by_path(instance):
    strings = defaultdict(list)
    for segment in extract_segments(instance):
        if isinstance(segment, StringSegmentValue):
            strings[segment.path].append(segment.string.data)
    return strings


def _translated_segments(original, translated):
    """A PO file of the original's strings with the translation's words for them, matched by
    where they stand (a field, a block): the translation has the original's structure."""
    theirs = _strings_by_path(translated)
    po, complete = polib.POFile(), True
    for path, strings in _strings_by_path(original).items():
        found = theirs.get(path, [])
        complete = complete and len(found) == len(strings)
        for text, translated_text in zip(strings, found, strict=False):
            po.append(polib.POEntry(msgid=text, msgctxt=path, msgstr=translated_text))
    return po, complete


def translatable_querysets():
    """Every page, then every translatable snippet (any other TranslatableMixin model) whose
    table is there: a migration that calls this runs before later ones create theirs."""
    yield Page.objects.filter(depth__gt=1)
    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        if issubclass(model, TranslatableMixin) and not issubclass(model, Page):
            if model._meta.app_label not in {"wagtailcore", "wagtail_localize"}:
                if model._meta.db_table in tables:
                    yield model._base_manager.all()


def localize_existing(default_locale=None):
    """Makes wagtail-localize aware of every translation it does not know yet; returns how many."""
    default_locale = default_locale or Locale.get_default()
    made = 0
    for queryset in translatable_querysets():
        translations = queryset.exclude(locale=default_locale).order_by("pk")
        if not translations.values("pk").exists():
            # Nothing to do, and nothing read: on a new database the migration that calls this
            # runs before later ones add columns the models already have, which a query of
            # whole rows would name.
            continue
        if queryset.model is Page:
            translations = translations.order_by("path").specific()
        for translated in translations:
            original = translated.get_translation_or_none(default_locale)
            if original is None:
                continue
            if isinstance(original, Page):
                original = original.specific
            if Translation.objects.filter(
                source__object_id=translated.translation_key,
                target_locale_id=translated.locale_id,
            ).exists():
                continue
            po, complete = _translated_segments(original, translated)
            with transaction.atomic():
                source, created = TranslationSource.get_or_create_from_instance(original)
                if created and getattr(original, "last_published_at", None):
                    # The source is the original as it was last published, not as of today:
                    # a translation published since is not out of date.
                    source.last_updated_at = original.last_published_at
                    source.save(update_fields=["last_updated_at"])
                # A translation whose structure is not the original's (its own sections) stays
                # in Wagtail's editor (a disabled Translation): wagtail-localize would fill
                # what it cannot match with English on publishing. Its translator may start
                # translating it segment by segment with the editor's "Start Synced translation".
                translation = Translation.objects.create(
                    source=source,
                    target_locale_id=translated.locale_id,
                    destination_last_updated_at=getattr(translated, "last_published_at", None),
                    enabled=complete,
                )
                translation.import_po(po)
            made += 1
    return made


@require_POST
def submit_for_moderation(request, translation_id):
    """wagtail-localize's editor publishes or nothing: this saves the translation as a draft
    and submits it to its workflow, so translators' work is published by a moderator."""
    translation = get_object_or_404(Translation, id=translation_id, enabled=True)
    instance = translation.get_target_instance()
    if not user_can_edit_instance(request.user, instance):
        raise PermissionDenied
    edit_url = AdminURLFinder(request.user).get_edit_url(instance)
    workflow = instance.get_workflow()
    if workflow is None or instance.workflow_in_progress:
        messages.error(request, _("This translation cannot be submitted for moderation now."))
        return redirect(edit_url)
    try:
        translation.save_target(user=request.user, publish=False)
    except ValidationError:
        messages.error(request, _("The translation could not be saved: correct it first."))
        return redirect(edit_url)
    instance = translation.get_target_instance()
    workflow.start(instance, request.user)
    messages.success(request, _("The translation has been submitted for moderation."))
    return redirect(edit_url)
