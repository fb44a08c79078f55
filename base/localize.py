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
from urllib.parse import urlencode

import polib
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count
from django.dispatch import receiver
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.widgets.button import Button as ListingButton
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


# The explorer's "Translate this page" and "Sync translated pages" buttons, as wagtail-localize
# gives them, with the facts read for a listing at once: wagtail-localize asks the database
# twice for every row (its translations, its translation source), 100 of the 137 queries of an
# explorer page, and about 40 % of its time with the 100x archive (benchmarks/admin.py).


class _ListingFacts:
    """For pages under one parent: those not yet translated into every locale, and the
    translation sources (by translation key and locale) with translations to sync."""

    def __init__(self, parent_path, depth):
        siblings = Page.objects.filter(path__startswith=parent_path, depth=depth)
        keys = siblings.values("translation_key")
        locales = Locale.objects.count()
        self.untranslated = set(
            Page.objects.filter(translation_key__in=keys, alias_of__isnull=True)
            .order_by()  # not grouped by path, the page manager's order
            .values("translation_key")
            .annotate(locales=Count("locale", distinct=True))
            .filter(locales__lt=locales)
            .values_list("translation_key", flat=True)
        )
        self.sources = {
            (key, locale): source
            for source, key, locale in TranslationSource.objects.filter(
                object__translation_key__in=keys,
                object__content_type=ContentType.objects.get_for_model(Page),
                translations__enabled=True,
            )
            .values_list("pk", "object_id", "locale_id")
            .distinct()
        }


def _listing_facts(page, user):
    """The facts for page's siblings, kept on the user object, which lives as long as the
    request does: one explorer page asks for them once, not once a row."""
    kept = getattr(user, "_translation_listing_facts", None)
    if kept is None:
        kept = {}
        user._translation_listing_facts = kept
    parent_path = page.path[: -Page.steplen]
    if (parent_path, page.depth) not in kept:
        kept[parent_path, page.depth] = _ListingFacts(parent_path, page.depth)
    return kept[parent_path, page.depth]


def translation_buttons(page, user, view_name=None, next_url=None):
    """wagtail_localize.wagtail_hooks.page_listing_more_buttons, the same buttons, for the
    register_page_listing_more_buttons and register_page_header_buttons hooks."""
    if page.is_root() or not user.has_perm("wagtail_localize.submit_translation"):
        return
    facts = _listing_facts(page, user)
    # An alias is no translation: its language is one to translate into.
    if page.translation_key in facts.untranslated or page.alias_of_id:
        url = reverse(
            "wagtail_localize:submit_page_translation", args=[page.alias_of_id or page.pk]
        )
        yield ListingButton(
            _("Translate this page"), url, priority=60, icon_name="wagtail-localize-language"
        )
    source = facts.sources.get((page.translation_key, page.locale_id))
    if source is not None:
        url = reverse("wagtail_localize:update_translations", args=[source])
        if next_url is not None:
            url += "?" + urlencode({"next": next_url})
        yield ListingButton(_("Sync translated pages"), url, priority=60, icon_name="resubmit")
