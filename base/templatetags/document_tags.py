from django import template
from django.utils import translation
from django.utils.translation import gettext as _

from base.dates import persian_digits

register = template.Library()


def _size(size):
    if size is None:
        return None
    if size < 1024:
        return _("%(size)d bytes") % {"size": size}
    if size < 1024 * 1024:
        return _("%(size)d KB") % {"size": round(size / 1024)}
    return _("%(size).1f MB") % {"size": size / (1024 * 1024)}


def _in_local_digits(text):
    """Persian pages write numbers in Persian digits, with the Persian decimal separator."""
    if translation.get_language() != "fa":
        return text
    return persian_digits(text.replace(".", "\u066b"))


@register.filter
def file_description(document):
    """A document's type and size as readers need them before downloading: "PDF, 120 KB"."""
    kind = document.file_extension.upper() or _("file")
    size = _size(document.get_file_size())
    if not size:
        return kind
    # Translators: a document's type and size, "PDF, 120 KB", shown in brackets after its link.
    return _("%(kind)s, %(size)s") % {"kind": kind, "size": _in_local_digits(size)}
