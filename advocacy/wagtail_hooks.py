from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import SiteText


class SiteTextViewSet(SnippetViewSet):
    """The organisation's words in each language, translated in wagtail-localize as the other
    snippets are."""

    model = SiteText
    icon = "site"
    menu_label = _("Site text")
    add_to_settings_menu = True
    list_display = ["organisation_name", "locale"]


register_snippet(SiteTextViewSet)
