from django.apps import AppConfig


class AdvocacyConfig(AppConfig):
    name = "advocacy"
    verbose_name = "Site"

    def ready(self):
        from . import page_cache  # noqa: F401 - connects the cache's signal handlers
