from django import template
from django.utils.translation import gettext as _

register = template.Library()


def _size(size):
    if size is None:
        return None
    if size < 1024:
        return _("%(size)d bytes") % {"size": size}
    if size < 1024 * 1024:
        return _("%(size)d KB") % {"size": round(size / 1024)}
    return _("%(size).1f MB") % {"size": size / (1024 * 1024)}


@register.filter
def file_description(document):
    """A document's type and size as readers need them before downloading: "PDF, 120 KB"."""
    kind = document.file_extension.upper() or _("file")
    size = _size(document.get_file_size())
    return f"{kind}, {size}" if size else kind
