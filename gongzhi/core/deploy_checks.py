"""What an operator checks before going live (`gongzhi check-deploy`): DEBUG off, the keys set and
not the development ones, Django's own deployment checks, the database reachable and migrated, the
cache answering, static files collected and readable by the web server, the media folder writable,
the clock in step with the database's and with NTP, and a task worker that actually runs a task.

Each check returns Findings: one line in Chinese and English each, for a terminal. `ok=False` fails
the command; `warning=True` findings are printed but do not fail it."""

import base64
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core import checks as django_checks
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django_tasks import TaskResultStatus, task

# The development values settings.py falls back to under DEBUG; never acceptable in production.
DEV_SECRET_KEY = "gongzhi-development-key-not-for-production-use-0123456789"
# settings.py's development key and gongzhi.benchdata's benchmark key (both public).
PUBLIC_FIELD_ENCRYPTION_KEYS = {
    "Z29uZ3poaS1kZXZlbG9wbWVudC1rZXktMDAwMDAwMDA=",
    base64.urlsafe_b64encode(b"gongzhi-benchmark-only-key-00000").decode(),
}
DEV_FIELD_HASH_KEY = "gongzhi-development-hash-key"
BENCH_KEY_MARK = "bench"  # gongzhi.benchdata's public benchmark keys all say so
MAX_CLOCK_SKEW_SECONDS = 2.0
PROBE_RESULT = "gongzhi-worker-probe"


@dataclass(frozen=True)
class Finding:
    check: str
    ok: bool
    zh: str
    en: str
    warning: bool = False

    @property
    def mark(self) -> str:
        return "OK  " if self.ok and not self.warning else ("WARN" if self.ok else "FAIL")

    def line(self) -> str:
        return f"[{self.mark}] {self.check}: {self.zh} / {self.en}"


def ok(check: str, zh: str, en: str) -> Finding:
    return Finding(check, True, zh, en)


def fail(check: str, zh: str, en: str) -> Finding:
    return Finding(check, False, zh, en)


def warn(check: str, zh: str, en: str) -> Finding:
    return Finding(check, True, zh, en, warning=True)


def one_line(exc: BaseException) -> str:
    return " ".join(f"{exc.__class__.__name__}: {exc}".split())


@task(queue_name="default")
def worker_probe() -> str:
    """Run by a worker to show it is alive; does nothing else."""
    return PROBE_RESULT


def check_debug() -> Iterator[Finding]:
    if settings.DEBUG:
        yield fail("debug", "DEBUG 已开启：生产环境必须关闭（删除 DEBUG 或设为 0）", "DEBUG is on: turn it off in production (remove DEBUG or set it to 0)")
    else:
        yield ok("debug", "DEBUG 已关闭", "DEBUG is off")


def check_keys() -> Iterator[Finding]:
    from cryptography.fernet import Fernet

    secret = settings.SECRET_KEY
    if secret == DEV_SECRET_KEY or BENCH_KEY_MARK in secret:
        yield fail("keys", "SECRET_KEY 是开发或基准测试用的公开密钥", "SECRET_KEY is the public development or benchmark key")
    elif len(secret) < 50 or len(set(secret)) < 5:
        yield fail("keys", "SECRET_KEY 太短或太简单（至少 50 个随机字符）", "SECRET_KEY is too short or too simple (at least 50 random characters)")
    else:
        yield ok("keys", "SECRET_KEY 已设置", "SECRET_KEY is set")
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    if not keys or PUBLIC_FIELD_ENCRYPTION_KEYS & set(keys):
        yield fail("keys", "FIELD_ENCRYPTION_KEYS 未设置或含公开的开发/基准测试密钥", "FIELD_ENCRYPTION_KEYS is unset or holds the public development/benchmark key")
    else:
        bad = []
        for position, key in enumerate(keys, start=1):
            try:
                Fernet(key)
            except (ValueError, TypeError):
                bad.append(position)
        if bad:
            yield fail(
                "keys",
                f"FIELD_ENCRYPTION_KEYS 的第 {bad[0]} 个不是有效的 Fernet 密钥",
                f"FIELD_ENCRYPTION_KEYS key number {bad[0]} is not a valid Fernet key",
            )
        else:
            yield ok("keys", f"FIELD_ENCRYPTION_KEYS 已设置（{len(keys)} 个）", f"FIELD_ENCRYPTION_KEYS is set ({len(keys)} key(s))")
    hash_key = settings.FIELD_HASH_KEY
    if not hash_key or hash_key == DEV_FIELD_HASH_KEY or BENCH_KEY_MARK in hash_key:
        yield fail("keys", "FIELD_HASH_KEY 未设置或是开发/基准测试密钥", "FIELD_HASH_KEY is unset or the development/benchmark key")
    elif len(hash_key) < 32:
        yield fail("keys", "FIELD_HASH_KEY 太短（至少 32 个随机字符）", "FIELD_HASH_KEY is too short (at least 32 random characters)")
    else:
        yield ok("keys", "FIELD_HASH_KEY 已设置", "FIELD_HASH_KEY is set")


