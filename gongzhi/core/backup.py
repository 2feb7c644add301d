"""Encrypted backups of a site: the database and the media folder in ONE archive, and the way back.

`backup(path, key, db=..., media_root=...)` copies the database consistently (PostgreSQL: `pg_dump`
in custom format, from a REPEATABLE READ snapshot the migration state is read from too; SQLite: the
online backup API, so a running site is copied as of one instant), then the media folder, and
writes them with a manifest as a tar stream, encrypted and authenticated as it goes (nothing is
held in memory whole: files may be gigabytes).

`restore(path, key, db=..., media_root=...)` opens the archive with the key, decrypts and checks
EVERY byte into a staging folder before touching anything (a wrong key, a flipped byte, a cut-off
archive, a backup made by newer code, a PostgreSQL dump into a SQLite site: refused, nothing
changed), refuses to overwrite a database that holds data unless told to, then replaces the
database (pg_restore --clean --if-exists in one transaction; SQLite: the file, atomically) and the
media folder.

The functions take the database settings (a `DATABASES` entry) and the media folder as arguments,
so the restore drill can aim them at a scratch database; the `backup` and `restore` commands pass
the site's own and audit what they did.

Archive format 1 (all integers big-endian):

    header   b"GZBACKUP" | format (1) | scrypt log2 N, r, p (1 each) | salt (16) | nonce prefix (7)
             | chunk size (4) | key check (32)
    body     the tar stream, cut into chunks of `chunk size` bytes (the last one shorter, maybe empty),
             each sealed with AES-256-GCM: nonce = prefix | chunk counter (4) | 1 on the last chunk
             else 0 (1); associated data = the header. A chunk moved, dropped, added or cut off, or
             a changed header, fails authentication; a stream cut at a chunk boundary has no last
             chunk and fails too.

The operator's key (a key file or GONGZHI_BACKUP_KEY) is stretched with scrypt and the per-archive
salt into 64 bytes: 32 for AES-256-GCM, 32 for the key check (HMAC-SHA256 of the header), which
tells a wrong key from a damaged archive before anything is decrypted.

The tar stream holds `database.dump` (PostgreSQL custom format) or `database.sqlite3`, then
`media/<path>` for each file of the media folder, then `manifest.json` (format version, database
engine and name, applied migrations per app, gongzhi version, creation time, size and SHA-256 of
every member).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import importlib.metadata
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

FORMAT_VERSION = 1
MAGIC = b"GZBACKUP"
KEY_ENV = "GONGZHI_BACKUP_KEY"
MIN_KEY_LENGTH = 20
CHUNK_SIZE = 1024 * 1024
TAG_SIZE = 16
SCRYPT = (15, 8, 1)  # log2 N, r, p: 32 MiB and ~0.1 s per archive opened
_HEAD = struct.Struct(">8sBBBB16s7sI")
HEADER_SIZE = _HEAD.size + 32
COPY_BUFFER = 1024 * 1024

DB_MEMBERS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
MANIFEST = "manifest.json"


class BackupError(Exception):
    """Something the operator must fix; the message says what."""


class WrongKey(BackupError):
    pass


class ArchiveDamaged(BackupError):
    pass


class RestoreRefused(BackupError):
    pass


# --- the key --------------------------------------------------------------------------------------


def load_key(key_file: str | os.PathLike | None = None) -> bytes:
    """The operator's key: the key file's content, else GONGZHI_BACKUP_KEY (whitespace trimmed)."""
    if key_file:
        try:
            key = Path(key_file).read_bytes().strip()
        except OSError as exc:
            raise BackupError(f"Cannot read the key file {key_file}: {exc.strerror}.") from exc
    elif os.environ.get(KEY_ENV):
        key = os.environ[KEY_ENV].strip().encode()
    else:
        raise BackupError(f"No backup key: give --key-file PATH or set {KEY_ENV}.")
    if len(key) < MIN_KEY_LENGTH:
        raise BackupError(f"The backup key is too short ({len(key)} characters; at least {MIN_KEY_LENGTH}).")
    return key


def key_file_too_open(key_file: str | os.PathLike | None) -> bool:
    """True when others than the owner may read the key file."""
    return bool(key_file) and os.name == "posix" and bool(Path(key_file).stat().st_mode & 0o077)


def new_key_file(path: str | os.PathLike) -> Path:
    """Write a new random key (256 bits, URL-safe base64) to `path`, readable by its owner only.
    An existing file is never overwritten."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise BackupError(f"{path} exists already; a key file is never overwritten.") from exc
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_urlsafe(32) + "\n")
    return path


