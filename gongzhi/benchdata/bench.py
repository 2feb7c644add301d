"""Shared pieces of the scripts in `benchmarks/`: Django set-up on the benchmark database, timing and
percentiles, the machine line, one JSON line plus a readable table, and an app server started the
way the README deploys it (`gongzhi serve --workers N`: collectstatic, then gunicorn)."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def setup(database_url: str | None = None) -> None:
    """Configure this process for the benchmark database and set Django up."""
    from . import env

    env.apply(database_url)
    os.environ.setdefault("STATIC_ROOT", "/tmp/gongzhi-bench-static")  # noqa: S108 - local scratch
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of `values` (share 0–1)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def timings(fn: Callable[[], object], *, repeat: int, warmup: int = 2) -> dict:
    """Run `fn` warmup + repeat times; milliseconds p50/p95/max of the timed runs."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": round(percentile(samples, 0.5), 2), "p95_ms": round(percentile(samples, 0.95), 2),
            "max_ms": round(max(samples), 2), "runs": repeat}


def machine() -> dict:
    """Cores, load, database and its size, date: printed with every figure."""
    from django.db import connection

    info = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "load_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "database": connection.vendor,
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database(), current_setting('server_version'), "
                           "current_setting('shared_buffers')")
            name, version, buffers = cursor.fetchone()
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'cases_case'")
            row = cursor.fetchone()
        info.update(db_name=name, postgresql=version, shared_buffers=buffers, cases=int(row[0]) if row else None)
    return info


def sizes() -> dict:
    from django.db import connection

    if connection.vendor != "postgresql":
        from gongzhi.cases.models import Case

        return {"cases": Case.objects.count()}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM cases_case), (SELECT count(*) FROM cases_case WHERE state IN "
            "('submitted','accepted','dispatched','in_progress','reopened')), (SELECT count(*) FROM residents_person), "
            "(SELECT count(*) FROM cases_caseevent)"
        )
        cases, open_cases, people, events = cursor.fetchone()
    return {"cases": cases, "open_cases": open_cases, "people": people, "case_events": events}


def emit(name: str, figures: dict, rows: list[tuple], *, headers: tuple = ("figure", "value")) -> None:
    """One JSON line (benchmark, machine, sizes, figures), then a readable table."""
    print(json.dumps({"benchmark": name, **figures}, ensure_ascii=False, default=str), flush=True)
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)] if rows else []
    line = "  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)))
    sys.stdout.flush()


def machine_line(m: dict) -> str:
    return (f"{m['date']}, {m['cores']} cores (load {m['load_1m']}), {m['database']} "
            f"{m.get('postgresql', '')} db {m.get('db_name', '')}")


# ---------------------------------------------------------------------------------------------
# App servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`gongzhi serve --port P --workers N` in its own process group; stopped (and waited for) on exit."""

    def __init__(self, *, port: int, workers: int, database_url: str | None = None, log: Path | None = None,
                 extra_env: dict | None = None, debug_runserver: bool = False):
        from . import env

        self.port = port
        self.env = env.bench_env(database_url, STATIC_ROOT="/tmp/gongzhi-bench-static", **(extra_env or {}))  # noqa: S108
        self.log_path = log or Path(f"/tmp/gongzhi-bench-server-{port}.log")  # noqa: S108
        self.workers = workers
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Server:
        log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self._log = log
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "gongzhi.cli", "serve", "--port", str(self.port), "--workers", str(self.workers)],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the app server exited: see {self.log_path}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/cases/catalogue", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"the app server did not answer within {timeout:.0f} s: see {self.log_path}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # our own process group only
                self.proc.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=10)
        if getattr(self, "_log", None):
            self._log.close()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def token_for(username: str, label: str = "benchmark") -> str:
    """A fresh personal API token for a generated user (through the accounts service)."""
    from gongzhi.accounts import services
    from gongzhi.accounts.models import User
    from gongzhi.core.actors import SystemActor

    user = User.objects.get(username=username)
    _token, raw = services.api_token_create(actor=SystemActor(label="command:benchmark"), user=user, name=label)
    return raw


def summary_stats(samples_ms: list[float]) -> dict:
    return {"p50_ms": round(percentile(samples_ms, 0.5), 1), "p95_ms": round(percentile(samples_ms, 0.95), 1),
            "p99_ms": round(percentile(samples_ms, 0.99), 1), "mean_ms": round(statistics.fmean(samples_ms), 1)
            if samples_ms else None}


def session_headers(user) -> dict[str, str]:
    """Headers of a signed-in browser session with its CSRF token, for unsafe API calls.

    The API lists session authentication before the bearer token (`gongzhi/api.py`), and ninja's
    session check refuses an unsafe method without a CSRF token before the token is looked at: a
    POST with only `Authorization: Bearer …` answers 403 "CSRF check Failed". Load generators and
    the scale-out test therefore sign in like a browser: a session row plus the CSRF cookie and
    header."""
    import secrets
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    csrf = secrets.token_hex(16)  # a 32-character secret: Django accepts it unmasked in the header
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}",
            "X-CSRFToken": csrf}
