"""Admin forms in one language: a translatable item links to pages and snippets of its own
language, the one it is saved in or, for a new one, the one Wagtail creates it in
(?locale=fa). A choice of the other language, posted by hand, is a form error."""

from django import forms
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminPageChooser
from wagtail.models import Page, TranslatableMixin


class LanguagePageChooser(AdminPageChooser):
    """A page chooser that opens on the top page of a language (its home page), not of the
    editor's own interface language, while nothing is chosen yet."""

    def __init__(self, *args, start_page_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.start_page_id = start_page_id

    def get_js_init_options(self, id_, name, value_data):
        options = super().get_js_init_options(id_, name, value_data)
        if self.start_page_id and "parentId" not in options:
            options["parentId"] = self.start_page_id
        return options


def limit_to_language(form, locale):
    """Limits each of form's fields that chooses a translatable page or snippet to locale."""
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField) and issubclass(
            field.queryset.model, TranslatableMixin
        ):
            _limit_field(form, name, field, locale)


def _limit_field(form, name, field, locale):
    choices = field.queryset.filter(locale=locale)
    stored_id = getattr(form.instance, f"{name}_id", None)
    stored = stored_id and field.queryset.filter(pk=stored_id).exclude(locale=locale).first()
    if stored:
        # A translation starts with the original's links. Show the link's copy in this
        # language, which saving then stores; with no copy yet, keep the link as it is rather
        # than drop it unseen.
        own = choices.filter(translation_key=stored.translation_key).first()
        if own is not None:
            # Only on the form shown: on the one posted, the stored link stays the initial
            # value, so the copy posted counts as a change and is saved.
            if not form.is_bound:
                form.initial[name] = own.pk
        else:
            choices = choices | field.queryset.filter(pk=stored.pk)
    field.queryset = choices
    language = get_language_info(locale.language_code)["name_translated"]
    field.error_messages["invalid_choice"] = _(
        "Choose one in %(language)s, the language of this item."
    ) % {"language": language}
    if isinstance(field.widget, AdminPageChooser):
        top = Page.objects.filter(depth=2, locale=locale).order_by("path").first()
        field.widget = LanguagePageChooser(
            target_models=field.widget.target_models,
            can_choose_root=field.widget.can_choose_root,
            user_perms=field.widget.user_perms,
            start_page_id=top and top.pk,
        )


class SameLanguageForm(WagtailAdminModelForm):
    """The admin form of a translatable snippet (developments, appeals)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.locale_id:
            limit_to_language(self, self.instance.locale)
