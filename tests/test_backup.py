"""Backups restore: what was published when the backup ran is what readers see after a restore."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.builders import make_content_page, make_document, make_home_page, publish

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump and pg_restore need PostgreSQL"
)


@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restore_brings_back_the_site_as_it_was_at_the_backup(client, tmp_path, media_root):
    home = make_home_page()
    aims = make_content_page(home, "Aims")
    document = make_document()
    call_command("backup", directory=tmp_path)
    aims.title = "Changed after the backup"
    publish(aims)
    make_content_page(home, "Added after the backup")
    document.file.delete()
    dump = next(tmp_path.glob("*.dump"))
    media = next(tmp_path.glob("*-media.tar.gz"))

    call_command("restore", str(dump), media=str(media), yes=True)

    assert "<h1>Aims</h1>" in client.get("/aims/").content.decode()
    assert client.get("/added-after-the-backup/").status_code == 404
    assert client.get(f"/documents/{document.pk}/statement.pdf").status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_of_sqlite_is_a_copy_of_the_database(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite copy")
    make_home_page(title="Copied organisation")

    call_command("backup", directory=tmp_path)

    import sqlite3

    copy = sqlite3.connect(next(tmp_path.glob("*.sqlite3")))
    titles = [row[0] for row in copy.execute("SELECT title FROM wagtailcore_page")]
    assert "Copied organisation" in titles


def test_a_restore_asks_before_replacing_the_database(tmp_path, db):
    dump = tmp_path / "advocacy.dump"
    dump.write_bytes(b"PGDMP")

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(dump))


def test_a_restore_of_a_missing_file_says_so(tmp_path, db):
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "missing.dump"), yes=True)
