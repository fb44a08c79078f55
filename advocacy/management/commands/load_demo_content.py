from django.core.management.base import BaseCommand
from django.db import transaction

from advocacy import demo_content


class Command(BaseCommand):
    help = (
        "Build the organisation's demo site. Creates only what is missing and changes nothing "
        "that exists, so it is safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the site already has a home page (used by `make run`).",
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and demo_content.has_content():
            self.stdout.write("The site already has content; demo content not loaded.")
            return
        created = []
        with transaction.atomic():
            demo_content.load(log=created.append)
        for line in created:
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS("Demo content loaded.")
            if created
            else "Demo content is already there."
        )