def _derive(key: bytes, salt: bytes, log_n: int, r: int, p: int) -> tuple[bytes, bytes]:
    if not (10 <= log_n <= 22 and 1 <= r <= 32 and 1 <= p <= 16):
        raise ArchiveDamaged("The archive header is damaged (key derivation parameters out of range).")
    material = Scrypt(salt=salt, length=64, n=2**log_n, r=r, p=p).derive(key)
    return material[:32], material[32:]


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    if counter >= 2**32:
        raise BackupError("The archive is too large for format 1.")
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class _EncryptingWriter(io.RawIOBase):
    """A write-only file that seals what is written, chunk by chunk, onto `out`."""

    def __init__(self, out: IO[bytes], key: bytes, chunk_size: int = CHUNK_SIZE):
        super().__init__()
        self._out = out
        salt, prefix = secrets.token_bytes(16), secrets.token_bytes(7)
        head = _HEAD.pack(MAGIC, FORMAT_VERSION, *SCRYPT, salt, prefix, chunk_size)
        enc_key, check_key = _derive(key, salt, *SCRYPT)
        self._header = head + hmac.new(check_key, head, hashlib.sha256).digest()
        self._aead, self._prefix, self._chunk = AESGCM(enc_key), prefix, chunk_size
        self._buffer = bytearray()
        self._counter = 0
        out.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._buffer += data
        # Keep at least one byte back unless closing: the last chunk is sealed as the last.
        while len(self._buffer) > self._chunk:
            self._seal(bytes(self._buffer[: self._chunk]), last=False)
            del self._buffer[: self._chunk]
        return len(data)

    def _seal(self, plain: bytes, *, last: bool) -> None:
        self._out.write(self._aead.encrypt(_nonce(self._prefix, self._counter, last), plain, self._header))
        self._counter += 1

    def finish(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()


def _read_header(src: IO[bytes], key: bytes) -> tuple[bytes, AESGCM, bytes, int]:
    header = src.read(HEADER_SIZE)
    if len(header) < HEADER_SIZE or not header.startswith(MAGIC):
        raise ArchiveDamaged("This is not a gongzhi backup archive (or its header is cut off).")
    magic, version, log_n, r, p, salt, prefix, chunk_size = _HEAD.unpack(header[: _HEAD.size])
    if version != FORMAT_VERSION:
        raise ArchiveDamaged(f"Archive format {version} is not known to this gongzhi (it reads format 1).")
    if not 1024 <= chunk_size <= 64 * 1024 * 1024:
        raise ArchiveDamaged("The archive header is damaged (chunk size out of range).")
    enc_key, check_key = _derive(key, salt, log_n, r, p)
    expected = hmac.new(check_key, header[: _HEAD.size], hashlib.sha256).digest()
    if not hmac.compare_digest(expected, header[_HEAD.size :]):
        raise WrongKey("The key does not open this archive (a wrong key, or the archive header is damaged).")
    return header, AESGCM(enc_key), prefix, chunk_size


class _DecryptingReader(io.RawIOBase):
    """A read-only file of the plaintext; raises ArchiveDamaged at the first chunk that does not
    authenticate, and at the end if the stream was cut off."""

    def __init__(self, src: IO[bytes], key: bytes):
        super().__init__()
        self._src = src
        self._header, self._aead, self._prefix, chunk = _read_header(src, key)
        self._block = chunk + TAG_SIZE
        self._counter = 0
        self._pending = src.read(self._block)
        self._plain = b""
        self._offset = 0
        self._done = False

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> None:
        if self._done:
            self._plain, self._offset = b"", 0
            return
        following = self._src.read(self._block)
        last = not following
        try:
            self._plain = self._aead.decrypt(_nonce(self._prefix, self._counter, last), self._pending, self._header)
        except InvalidTag as exc:
            raise ArchiveDamaged(
                f"The archive is damaged or was changed (chunk {self._counter} does not authenticate"
                f"{'; the archive may be cut off' if last else ''})."
            ) from exc
        self._offset = 0
        self._counter += 1
        self._pending = following
        self._done = last

    def readinto(self, buffer) -> int:
        while self._offset >= len(self._plain):
            if self._done:
                return 0
            self._next_chunk()
        n = min(len(buffer), len(self._plain) - self._offset)
        buffer[:n] = self._plain[self._offset : self._offset + n]
        self._offset += n
        return n

    def drain(self) -> None:
        """Read to the end, so the last chunk's authentication is checked."""
        while not self._done:
            self._next_chunk()


def check_key(path: str | os.PathLike, key: bytes) -> None:
    """Raise WrongKey (or ArchiveDamaged) unless `key` opens the archive at `path`."""
    with open(path, "rb") as src:
        _read_header(src, key)


# --- database helpers -----------------------------------------------------------------------------


def engine_of(db: dict) -> str:
    engine = db["ENGINE"]
    if engine.endswith("postgresql") or engine.endswith("postgis"):
        return "postgresql"
    if engine.endswith("sqlite3") or engine.endswith("spatialite"):
        return "sqlite"
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")


def _pg_env(db: dict) -> dict[str, str]:
    env = dict(os.environ)
    for name, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                      ("NAME", "PGDATABASE")):
        if db.get(name):
            env[var] = str(db[name])
    options = db.get("OPTIONS") or {}
    for option, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"), ("sslcert", "PGSSLCERT"),
                        ("sslkey", "PGSSLKEY"), ("service", "PGSERVICE"), ("passfile", "PGPASSFILE")):
        if options.get(option):
            env[var] = str(options[option])
    return env


