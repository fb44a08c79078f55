import time

from django.conf import settings
from django.core.management.base import BaseCommand

from base import mirror


class Command(BaseCommand):
    help = (
        "Builds a static copy of the public site in both languages, with relative links, for "
        "mirrors on other hosts and for carrying by hand (docs/deploy.md, Mirrors)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="The folder the copy replaces, in one rename (default: MIRROR_ROOT).",
        )
        parser.add_argument("--zip", help="Also write the copy as this zip file, with a .sha256.")
        parser.add_argument(
            "--base-url",
            help="The main site's address, which notes and canonical links name "
            "(default: the default site's, or WAGTAILADMIN_BASE_URL).",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        copy = mirror.build(options["base_url"])
        # With only --zip, only the zip.
        output = options["output"] or (None if options["zip"] else settings.MIRROR_ROOT)
        size = sum(len(content) for content in copy.files.values())
        if output:
            copy.write(output)
            self.stdout.write(f"Wrote {len(copy.files)} files ({size / 1024:.0f} KB) to {output}")
        if options["zip"]:
            checksum = copy.write_zip(options["zip"])
            self.stdout.write(f"Wrote {options['zip']} (SHA-256 {checksum})")
        self.stdout.write(
            f"{len(copy.left_out)} addresses left to the main site; "
            f"built in {time.monotonic() - started:.1f} s"
        )
