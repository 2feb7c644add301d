"""App server processes for tests that need more than one: each a gunicorn process (one worker)
against the test database, in its own process group, stopped when the test ends.

    with servers.running(2, ready_path="/api/cases/catalogue") as ports:
        ...  # http://127.0.0.1:{port}/…

PostgreSQL only (an in-memory SQLite database is one per process)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


def database_url() -> str:
    """The URL of the database the running test uses (the test database, not the configured one)."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(port: int, url: str, *, local_cache: bool = False) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:`port` against `url`. `local_cache`: drop REDIS_URL, so that each
    process has its own local-memory cache (what several hosts without a shared cache look like)."""
    env = {k: v for k, v in os.environ.items() if not (local_cache and k == "REDIS_URL")}
    env.update({"DATABASE_URL": url, "GONGZHI_TESTING": "1", "DB_CONN_MAX_AGE": "0"})
    return subprocess.Popen(  # noqa: S603 - our interpreter, our app
        [sys.executable, "-m", "gunicorn", "gongzhi.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--timeout", "30"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )


def wait_ready(port: int, proc: subprocess.Popen, path: str, timeout: float = 30) -> None:
    """Until GET `path` answers 2xx; fails with the server's last output when it exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server on {port} exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"server on {port} did not start")


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the server's own process group, SIGKILL when it does not stop in time."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


@contextmanager
def running(count: int, *, ready_path: str, local_cache: bool = False) -> Iterator[list[int]]:
    """`count` servers against the test database, ready (GET `ready_path` answers); their ports."""
    url = database_url()
    ports = [free_port() for _ in range(count)]
    procs = [start(port, url, local_cache=local_cache) for port in ports]
    try:
        for port, proc in zip(ports, procs, strict=True):
            wait_ready(port, proc, ready_path)
        yield ports
    finally:
        for proc in procs:
            stop(proc)
