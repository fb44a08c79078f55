from django.core.management.base import BaseCommand
from django.db import transaction

from campaigns.family_contact.encryption import EncryptedTextField, cannot_read
from campaigns.models import ContactRequest

BATCH = 200


class Command(BaseCommand):
    help = (
        "Encrypt every family contact request again with the first of FAMILY_CONTACT_KEYS. "
        "Put the new key first, keep the old ones after it, run this, then remove the old keys."
    )
    # The keys check (campaigns.E001) fails exactly when some requests cannot be read; this
    # command reports those itself and must still re-encrypt the others.
    requires_system_checks = []

    def handle(self, *args, **options):
        fields = [
            field.name
            for field in ContactRequest._meta.get_fields()
            if isinstance(field, EncryptedTextField)
        ]
        rotated = 0
        unreadable = []
        # Loading decrypts with any key; bulk_update encrypts with the first, and (unlike
        # save()) leaves updated_at alone. All or nothing: a failure leaves every row as it was.
        with transaction.atomic():
            requests = ContactRequest.objects.only("pk", *fields).order_by("pk")
            batch = []
            for request in requests.iterator(chunk_size=BATCH):
                if cannot_read(request):
                    # Left exactly as stored: the key that reads it may yet be found.
                    unreadable.append(request.pk)
                    continue
                batch.append(request)
                if len(batch) == BATCH:
                    rotated += ContactRequest.objects.bulk_update(batch, fields)
                    batch = []
            if batch:
                rotated += ContactRequest.objects.bulk_update(batch, fields)
        self.stdout.write(f"Encrypted {rotated} request(s) again with the first key.")
        if unreadable:
            self.stderr.write(
                f"{len(unreadable)} request(s) cannot be read with FAMILY_CONTACT_KEYS and were "
                f"left as they were: {', '.join(map(str, unreadable))}. Add the key they were "
                "stored with after the first and run this again."
            )
