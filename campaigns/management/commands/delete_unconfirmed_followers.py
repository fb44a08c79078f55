from django.conf import settings
from django.core.management.base import BaseCommand

from campaigns.followers.models import Follower


class Command(BaseCommand):
    help = (
        "Delete the followers' addresses not confirmed within FOLLOW_UNCONFIRMED_DAYS of being "
        "given, with their mails. Safe to run again; run it daily from cron."
    )
    # It reads no encrypted field, so a key problem must not keep unconfirmed addresses.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say how many addresses are due for deletion and delete nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        due = Follower.objects.unconfirmed_expired()
        days = settings.FOLLOW_UNCONFIRMED_DAYS
        if dry_run:
            self.stdout.write(
                f"{due.count()} address(es) unconfirmed for over {days} day(s). "
                "Nothing deleted (dry run)."
            )
            return
        # Counted from the followers alone: delete() also counts their mails.
        deleted = due.delete()[1].get(Follower._meta.label, 0)
        self.stdout.write(f"Deleted {deleted} address(es) unconfirmed for over {days} day(s).")
