from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.actions.delete import DeleteAction

from campaigns.family_contact.access import EXPIRE_ACTION
from campaigns.models import ContactRequest


class Command(BaseCommand):
    help = (
        "Delete the family contact requests closed more than FAMILY_CONTACT_RETENTION_MONTHS "
        "ago, writing each deletion to the audit log. Safe to run again; run it daily from cron."
    )
    # It reads no encrypted field, so a key problem (the keys check, campaigns.E001) must not
    # stop requests being deleted when their retention period is over.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say how many requests are due for deletion and delete nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        # Only the number is loaded: the personal fields are never decrypted here.
        due = ContactRequest.objects.due_for_deletion().only("pk")
        months = settings.FAMILY_CONTACT_RETENTION_MONTHS
        if dry_run:
            self.stdout.write(
                f"{due.count()} closed request(s) are over the {months}-month retention "
                "period. Nothing deleted (dry run)."
            )
            return
        deleted = 0
        with transaction.atomic():
            for request in due:
                DeleteAction(request, log_action=EXPIRE_ACTION).execute(skip_permission_checks=True)
                deleted += 1
        self.stdout.write(
            f"Deleted {deleted} closed request(s) over the {months}-month retention period."
        )