def check_django() -> Iterator[Finding]:
    """Django's `check --deploy` (settings.py silences only the operator's documented choices)."""
    messages = [
        m
        for m in django_checks.run_checks(include_deployment_checks=True)
        if m.level >= django_checks.WARNING and not m.is_silenced()
    ]
    if not messages:
        yield ok("django", "Django 的部署检查（check --deploy）全部通过", "Django's deployment checks (check --deploy) pass")
    for m in messages:
        text = " ".join(str(m.msg).split())
        finding = fail if m.level >= django_checks.ERROR else warn
        yield finding("django", m.id, text)  # Django's own text, in English


def check_database() -> Iterator[Finding]:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # noqa: BLE001 - any failure to reach the database is the finding
        yield fail("database", f"无法连接数据库（{one_line(exc)}）", f"cannot reach the database ({one_line(exc)})")
        return
    vendor = connection.vendor
    if plan:
        yield fail(
            "database",
            f"数据库（{vendor}）可连接，但有 {len(plan)} 个迁移未应用：运行 gongzhi migrate",
            f"the database ({vendor}) answers but {len(plan)} migration(s) are not applied: run gongzhi migrate",
        )
    else:
        yield ok("database", f"数据库（{vendor}）可连接，迁移已全部应用", f"the database ({vendor}) answers and is fully migrated")


def check_cache() -> Iterator[Finding]:
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    key = f"gongzhi:check-deploy:{time.time_ns()}"
    try:
        cache.set(key, "1", 30)
        answered = cache.get(key) == "1"
        cache.delete(key)
    except Exception as exc:  # noqa: BLE001
        yield fail("cache", f"缓存（{backend}）不可用（{one_line(exc)}）", f"the cache ({backend}) fails ({one_line(exc)})")
        return
    if not answered:
        yield fail("cache", f"缓存（{backend}）写入后读不回", f"the cache ({backend}) does not return what was written")
    elif backend == "LocMemCache":
        yield warn(
            "cache",
            "缓存是进程内存（LocMemCache）：多台应用服务器时请设置 REDIS_URL",
            "the cache is per process (LocMemCache): set REDIS_URL when running several app servers",
        )
    else:
        yield ok("cache", f"缓存（{backend}）可用", f"the cache ({backend}) answers")


def check_files() -> Iterator[Finding]:
    static_root = Path(settings.STATIC_ROOT)
    manifest = static_root / "staticfiles.json"
    if not manifest.exists():
        yield fail(
            "files",
            f"{static_root} 中没有收集的静态文件：运行 gongzhi collectstatic --noinput",
            f"no collected static files in {static_root}: run gongzhi collectstatic --noinput",
        )
    elif not manifest.stat().st_mode & 0o004:
        yield fail(
            "files",
            f"{manifest} 对 nginx 不可读：以 umask 022 重新运行 collectstatic",
            f"{manifest} is not readable by nginx: rerun collectstatic with umask 022",
        )
    else:
        yield ok("files", f"静态文件已收集到 {static_root}", f"static files are collected in {static_root}")
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if media_root == static_root.resolve() or static_root.resolve() in media_root.parents:
        yield fail("files", "MEDIA_ROOT 在 STATIC_ROOT 之内：上传的个人资料会被公开", "MEDIA_ROOT is inside STATIC_ROOT: uploaded personal data would be public")
        return
    try:
        media_root.mkdir(parents=True, exist_ok=True)
        probe = media_root / f".check-deploy-{time.time_ns()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        yield fail("files", f"无法写入 MEDIA_ROOT {media_root}（{exc.strerror}）", f"cannot write to MEDIA_ROOT {media_root} ({exc.strerror})")
        return
    if media_root.stat().st_mode & 0o007:
        yield warn(
            "files",
            f"MEDIA_ROOT {media_root} 对其他用户可访问：chmod 750（里面是个人资料）",
            f"MEDIA_ROOT {media_root} is open to other users: chmod 750 (it holds personal data)",
        )
    else:
        yield ok("files", f"MEDIA_ROOT {media_root} 可写", f"MEDIA_ROOT {media_root} is writable")


