from django.apps import AppConfig


class BaseConfig(AppConfig):
    """The bottom layer: what every page needs and no feature owns (docs/architecture.md)."""

    name = "base"
    verbose_name = "Base"

    def ready(self):
        from . import (  # noqa: F401 - connect their signal handlers
            localize,
            mirror_tasks,
            page_cache,
            page_warm,
        )
