from django.apps import AppConfig
from django.core import checks


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Campaigns"

    def ready(self):
        from .family_contact.checks import (
            FAMILY_CONTACT_KEYS,
            family_contact_keys_read_stored_requests,
        )
        from .followers import notices  # noqa: F401 - tells followers of publishes (signals)

        checks.register(
            family_contact_keys_read_stored_requests, checks.Tags.security, FAMILY_CONTACT_KEYS
        )
