import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from base import mirror


class Command(BaseCommand):
    help = (
        "Builds a static copy of the public site in both languages, with relative links, for "
        "mirrors on other hosts and for carrying by hand (docs/deploy.md, Mirrors), and puts "
        "it at each of MIRROR_TARGETS, or where --output and --zip say."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="A folder the finished copy replaces (instead of MIRROR_TARGETS).",
        )
        parser.add_argument(
            "--zip", help="A zip file of the copy, with a .sha256 (instead of MIRROR_TARGETS)."
        )
        parser.add_argument(
            "--base-url",
            help="The main site's address, which notes and canonical links name "
            "(default: the default site's, or WAGTAILADMIN_BASE_URL).",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        copy = mirror.build(options["base_url"])
        targets = (
            [
                *([options["output"]] if options["output"] else []),
                *([f"zip://{Path(options['zip']).resolve()}"] if options["zip"] else []),
            ]
            or settings.MIRROR_TARGETS
            or [settings.MIRROR_ROOT]
        )
        size = sum(len(content) for content in copy.files.values())
        for target in mirror.publish(copy, targets):
            self.stdout.write(f"Wrote {len(copy.files)} files ({size / 1024:.0f} KB) to {target}")
        self.stdout.write(
            f"{len(copy.left_out)} addresses left to the main site; "
            f"built in {time.monotonic() - started:.1f} s"
        )