def _pg_connect(db: dict, **kwargs):
    import psycopg

    params = {"host": db.get("HOST"), "port": db.get("PORT"), "user": db.get("USER"),
              "password": db.get("PASSWORD"), "dbname": db.get("NAME")}
    options = db.get("OPTIONS") or {}
    params.update({k: v for k, v in options.items() if k in {"sslmode", "sslrootcert", "sslcert", "sslkey",
                                                              "service", "passfile"}})
    try:
        return psycopg.connect(**{k: v for k, v in params.items() if v not in (None, "")}, **kwargs)
    except psycopg.OperationalError as exc:
        raise BackupError(
            f"Cannot connect to PostgreSQL database {db.get('NAME')!r}: {str(exc).strip()} "
            "(a restore needs the database to exist: create it empty first, e.g. `createdb NAME`)."
        ) from exc


def _tool(name: str) -> tuple[str, int, str]:
    """The path, major version and version text of a PostgreSQL client tool."""
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"{name} is not installed (or not on PATH): install the PostgreSQL client tools "
            f"(Debian: apt install postgresql-client) of the server's major version or newer."
        )
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout  # noqa: S603
    match = re.search(r"(\d+)(?:\.(\d+))?", out)
    if not match:
        raise BackupError(f"Cannot tell the version of {path} ({out.strip()!r}).")
    return path, int(match.group(1)), out.strip()


