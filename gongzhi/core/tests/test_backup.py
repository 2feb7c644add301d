"""Restore drills: a site with areas, a resident whose ID number is stored encrypted and a case with
a photo is backed up, wiped and restored, on SQLite (a database file) and on PostgreSQL (a scratch
database this test creates and drops; the suite's test database is only read). Every model's row
count and every media file's bytes come back; a wrong key, a flipped byte, a cut-off archive, a
backup from newer code and a restore over data without --yes are refused with nothing changed."""

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

import gongzhi
from gongzhi.core import backup as backups
from gongzhi.core.models import AuditEvent
from gongzhi.residents.models import Person
from gongzhi.residents.tests.factories import person

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
SQLITE = "django.db.backends.sqlite3"
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite drill runs on SQLite")
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


# --- the world and how it is compared -----------------------------------------------------------


def build_site():
    """Areas, staff, a resident with an (encrypted) ID number, a case with a photo in MEDIA_ROOT."""
    from gongzhi.cases.tests.factories import submit, world

    w = world()
    resident = person(w.household_a, name="王五", relation="head")
    case = submit(w, attachments=[SimpleUploadedFile("现场.png", PNG, content_type="image/png")])
    assert case.attachments.count() == 1
    assert Person.objects.get(pk=resident.pk).id_number == resident.id_number
    return w


def tables() -> list[str]:
    return sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed})


def row_counts(db: dict) -> dict[str, int]:
    if db["ENGINE"] == SQLITE:
        conn = sqlite3.connect(db["NAME"])
        try:
            return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables()}
        finally:
            conn.close()
    from psycopg import sql

    with backups._pg_connect(db) as conn:
        return {t: conn.execute(sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(t))).fetchone()[0]
                for t in tables()}


def person_rows(db: dict) -> list[tuple]:
    """The stored person rows, ciphertext included."""
    query = f'SELECT * FROM "{Person._meta.db_table}" ORDER BY id'
    if db["ENGINE"] == SQLITE:
        conn = sqlite3.connect(db["NAME"])
        try:
            return conn.execute(query).fetchall()
        finally:
            conn.close()
    with backups._pg_connect(db) as conn:
        return conn.execute(query).fetchall()


def media_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wipe_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA foreign_keys=OFF")
        for table in tables():
            conn.execute(f'DELETE FROM "{table}"')
        conn.commit()
    finally:
        conn.close()


@pytest.fixture
def key(tmp_path) -> bytes:
    return backups.load_key(backups.new_key_file(tmp_path / "backup.key"))


@pytest.fixture
def sqlite_site(tmp_path):
    """The test database, built and committed, copied to a SQLite file: the site to back up."""
    build_site()
    site = tmp_path / "site.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(site)
    try:
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=WAL")  # as the site runs it
    finally:
        target.close()
    return {"ENGINE": SQLITE, "NAME": str(site)}


def no_staging_left(media_root: Path) -> bool:
    return not list(media_root.parent.glob(".gongzhi-restore-*"))


