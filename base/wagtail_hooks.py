from wagtail import hooks

from . import rich_text

# After Wagtail's own registrations (order 0), which these replace.
hooks.register("register_rich_text_features", rich_text.register_checked_ids, order=1)
