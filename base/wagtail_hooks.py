from django.urls import path
from wagtail import hooks

from . import localize, rich_text

# After Wagtail's own registrations (order 0), which these replace.
hooks.register("register_rich_text_features", rich_text.register_checked_ids, order=1)


@hooks.register("register_admin_urls")
def register_localize_urls():
    return [
        path(
            "localize/moderate/<int:translation_id>/",
            localize.submit_for_moderation,
            name="localize_submit_for_moderation",
        )
    ]
