import os
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


def postgres_environment(database):
    """libpq's variables for the configured database, so no password shows in a process list."""
    env = dict(os.environ)
    for name, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if database.get(key):
            env[name] = str(database[key])
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    env["PGDATABASE"] = database["NAME"]
    return env


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump's custom format on PostgreSQL, a copy on SQLite) and the "
        "uploaded media into a directory, one pair of timestamped files per run. See "
        "docs/deploy.md for the schedule and the restore."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directory", default="backups", help="Where the files go.")

    def handle(self, *args, directory, **options):
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        database = settings.DATABASES["default"]
        if connection.vendor == "postgresql":
            dump = target / f"advocacy-{stamp}.dump"
            command = ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}"]
            try:
                # The operator's own command line, with no shell.
                subprocess.run(command, env=postgres_environment(database), check=True)  # noqa: S603
            except FileNotFoundError as error:
                raise CommandError(
                    "pg_dump is not installed (Debian: postgresql-client)."
                ) from error
            except subprocess.CalledProcessError as error:
                raise CommandError(f"pg_dump failed with exit code {error.returncode}.") from error
        elif connection.vendor == "sqlite":
            dump = target / f"advocacy-{stamp}.sqlite3"
            connection.ensure_connection()
            with sqlite3.connect(dump) as copy:
                connection.connection.backup(copy)
        else:
            raise CommandError(f"No backup for a {connection.vendor} database.")
        self.stdout.write(f"Database: {dump}")
        media = Path(settings.MEDIA_ROOT)
        if media.is_dir():
            archive = target / f"advocacy-{stamp}-media.tar.gz"
            with tarfile.open(archive, "w:gz") as tar:
                tar.add(media, arcname="media")
            self.stdout.write(f"Media: {archive}")
