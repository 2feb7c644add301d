"""`make run`'s first step: check what a first run on a new machine trips over, then migrate.

Each problem ends the run with one line in Chinese and English (exit status 1), not a traceback:
var/ (or GONGZHI_VAR_DIR) not writable, the port already in use, the database file not a database,
from a newer version of gongzhi, or failing to migrate. A database from an older version is copied
aside (var/backups/) and migrated. Run from the checkout with the virtual environment's Python;
reads PORT (default 8000) and the same environment as the settings.
"""

import os
import socket
import sqlite3
import sys
from datetime import datetime
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


class Refusal(Exception):
    """One line for the person who typed `make run`: Chinese, then English."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")


def one_line(exc: BaseException) -> str:
    return " ".join(f"{exc.__class__.__name__}: {exc}".split())


def say(zh: str, en: str) -> None:
    print(f"== {zh} / {en}", flush=True)


def var_dir() -> Path:
    return Path(os.environ.get("GONGZHI_VAR_DIR") or PROJECT_DIR / "var")


def sqlite_path() -> Path | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return var_dir() / "gongzhi.sqlite3"
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///"))
    return None


def check_writable(folder: Path) -> None:
    fix_zh = f"请运行 sudo chown -R $USER {folder}，或用 GONGZHI_VAR_DIR 指定一个可写的目录"
    fix_en = f"run sudo chown -R $USER {folder}, or point GONGZHI_VAR_DIR at a writable folder"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise Refusal(f"错误：无法写入 {folder}（{reason}）；{fix_zh}", f"Error: cannot write to {folder} ({reason}); {fix_en}") from None
    database = sqlite_path()
    if database is not None:
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            if path.exists() and not os.access(path, os.W_OK):
                raise Refusal(
                    f"错误：数据库文件 {path} 只读（也许曾用 sudo 运行）；{fix_zh}",
                    f"Error: the database file {path} is read-only (made by sudo?); {fix_en}",
                )


def check_port(port_text: str) -> None:
    try:
        port = int(port_text)
        if not 0 < port < 65536:
            raise ValueError
    except ValueError:
        raise Refusal(
            f"错误：PORT={port_text} 不是有效的端口号（1–65535），例如 PORT=8001 make run",
            f"Error: PORT={port_text} is not a port number (1–65535), e.g. PORT=8001 make run",
        ) from None
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            if exc.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
                raise Refusal(
                    f"错误：端口 {port} 已被占用（也许另一个 make run 仍在运行）；换一个端口：PORT={port + 1} make run",
                    f"Error: port {port} is already in use (another make run still running?); "
                    f"pick another: PORT={port + 1} make run",
                ) from None
            raise Refusal(
                f"错误：无法使用端口 {port}（{exc.strerror}）；换一个端口：PORT=8001 make run",
                f"Error: cannot listen on port {port} ({exc.strerror}); pick another: PORT=8001 make run",
            ) from None


def check_sqlite_file(database: Path) -> None:
    if not database.exists() or database.stat().st_size == 0:
        return
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
            conn.execute("SELECT name FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.DatabaseError:
        raise Refusal(
            f"错误：{database} 不是 SQLite 数据库；把它移走（或 make clean 重新开始，会删除 var/）",
            f"Error: {database} is not a SQLite database; move it away (or make clean to start afresh, which deletes var/)",
        ) from None


def copy_aside(database: Path) -> Path:
    backups = database.parent / "backups"
    backups.mkdir(exist_ok=True)
    copy = backups / f"{database.stem}-{datetime.now():%Y%m%d-%H%M%S}.sqlite3"
    with sqlite3.connect(database) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return copy


def migrate() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    sys.path.insert(0, str(PROJECT_DIR))
    import django
    from django.core.management import call_command
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor
    from django.db.utils import Error as DatabaseError

    try:
        django.setup()
    except Exception as exc:  # noqa: BLE001 - a settings mistake, said in one line
        raise Refusal(
            f"错误：设置有误（{one_line(exc)}）；检查环境变量",
            f"Error: the settings are wrong ({one_line(exc)}); check the environment variables",
        ) from None
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(connection)
        applied = set(executor.loader.applied_migrations)
        on_disk = set(executor.loader.disk_migrations)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        raise Refusal(
            f"错误：无法打开数据库（{one_line(exc)}）；检查 DATABASE_URL",
            f"Error: cannot open the database ({one_line(exc)}); check DATABASE_URL",
        ) from None
    unknown = sorted(f"{app}.{name}" for app, name in applied - on_disk if app.split(".")[-1] in _our_apps())
    if unknown:
        raise Refusal(
            f"错误：数据库来自更新版本的 gongzhi（{len(unknown)} 个未知迁移，如 {unknown[0]}）；请切换到那个版本，或把 var/ 移走后重新开始",
            f"Error: the database comes from a newer gongzhi ({len(unknown)} unknown migration(s), e.g. {unknown[0]}); "
            "check out that version, or move var/ away to start afresh",
        )
    database = sqlite_path()
    if plan and applied:
        if database is not None and database.exists():
            copy = copy_aside(database)
            say(
                f"数据库来自旧版本：应用 {len(plan)} 个迁移（原库已复制到 {copy}）",
                f"The database is from an older version: applying {len(plan)} migration(s) (a copy is in {copy})",
            )
        else:
            say(f"数据库来自旧版本：应用 {len(plan)} 个迁移", f"The database is from an older version: applying {len(plan)} migration(s)")
    elif plan:
        say(f"新数据库：应用 {len(plan)} 个迁移", f"New database: applying {len(plan)} migration(s)")
    try:
        call_command("migrate", interactive=False, verbosity=0)
    except Exception as exc:  # noqa: BLE001 - the one line below is the point of this script
        raise Refusal(
            f"错误：迁移数据库失败（{one_line(exc)}）；运行 DEBUG=1 .venv/bin/python manage.py migrate 查看详情",
            f"Error: migrating the database failed ({one_line(exc)}); "
            "run DEBUG=1 .venv/bin/python manage.py migrate to see the details",
        ) from None


def _our_apps() -> set[str]:
    """Labels whose migrations this checkout ships (an unknown one elsewhere is a leftover, not ours)."""
    from django.apps import apps

    return {config.label for config in apps.get_app_configs()}


def main() -> int:
    try:
        check_writable(var_dir())
        check_port(os.environ.get("PORT") or "8000")
        database = sqlite_path()
        if database is not None:
            check_sqlite_file(database)
        migrate()
    except Refusal as refusal:
        print(refusal, file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
