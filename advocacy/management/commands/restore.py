import shutil
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from base.page_cache import invalidate

from .backup import postgres_environment


class Command(BaseCommand):
    help = (
        "Replace the database (and, with --media, the uploaded media) with a backup made by "
        "`manage.py backup`. Everything saved since that backup is lost: it asks for --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("dump", help="The database file: a .dump (PostgreSQL).")
        parser.add_argument("--media", help="The -media.tar.gz file of the same backup.")
        parser.add_argument("--yes", action="store_true", help="Yes, replace what is there.")

    def handle(self, *args, dump, media, yes, **options):
        dump = Path(dump)
        if not dump.is_file():
            raise CommandError(f"No backup file at {dump}.")
        if media and not Path(media).is_file():
            raise CommandError(f"No media archive at {media}.")
        name = settings.DATABASES["default"]["NAME"]
        if not yes:
            raise CommandError(
                f"This replaces everything in the database {name} with {dump}. "
                "Run it again with --yes to go ahead."
            )
        if connection.vendor != "postgresql":
            raise CommandError(
                "On SQLite, stop the site and copy the backup over the database file instead."
            )
        connection.close()
        command = [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={name}",
            str(dump),
        ]
        try:
            env = postgres_environment(settings.DATABASES["default"])
            subprocess.run(command, env=env, check=True)  # noqa: S603 - the operator's own arguments
        except FileNotFoundError as error:
            raise CommandError(
                "pg_restore is not installed (Debian: postgresql-client)."
            ) from error
        except subprocess.CalledProcessError as error:
            raise CommandError(
                f"pg_restore failed with exit code {error.returncode}; the database is as it was."
            ) from error
        self.stdout.write(f"Restored the database {name} from {dump}.")
        if media:
            self._restore_media(Path(media))
        invalidate()  # every app server drops pages and site data of what was there before
        self.stdout.write("Cleared the page cache.")

    def _restore_media(self, archive):
        root = Path(settings.MEDIA_ROOT)
        unpacked = root.with_name(root.name + ".restoring")
        shutil.rmtree(unpacked, ignore_errors=True)
        with tarfile.open(archive) as tar:
            tar.extractall(unpacked, filter="data")
        shutil.rmtree(root, ignore_errors=True)
        (unpacked / "media").rename(root)
        unpacked.rmdir()
        self.stdout.write(f"Restored the media into {root} from {archive}.")