def ntp_synchronised() -> bool | None:
    """systemd's view of NTP (timedatectl), or None where it cannot tell (no systemd, a container)."""
    timedatectl = shutil.which("timedatectl")
    if not timedatectl:
        return None
    try:
        answer = subprocess.run(  # noqa: S603 - fixed arguments
            [timedatectl, "show", "--property=NTPSynchronized", "--value"],
            capture_output=True, text=True, timeout=5, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    value = answer.stdout.strip()
    return {"yes": True, "no": False}.get(value)


def database_clock() -> datetime | None:
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return None  # SQLite lives on this machine: same clock
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


def check_clock(*, synchronised: Callable[[], bool | None] = ntp_synchronised) -> Iterator[Finding]:
    try:
        before = time.time()
        theirs = database_clock()
        after = time.time()
    except Exception as exc:  # noqa: BLE001
        yield fail("clock", f"读不到数据库的时钟（{one_line(exc)}）", f"cannot read the database's clock ({one_line(exc)})")
        return
    if theirs is not None:
        ours = datetime.fromtimestamp((before + after) / 2, tz=UTC)
        skew = abs((theirs - ours).total_seconds())
        if skew > MAX_CLOCK_SKEW_SECONDS + (after - before):
            yield fail(
                "clock",
                f"本机时钟与数据库相差 {skew:.1f} 秒（期限和动态口令需要一致）：两台机器都启用 NTP",
                f"this machine's clock is {skew:.1f} s off the database's (deadlines and TOTP need them to agree): enable NTP on both",
            )
        else:
            yield ok("clock", f"本机时钟与数据库相差 {skew:.2f} 秒", f"this machine's clock is within {skew:.2f} s of the database's")
    state = synchronised()
    if state is True:
        yield ok("clock", "系统时钟已由 NTP 同步", "the system clock is synchronised by NTP")
    elif state is False:
        yield fail(
            "clock",
            "系统时钟未同步：sudo timedatectl set-ntp true（或配置 chrony）",
            "the system clock is not synchronised: sudo timedatectl set-ntp true (or set up chrony)",
        )
    else:
        yield warn(
            "clock",
            "无法确认 NTP 同步（timedatectl 无法回答）：请自行确认 chrony/ntpd 在运行",
            "cannot tell whether NTP keeps the clock (timedatectl cannot say): make sure chrony/ntpd runs",
        )


def enqueue_probe():
    return worker_probe.enqueue()


def probe_finding(result, *, wait: float) -> Finding:
    """Whether a worker ran the probe within `wait` seconds."""
    deadline = time.monotonic() + wait
    while True:
        if result.status == TaskResultStatus.SUCCESSFUL:
            return ok("worker", "任务进程在运行（探测任务已执行）", "a task worker is running (it ran the probe task)")
        if result.status == TaskResultStatus.FAILED:
            return fail("worker", "任务进程执行探测任务失败：查看 journalctl -u 'gongzhi-worker@*'", "a task worker failed the probe task: see journalctl -u 'gongzhi-worker@*'")
        if time.monotonic() >= deadline:
            return fail(
                "worker",
                f"{wait:g} 秒内没有任务进程执行探测任务：启动 gongzhi-worker@1（systemctl start gongzhi-worker@1）",
                f"no task worker ran the probe task within {wait:g} s: start one (systemctl start gongzhi-worker@1)",
            )
        time.sleep(0.25)
        result.refresh()  # (an immediate backend's result is final already: never refreshed)


def check_worker(*, wait: float) -> Iterator[Finding]:
    try:
        result = enqueue_probe()
    except Exception as exc:  # noqa: BLE001
        yield fail("worker", f"无法把探测任务放入队列（{one_line(exc)}）", f"cannot enqueue the probe task ({one_line(exc)})")
        return
    yield probe_finding(result, wait=wait)


def run_all(*, worker_wait: float = 20.0) -> list[Finding]:
    findings: list[Finding] = []
    for check in (check_debug, check_keys, check_django, check_database, check_cache, check_files, check_clock):
        findings.extend(check())
    if all(f.ok for f in findings if f.check == "database"):
        findings.extend(check_worker(wait=worker_wait))
    else:
        findings.append(fail("worker", "数据库不可用，未检查任务进程", "the worker was not checked: the database is not ready"))
    return findings
