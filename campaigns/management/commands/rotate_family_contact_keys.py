from django.core.management.base import BaseCommand
from django.db import transaction

from campaigns.encryption import EncryptedTextField
from campaigns.models import ContactRequest

BATCH = 200


class Command(BaseCommand):
    help = (
        "Encrypt every family contact request again with the first of FAMILY_CONTACT_KEYS. "
        "Put the new key first, keep the old ones after it, run this, then remove the old keys."
    )

    def handle(self, *args, **options):
        fields = [
            field.name
            for field in ContactRequest._meta.get_fields()
            if isinstance(field, EncryptedTextField)
        ]
        rotated = 0
        # Loading decrypts with any key; bulk_update encrypts with the first, and (unlike
        # save()) leaves updated_at alone. All or nothing: a failure leaves every row as it was.
        with transaction.atomic():
            requests = ContactRequest.objects.only("pk", *fields).order_by("pk")
            batch = []
            for request in requests.iterator(chunk_size=BATCH):
                batch.append(request)
                if len(batch) == BATCH:
                    rotated += ContactRequest.objects.bulk_update(batch, fields)
                    batch = []
            if batch:
                rotated += ContactRequest.objects.bulk_update(batch, fields)
        self.stdout.write(f"Encrypted {rotated} request(s) again with the first key.")