# --- SQLite -------------------------------------------------------------------------------------


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_sqlite_drill_backs_up_wipes_and_restores_every_row_and_file(tmp_path, key, sqlite_site):
    # given a site with data and a photo in its media folder
    media = Path(settings.MEDIA_ROOT)
    counts, people, files = row_counts(sqlite_site), person_rows(sqlite_site), media_bytes(media)
    assert counts[Person._meta.db_table] == 1 and len(files) == 1
    # when it is backed up
    archive = tmp_path / "site.gzbackup"
    result = backups.backup(archive, key, db=sqlite_site, media_root=media)
    # then one archive holds the database and the photo, described by the manifest
    manifest = result.manifest
    assert manifest["database"]["engine"] == "sqlite" and manifest["media"]["file_count"] == 1
    assert set(manifest["files"]) == {"database.sqlite3", *(f"media/{name}" for name in files)}
    assert manifest["migrations"]["residents"] and manifest["format_version"] == 1
    assert PNG not in archive.read_bytes() and b"SQLite format" not in archive.read_bytes()

    # when the site is wiped (rows and media) and the archive restored
    wipe_sqlite(Path(sqlite_site["NAME"]))
    shutil.rmtree(media)
    restored = backups.restore(archive, key, db=sqlite_site, media_root=media)

    # then every table has its rows again, the ciphertext unchanged, and every file its bytes
    assert restored.restored and restored.pending_migrations == []
    assert row_counts(sqlite_site) == counts
    assert person_rows(sqlite_site) == people
    assert media_bytes(media) == files
    assert no_staging_left(media)


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_wrong_key_damage_and_data_in_the_way_are_refused_with_nothing_changed(tmp_path, key, sqlite_site):
    media = Path(settings.MEDIA_ROOT)
    archive = tmp_path / "site.gzbackup"
    backups.backup(archive, key, db=sqlite_site, media_root=media)
    site = Path(sqlite_site["NAME"])
    wipe_sqlite(site)  # an empty site, so only the archive's fault can stop the restore
    before_db, before_media = digest(site), media_bytes(media)

    def unchanged():
        return digest(site) == before_db and media_bytes(media) == before_media and no_staging_left(media)

    # a wrong key: refused before anything is decrypted
    other = backups.load_key(backups.new_key_file(tmp_path / "other.key"))
    with pytest.raises(backups.WrongKey):
        backups.restore(archive, other, db=sqlite_site, media_root=media)
    assert unchanged()

    data = archive.read_bytes()
    damaged = {
        "a byte flipped in the middle": data[: len(data) // 2] + bytes([data[len(data) // 2] ^ 1]) + data[len(data) // 2 + 1 :],
        "a byte flipped at the end": data[:-1] + bytes([data[-1] ^ 0x80]),
        "cut off": data[:-100],
        "cut at a chunk boundary": data[: backups.HEADER_SIZE + backups.CHUNK_SIZE + backups.TAG_SIZE],
    }
    for why, content in damaged.items():
        # a tampered or truncated archive: refused, nothing restored
        (tmp_path / "bad.gzbackup").write_bytes(content)
        with pytest.raises(backups.ArchiveDamaged):
            backups.restore(tmp_path / "bad.gzbackup", key, db=sqlite_site, media_root=media)
        assert unchanged(), why
    # a changed header reads as a wrong key
    (tmp_path / "bad.gzbackup").write_bytes(data[:20] + bytes([data[20] ^ 1]) + data[21:])
    with pytest.raises(backups.WrongKey):
        backups.restore(tmp_path / "bad.gzbackup", key, db=sqlite_site, media_root=media)
    assert unchanged()

    # a site holding data is not overwritten unless the operator says so
    backups.restore(archive, key, db=sqlite_site, media_root=media)
    full = digest(site)
    (media / "stray.txt").write_bytes(b"new since")
    with pytest.raises(backups.RestoreRefused, match="--yes"):
        backups.restore(archive, key, db=sqlite_site, media_root=media)
    assert digest(site) == full and (media / "stray.txt").exists()
    backups.restore(archive, key, db=sqlite_site, media_root=media, overwrite=True)
    assert not (media / "stray.txt").exists() and media_bytes(media) == before_media


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_a_backup_from_newer_code_is_refused_and_one_from_older_code_asks_for_migrate(tmp_path, key, sqlite_site):
    media = Path(settings.MEDIA_ROOT)
    site = Path(sqlite_site["NAME"])
    conn = sqlite3.connect(site)
    conn.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('cases', '9999_from_the_future', '2030-01-01')")
    conn.commit()
    conn.close()
    newer = tmp_path / "newer.gzbackup"
    backups.backup(newer, key, db=sqlite_site, media_root=media)
    wipe_sqlite(site)
    before = digest(site)
    # when a backup made by newer code is restored: refused, nothing changed
    with pytest.raises(backups.RestoreRefused, match="cases.9999_from_the_future"):
        backups.restore(newer, key, db=sqlite_site, media_root=media)
    assert digest(site) == before

    # given a backup made before the newest residents migration
    conn = sqlite3.connect(site)
    conn.execute("DELETE FROM django_migrations WHERE app = 'cases' AND name = '9999_from_the_future'")
    last = conn.execute("SELECT name FROM django_migrations WHERE app='residents' ORDER BY name DESC").fetchone()[0]
    conn.execute("DELETE FROM django_migrations WHERE app='residents' AND name=?", (last,))
    conn.commit()
    conn.close()
    older = tmp_path / "older.gzbackup"
    backups.backup(older, key, db=sqlite_site, media_root=media)
    # then it is restored and names the migration to run
    result = backups.restore(older, key, db=sqlite_site, media_root=media, overwrite=True)
    assert result.restored and result.pending_migrations == [f"residents.{last}"]


def gongzhi_command(*args, site: Path, media: Path, **env):
    """`gongzhi ARGS` in a fresh process, on the SQLite site file and media folder given."""
    environment = {k: v for k, v in os.environ.items() if k != "GONGZHI_BACKUP_KEY"}
    environment.update({"GONGZHI_TESTING": "1", "DATABASE_URL": f"sqlite:///{site}", "MEDIA_ROOT": str(media), **env})
    return subprocess.run(
        [sys.executable, "-m", "gongzhi.cli", *args], capture_output=True, text=True, env=environment,
        cwd=Path(gongzhi.__file__).resolve().parent.parent, timeout=60, check=False,
    )


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_the_commands_back_up_and_restore_a_site_and_audit_both(tmp_path, sqlite_site):
    site, media = Path(sqlite_site["NAME"]), Path(settings.MEDIA_ROOT)
    counts, files = row_counts(sqlite_site), media_bytes(media)
    # given the operator's key in a file and in the environment
    key_file = tmp_path / "backup.key"
    made = gongzhi_command("backup", "--new-key", str(key_file), site=site, media=media)
    assert made.returncode == 0, made.stderr
    assert key_file.stat().st_mode & 0o777 == 0o600
    archive = tmp_path / "nightly.gzbackup"
    # when `gongzhi backup` runs without a key: refused
    refused = gongzhi_command("backup", str(archive), site=site, media=media)
    assert refused.returncode != 0 and "GONGZHI_BACKUP_KEY" in refused.stderr and not archive.exists()
    # when `gongzhi backup FILE` runs with the key from the environment
    done = gongzhi_command("backup", str(archive), site=site, media=media,
                           GONGZHI_BACKUP_KEY=key_file.read_text().strip())
    assert done.returncode == 0, done.stderr
    # then the backup is audited in the site's database
    conn = sqlite3.connect(site)
    audit_table = AuditEvent._meta.db_table
    assert conn.execute(f"SELECT COUNT(*) FROM {audit_table} WHERE action='core.backup'").fetchone()[0] == 1
    conn.close()

    # when the site is wiped and `gongzhi restore` runs: over the wiped site (no data) it needs no --yes
    wipe_sqlite(site)
    shutil.rmtree(media)
    check = gongzhi_command("restore", str(archive), "--key-file", str(key_file), "--check", site=site, media=media)
    assert check.returncode == 0 and "归档完整" in check.stdout and not media.exists()  # the site speaks Chinese by default
    restored = gongzhi_command("restore", str(archive), "--key-file", str(key_file), site=site, media=media)
    assert restored.returncode == 0, restored.stderr

    # then everything is back, and the restore is audited into the restored database
    after = row_counts(sqlite_site)
    assert after.pop(audit_table) == counts.pop(audit_table) + 1  # the restore's own event
    assert after == counts and media_bytes(media) == files
    conn = sqlite3.connect(site)
    rows = conn.execute(f"SELECT actor_label, note FROM {audit_table} WHERE action='core.restore'").fetchall()
    conn.close()
    assert len(rows) == 1 and rows[0][0] == "command:restore" and "nightly.gzbackup" in rows[0][1]

    # and a second restore over the site, now holding data, needs --yes
    again = gongzhi_command("restore", str(archive), "--key-file", str(key_file), site=site, media=media)
    assert again.returncode != 0 and "--yes" in again.stderr


# --- PostgreSQL ---------------------------------------------------------------------------------


@pytest.fixture
def scratch_database():
    """An empty PostgreSQL database of this test's own, dropped afterwards."""
    import psycopg
    from psycopg import sql

    source = dict(connection.settings_dict)
    name = f"gongzhi_backup_drill_{os.getpid()}"
    admin = {**source, "NAME": "postgres"}
    with backups._pg_connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield {**source, "NAME": name}
    finally:
        with psycopg.connect(**{k: v for k, v in {
            "host": source.get("HOST"), "port": source.get("PORT"), "user": source.get("USER"),
            "password": source.get("PASSWORD"), "dbname": "postgres"}.items() if v}, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@on_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_drill_backs_up_wipes_and_restores_every_row_and_file(tmp_path, key, scratch_database):
    # given a site with data (the test database, committed; only read by the backup)
    build_site()
    source = dict(connection.settings_dict)
    media = Path(settings.MEDIA_ROOT)
    counts, people, files = row_counts(source), person_rows(source), media_bytes(media)
    assert counts[Person._meta.db_table] == 1 and len(files) == 1
    # when it is backed up with pg_dump
    archive = tmp_path / "site.gzbackup"
    result = backups.backup(archive, key, db=source, media_root=media)
    assert result.manifest["database"]["engine"] == "postgresql"
    assert b"PGDMP" not in archive.read_bytes()

    # when the media are wiped and the archive restored into an empty database
    shutil.rmtree(media)
    target = scratch_database
    assert not backups.holds_data(target)
    restored = backups.restore(archive, key, db=target, media_root=media)
    # then every table has its rows, the ciphertext unchanged, and every file its bytes
    assert restored.restored and restored.pending_migrations == []
    assert row_counts(target) == counts
    assert person_rows(target) == people
    assert media_bytes(media) == files

    # when the restored site loses rows and files, a wrong key and a flipped byte change nothing
    from gongzhi.cases.models import CaseAttachment

    with backups._pg_connect(target) as conn:
        conn.execute(f'DELETE FROM "{CaseAttachment._meta.db_table}"')
    shutil.rmtree(media / "cases")
    damaged_counts = row_counts(target)
    other = backups.load_key(backups.new_key_file(tmp_path / "other.key"))
    with pytest.raises(backups.WrongKey):
        backups.restore(archive, other, db=target, media_root=media, overwrite=True)
    data = archive.read_bytes()
    middle = len(data) // 2
    (tmp_path / "bad.gzbackup").write_bytes(data[:middle] + bytes([data[middle] ^ 4]) + data[middle + 1 :])
    with pytest.raises(backups.ArchiveDamaged):
        backups.restore(tmp_path / "bad.gzbackup", key, db=target, media_root=media, overwrite=True)
    assert row_counts(target) == damaged_counts and media_bytes(media) == {}
    # a database with data (its accounts) is replaced only when the operator says so
    with pytest.raises(backups.RestoreRefused, match="--yes"):
        backups.restore(archive, key, db=target, media_root=media)
    assert row_counts(target) == damaged_counts
    backups.restore(archive, key, db=target, media_root=media, overwrite=True)
    assert row_counts(target) == counts and media_bytes(media) == files


# --- the PostgreSQL client tools ----------------------------------------------------------------


def test_a_missing_pg_dump_is_named_with_what_to_install(monkeypatch):
    monkeypatch.setattr(backups.shutil, "which", lambda name: None)
    with pytest.raises(backups.BackupError, match="pg_dump is not installed.*postgresql-client"):
        backups._tool("pg_dump")


@on_postgres
@pytest.mark.postgres
@pytest.mark.django_db
def test_a_pg_dump_older_than_the_server_is_refused_before_anything_is_written(tmp_path, key, monkeypatch):
    monkeypatch.setattr(backups, "_tool", lambda name: ("/usr/bin/pg_dump", 9, "pg_dump (PostgreSQL) 9.6.24"))
    archive = tmp_path / "site.gzbackup"
    with pytest.raises(backups.BackupError, match="pg_dump 9 is older than the PostgreSQL"):
        backups.backup(archive, key, db=dict(connection.settings_dict), media_root=settings.MEDIA_ROOT)
    assert list(tmp_path.glob("*.gzbackup*")) == [] and list(tmp_path.glob(".*partial")) == []
