"""Translations and their originals: a page, appeal or development is written in the site's own
language first, then translated. Once the original changes, the translation may no longer say
what it says: readers of the translation are told so, and editors see the list.

A translation is out of date when its original was published after it; where wagtail-localize
translates it, only if its source (the original's content as wagtail-localize last took it: on
submitting, syncing, or publishing the original with changes, base/localize.py) is newer than
the translation's last publication too, so publishing the original again unchanged flags
nothing. A translation edited in Wagtail's own editor follows the first rule alone.
"""

from django.conf import settings
from django.db.models import Exists, OuterRef, Subquery
from django.utils import translation
from django.utils.translation import gettext
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale
from wagtail_localize.models import Translation

from .site_data import current


def original_locale():
    """The language originals are written in (LANGUAGE_CODE): English."""
    data = current()
    if data is not None:
        return data.locale(settings.LANGUAGE_CODE)
    return Locale.get_default()


def _localized(translation_key, target_locale):
    """wagtail-localize's enabled translations of translation_key into target_locale (each a
    value or an expression)."""
    return Translation.objects.filter(
        source__object_id=translation_key, target_locale_id=target_locale, enabled=True
    )


def localized_source_at():
    """An annotation for translations (as localized_source_at): when wagtail-localize last took
    the original it translates them from, None where it does not translate them. The routing
    query brings it, so a page's out-of-date note costs no query of its own."""
    return Subquery(
        _localized(OuterRef("translation_key"), OuterRef("locale_id")).values(
            "source__last_updated_at"
        )[:1]
    )


_NOT_ASKED = object()


def outdated_original(instance, translations):
    """The original of a live translation when it was published after the translation and,
    where wagtail-localize translates it, changed after it; else None. translations are the
    instance's live translations, as the language links have them."""
    original_locale_id = original_locale().pk
    if instance.locale_id == original_locale_id or not instance.last_published_at:
        return None
    original = next((t for t in translations if t.locale_id == original_locale_id), None)
    if original is None or not original.last_published_at:
        return None
    if original.last_published_at <= instance.last_published_at:
        return None
    changed_at = getattr(instance, "localized_source_at", _NOT_ASKED)
    if changed_at is _NOT_ASKED:
        changed_at = (
            _localized(instance.translation_key, instance.locale_id)
            .values_list("source__last_updated_at", flat=True)
            .first()
        )
    return original if changed_at is None or changed_at > instance.last_published_at else None


def outdated(queryset):
    """The live translations in queryset whose live original was published after them and,
    where wagtail-localize translates them, changed after them, with the original's last
    publication as original_published_at, longest out of date first."""
    locale = Locale.get_default()
    originals = queryset.model._base_manager.filter(
        translation_key=OuterRef("translation_key"), locale=locale, live=True
    )
    # As EXISTS, PostgreSQL joins the translations to their originals once (a semi-join)
    # instead of asking for the original of each translation: with the 100x archive's 50,000
    # Persian developments the dashboard's panel took 1.4 s on this query.
    # Likewise translations wagtail-localize made from a source unchanged since are left out
    # by NOT EXISTS (an anti-join): a filter on the annotation below asked for each
    # translation's source, 0.44 s of the 0.57 s the query still took.
    newer = originals.filter(last_published_at__gt=OuterRef("last_published_at"))
    unchanged = _localized(OuterRef("translation_key"), OuterRef("locale_id")).filter(
        source__last_updated_at__lte=OuterRef("last_published_at")
    )
    return (
        queryset.exclude(locale=locale)
        .filter(live=True)
        .filter(Exists(newer), ~Exists(unchanged))
        .annotate(
            original_published_at=Subquery(originals.values("last_published_at")[:1]),
            localized_source_at=localized_source_at(),
        )
        .order_by("original_published_at")
    )


def in_language(queryset, pks, locale_id):
    """{pk: that object of queryset, or its translation into locale_id where queryset has one},
    in one query. Translating a page copies its links, which lead to the originals: readers of
    the translation follow them to the linked pages in their own language where there are some.
    """
    pks = set(pks)
    wanted = queryset.model._base_manager.filter(pk__in=pks).values("translation_key")
    # Everything sharing a translation key with one asked for (the asked-for ones among them),
    # along the index on translation keys; "asked for OR a translation in locale_id" read the
    # whole table instead: the home page's featured campaigns took 7 ms of SQL with the 100x
    # archive's 4,000 campaigns, 0.5 ms this way.
    found = [
        item
        for item in queryset.filter(translation_key__in=wanted)
        if item.pk in pks or item.locale_id == locale_id
    ]
    local = {item.translation_key: item for item in found if item.locale_id == locale_id}
    return {item.pk: local.get(item.translation_key, item) for item in found if item.pk in pks}


def other_language(instance):
    """For a page or snippet shown to readers of another language (a link that in_language or
    localized left with the original: it has no live translation in theirs), its language:
    {"code": "en", "dir": "ltr", "mark": "(in English)" in the reader's language}; None when it
    is in the reader's language. Asks the database nothing when the site data is there."""
    data = current()
    if data is not None:
        if instance.locale_id == data.locale().pk:
            return None
        code = data.locale_by_id(instance.locale_id).language_code
    else:
        code = instance.locale.language_code
        if code == get_supported_content_language_variant(translation.get_language()):
            return None
    info = translation.get_language_info(code)
    return {
        "code": code,
        "dir": "rtl" if info["bidi"] else "ltr",
        # Translators: after a link to a page that is only in another language, "(in English)".
        "mark": gettext("(in %(language)s)") % {"language": info["name_translated"]},
    }
