from django.core.exceptions import ImproperlyConfigured
from django.urls import path
from wagtail import hooks
from wagtail_localize import wagtail_hooks as localize_hooks

from . import localize, rich_text

# After Wagtail's own registrations (order 0), which these replace.
hooks.register("register_rich_text_features", rich_text.register_checked_ids, order=1)

# wagtail-localize's translation buttons of the explorer's rows and page headers, replaced by
# the same buttons from facts read once a listing (base/localize.py). Wagtail has no call to
# take a hook back but the list its own register_temporarily edits.
for _name in ("register_page_listing_more_buttons", "register_page_header_buttons"):
    try:
        hooks._hooks[_name].remove((localize_hooks.page_listing_more_buttons, 0))
    except (KeyError, ValueError, AttributeError) as missing:
        raise ImproperlyConfigured(
            f"wagtail-localize no longer registers page_listing_more_buttons for {_name}:"
            " check base.localize.translation_buttons against this version."
        ) from missing
    hooks.register(_name, localize.translation_buttons)


@hooks.register("register_admin_urls")
def register_localize_urls():
    return [
        path(
            "localize/moderate/<int:translation_id>/",
            localize.submit_for_moderation,
            name="localize_submit_for_moderation",
        )
    ]