def _run(args: list[str], env: dict[str, str] | None = None) -> str:
    result = subprocess.run(args, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
    return result.stdout


def _migrations_from_rows(rows) -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app, name in rows:
        state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def _dump_postgres(db: dict, dest: Path) -> dict:
    pg_dump, tool_major, tool_version = _tool("pg_dump")
    with _pg_connect(db) as conn:
        server_major = conn.info.server_version // 10000
        if tool_major < server_major:
            raise BackupError(
                f"pg_dump {tool_major} is older than the PostgreSQL {server_major} server: install the "
                f"client tools of version {server_major} or newer ({pg_dump} is `{tool_version}`)."
            )
        # One snapshot for the dump and the migration state read beside it.
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        rows = []
        if conn.execute("SELECT to_regclass('django_migrations')").fetchone()[0]:
            rows = conn.execute("SELECT app, name FROM django_migrations").fetchall()
        _run([pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={dest}"],
             env=_pg_env(db))
        conn.rollback()
        server_version = conn.info.parameter_status("server_version") or str(server_major)
    return {"engine": "postgresql", "name": db.get("NAME", ""), "server_version": server_version,
            "dump_tool": tool_version, "dump_tool_major": tool_major, "migrations": _migrations_from_rows(rows)}


def _sqlite_path(db: dict) -> Path:
    name = str(db.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError(f"Backups need a SQLite database file, not {name!r}.")
    return Path(name)


def _dump_sqlite(db: dict, dest: Path) -> dict:
    path = _sqlite_path(db)
    if not path.exists():
        raise BackupError(f"There is no SQLite database at {path}.")
    src = sqlite3.connect(path, timeout=20)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)  # one consistent copy, even while the site writes (it retries on change)
        dst.execute("PRAGMA journal_mode=DELETE")  # a self-contained file, no -wal beside it
        rows = []
        if dst.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='django_migrations'").fetchone():
            rows = dst.execute("SELECT app, name FROM django_migrations").fetchall()
    finally:
        dst.close()
        src.close()
    return {"engine": "sqlite", "name": path.name, "server_version": sqlite3.sqlite_version,
            "migrations": _migrations_from_rows(rows)}


# --- backup ---------------------------------------------------------------------------------------


class _Hashing:
    def __init__(self, raw: IO[bytes]):
        self._raw, self.sha = raw, hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self._raw.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data


def _media_files(media_root: Path) -> Iterator[tuple[Path, str]]:
    if not media_root.is_dir():
        return
    for folder, dirs, files in os.walk(media_root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path, "media/" + path.relative_to(media_root).as_posix()


def _add(tar: tarfile.TarFile, arcname: str, handle: IO[bytes], size: int, mtime: float) -> dict:
    info = tarfile.TarInfo(arcname)
    info.size, info.mtime, info.mode = size, int(mtime), 0o600
    hashing = _Hashing(handle)
    tar.addfile(info, hashing)
    return {"size": hashing.size, "sha256": hashing.sha.hexdigest()}


def gongzhi_version() -> str:
    try:
        return importlib.metadata.version("gongzhi")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


@dataclass
class BackupResult:
    path: Path
    size: int
    manifest: dict


def backup(path: str | os.PathLike, key: bytes, *, db: dict, media_root: str | os.PathLike) -> BackupResult:
    """Write the encrypted archive of database `db` and folder `media_root` to `path` (written
    beside it under a temporary name and renamed when complete: never half an archive)."""
    import django

    path, media_root = Path(path), Path(media_root)
    engine = engine_of(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    with tempfile.TemporaryDirectory(prefix="gongzhi-backup-") as work:
        dump = Path(work) / DB_MEMBERS[engine]
        # The database first, then the media: a file uploaded meanwhile is in the archive without
        # its row (harmless); a row in the dump always finds the file it names.
        database = _dump_postgres(db, dump) if engine == "postgresql" else _dump_sqlite(db, dump)
        migrations = database.pop("migrations")
        files: dict[str, dict] = {}
        media_count = media_bytes = 0
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                writer = _EncryptingWriter(out, key)
                with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                    with open(dump, "rb") as handle:
                        stat = os.fstat(handle.fileno())
                        files[dump.name] = _add(tar, dump.name, handle, stat.st_size, stat.st_mtime)
                    for file, arcname in _media_files(media_root):
                        try:
                            handle = open(file, "rb")  # noqa: SIM115
                        except FileNotFoundError:
                            continue  # deleted since the folder was listed
                        with handle:
                            stat = os.fstat(handle.fileno())
                            files[arcname] = _add(tar, arcname, handle, stat.st_size, stat.st_mtime)
                        media_count += 1
                        media_bytes += stat.st_size
                    manifest = {
                        "format": "gongzhi-backup",
                        "format_version": FORMAT_VERSION,
                        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                        "gongzhi_version": gongzhi_version(),
                        "django_version": django.get_version(),
                        "database": database,
                        "migrations": migrations,
                        "media": {"file_count": media_count, "bytes": media_bytes},
                        "file_count": len(files),
                        "files": files,
                    }
                    body = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
                    _add(tar, MANIFEST, io.BytesIO(body), len(body), dt.datetime.now().timestamp())
                writer.finish()
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
    return BackupResult(path=path, size=path.stat().st_size, manifest=manifest)


# --- restore --------------------------------------------------------------------------------------


def _safe_member(name: str) -> bool:
    if name in (MANIFEST, *DB_MEMBERS.values()):
        return True
    pure = PurePosixPath(name)
    return (
        name.startswith("media/") and not pure.is_absolute() and ".." not in pure.parts
        and "\\" not in name and "\0" not in name and len(pure.parts) >= 2
    )


def _extract(src: IO[bytes], key: bytes, staging: Path) -> tuple[dict, dict[str, dict]]:
    """Decrypt the archive into `staging`, hashing as it goes; the manifest and what was found."""
    reader = _DecryptingReader(src, key)
    found: dict[str, dict] = {}
    manifest_bytes = None
    try:
        with tarfile.open(fileobj=io.BufferedReader(reader, COPY_BUFFER), mode="r|") as tar:
            for member in tar:
                if not member.isfile() or not _safe_member(member.name) or member.name in found:
                    raise ArchiveDamaged(f"The archive holds an unexpected member {member.name!r}.")
                handle = tar.extractfile(member)
                if member.name == MANIFEST:
                    manifest_bytes = handle.read(1024 * 1024 * 64)
                    found[MANIFEST] = {}
                    continue
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                sha, size = hashlib.sha256(), 0
                with open(target, "xb") as out:
                    while chunk := handle.read(COPY_BUFFER):
                        sha.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                os.utime(target, (member.mtime, member.mtime))
                found[member.name] = {"size": size, "sha256": sha.hexdigest()}
        reader.drain()
    except tarfile.TarError as exc:
        raise ArchiveDamaged(f"The archive's content is not readable ({exc}).") from exc
    if manifest_bytes is None:
        raise ArchiveDamaged("The archive has no manifest.")
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as exc:
        raise ArchiveDamaged("The archive's manifest is not readable.") from exc
    found.pop(MANIFEST)
    return manifest, found


def _verify(manifest: dict, found: dict[str, dict]) -> None:
    if manifest.get("format") != "gongzhi-backup" or manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveDamaged("The manifest does not describe a gongzhi backup of format 1.")
    listed = manifest.get("files") or {}
    if set(listed) != set(found):
        missing, extra = sorted(set(listed) - set(found)), sorted(set(found) - set(listed))
        raise ArchiveDamaged(f"The archive does not match its manifest (missing {missing[:5]}, extra {extra[:5]}).")
    for name, facts in found.items():
        if listed[name] != facts:
            raise ArchiveDamaged(f"{name} does not match the manifest's size and SHA-256.")
    engine = (manifest.get("database") or {}).get("engine")
    if DB_MEMBERS.get(engine) not in found:
        raise ArchiveDamaged("The archive holds no database.")


def migration_difference(state: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """(migrations in the backup this code does not know, migrations of this code the backup lacks)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    applied = {(app, name) for app, names in state.items() for name in names}
    known = set(loader.disk_migrations)
    unknown = sorted(f"{app}.{name}" for app, name in applied - known)
    pending = []
    for node in sorted(loader.graph.nodes):
        if node in applied:
            continue
        replaces = getattr(loader.disk_migrations.get(node), "replaces", None) or []
        if replaces and all(tuple(r) in applied for r in replaces):
            continue
        pending.append(f"{node[0]}.{node[1]}")
    return unknown, pending


def _data_tables() -> list[str]:
    """Tables whose rows mean a site is in use: its accounts and its audit trail."""
    from django.contrib.auth import get_user_model

    from .models import AuditEvent

    return [get_user_model()._meta.db_table, AuditEvent._meta.db_table]


def holds_data(db: dict) -> bool:
    tables = _data_tables()
    if engine_of(db) == "sqlite":
        path = _sqlite_path(db)
        if not path.exists():
            return False
        conn = sqlite3.connect(path, timeout=20)
        try:
            for table in tables:
                if conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,)).fetchone():
                    if conn.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchone()[0]:  # noqa: S608
                        return True
            return False
        finally:
            conn.close()
    from psycopg import sql

    with _pg_connect(db) as conn:
        for table in tables:
            if conn.execute("SELECT to_regclass(%s)", (table,)).fetchone()[0]:
                query = sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(table))
                if conn.execute(query).fetchone()[0]:
                    return True
    return False


def _restore_postgres(db: dict, dump: Path, database: dict) -> None:
    from psycopg import sql

    pg_restore, tool_major, tool_version = _tool("pg_restore")
    if tool_major < int(database.get("dump_tool_major") or 0):
        raise RestoreRefused(
            f"pg_restore {tool_major} cannot read a dump made by {database.get('dump_tool')}: install "
            f"the PostgreSQL client tools of version {database.get('dump_tool_major')} or newer."
        )
    env = _pg_env(db)
    listing = _run([pg_restore, "--list", str(dump)], env=env)
    in_dump = set(re.findall(r"^\d+; \d+ \d+ TABLE (\S+) (\S+) ", listing, flags=re.MULTILINE))
    with _pg_connect(db) as conn:
        server_major = conn.info.server_version // 10000
        if tool_major < server_major:
            raise RestoreRefused(
                f"pg_restore {tool_major} is older than the PostgreSQL {server_major} server: install the "
                f"client tools of version {server_major} or newer ({pg_restore} is `{tool_version}`)."
            )
        existing = conn.execute(
            "SELECT schemaname, tablename FROM pg_tables WHERE schemaname = ANY (current_schemas(false))"
        ).fetchall()
        # Tables the dump does not hold (made by newer migrations) would keep --clean from dropping
        # the tables they point at, and `migrate` from creating them again: they go first.
        for schema, table in existing:
            if (schema, table) not in in_dump:
                conn.execute(sql.SQL("DROP TABLE IF EXISTS {}.{} CASCADE").format(
                    sql.Identifier(schema), sql.Identifier(table)))
        conn.commit()
    _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", "--no-password", f"--dbname={db.get('NAME')}", str(dump)], env=env)


def _restore_sqlite(db: dict, staged: Path) -> None:
    target = _sqlite_path(db)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.restore")
    try:
        shutil.copyfile(staged, temporary)
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        if target.exists():  # fold the old write-ahead log in, so no stale -wal meets the new file
            conn = sqlite3.connect(target, timeout=20)
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
        for suffix in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{target}{suffix}").unlink()
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _restore_media(staged: Path, media_root: Path) -> None:
    staged.mkdir(exist_ok=True)
    if not media_root.exists():
        os.rename(staged, media_root)
        return
    old = media_root.with_name(f".{media_root.name}.{secrets.token_hex(4)}.old")
    try:
        os.rename(media_root, old)
    except OSError:  # a mount point: empty it and move the files in
        for child in media_root.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        for child in staged.iterdir():
            shutil.move(str(child), str(media_root / child.name))
        return
    os.rename(staged, media_root)
    shutil.rmtree(old, ignore_errors=True)


@dataclass
class RestoreResult:
    manifest: dict
    pending_migrations: list[str] = field(default_factory=list)
    restored: bool = False


def restore(
    path: str | os.PathLike,
    key: bytes,
    *,
    db: dict,
    media_root: str | os.PathLike,
    overwrite: bool = False,
    check_only: bool = False,
) -> RestoreResult:
    """Check the archive at `path` whole, then (unless `check_only`) put its database into `db`
    and its media into `media_root`. Raises WrongKey, ArchiveDamaged or RestoreRefused with
    nothing changed."""
    path, media_root = Path(path), Path(media_root)
    engine = engine_of(db)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # Staged beside the media folder, so the new folder is renamed into place.
    staging = Path(tempfile.mkdtemp(prefix=".gongzhi-restore-", dir=media_root.parent))
    try:
        try:
            with open(path, "rb") as src:
                manifest, found = _extract(src, key, staging)
        except OSError as exc:
            raise BackupError(f"Cannot read {path}: {exc.strerror}.") from exc
        _verify(manifest, found)
        database = manifest["database"]
        if database.get("engine") != engine:
            raise RestoreRefused(
                f"This archive holds a {database.get('engine')} database; the site uses {engine}."
            )
        unknown, pending = migration_difference(manifest.get("migrations") or {})
        if unknown:
            raise RestoreRefused(
                "This backup was made by newer gongzhi code (migrations this code does not have: "
                f"{', '.join(unknown[:10])}): upgrade gongzhi to version {manifest.get('gongzhi_version')} "
                "or newer, then restore."
            )
        result = RestoreResult(manifest=manifest, pending_migrations=pending)
        if check_only:
            return result
        if not overwrite and holds_data(db):
            raise RestoreRefused(
                "The database holds data (accounts or audit events): restoring replaces it all. "
                "Run again with --yes to replace it."
            )
        staged_db = staging / DB_MEMBERS[engine]
        if engine == "postgresql":
            _restore_postgres(db, staged_db, database)
        else:
            _restore_sqlite(db, staged_db)
        _restore_media(staging / "media", media_root)
        result.restored = True
        return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def describe(manifest: dict) -> dict[str, Any]:
    """The facts an operator reads about an archive."""
    database = manifest.get("database") or {}
    return {
        "created_at": manifest.get("created_at"),
        "gongzhi_version": manifest.get("gongzhi_version"),
        "engine": database.get("engine"),
        "name": database.get("name"),
        "media_files": (manifest.get("media") or {}).get("file_count", 0),
    }
