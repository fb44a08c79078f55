from django.core.management.base import BaseCommand
from django.db import transaction

from campaigns.family_contact.encryption import cannot_read, encrypted_fields
from campaigns.models import ContactRequest, Follower

BATCH = 200


class Command(BaseCommand):
    help = (
        "Encrypt every family contact request and every follower's address again with the first "
        "of FAMILY_CONTACT_KEYS. Put the new key first, keep the old ones after it, run this, "
        "then remove the old keys."
    )
    # The keys check (campaigns.E001) fails exactly when some rows cannot be read; this
    # command reports those itself and must still re-encrypt the others.
    requires_system_checks = []

    def handle(self, *args, **options):
        kinds = [(ContactRequest, "request"), (Follower, "follower")]
        # All or nothing: a failure leaves every row, of both kinds, as it was.
        with transaction.atomic():
            results = [(noun, *self.rotate(model)) for model, noun in kinds]
        for noun, rotated, unreadable in results:
            self.stdout.write(f"Encrypted {rotated} {noun}(s) again with the first key.")
            if unreadable:
                self.stderr.write(
                    f"{len(unreadable)} {noun}(s) cannot be read with FAMILY_CONTACT_KEYS and "
                    f"were left as they were: {', '.join(map(str, unreadable))}. Add the key "
                    "they were stored with after the first and run this again."
                )

    def rotate(self, model):
        """How many rows of model were encrypted again, and the numbers of those that could not
        be read. Loading decrypts with any key; bulk_update encrypts with the first, and (unlike
        save()) leaves the rest of the row alone: a request's updated_at, a follower's hash."""
        fields = encrypted_fields(model)
        rotated = 0
        unreadable = []
        batch = []
        for row in model.objects.only("pk", *fields).order_by("pk").iterator(chunk_size=BATCH):
            if cannot_read(row):
                # Left exactly as stored: the key that reads it may yet be found.
                unreadable.append(row.pk)
                continue
            batch.append(row)
            if len(batch) == BATCH:
                rotated += model.objects.bulk_update(batch, fields)
                batch = []
        if batch:
            rotated += model.objects.bulk_update(batch, fields)
        return rotated, unreadable
