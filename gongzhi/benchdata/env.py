"""The environment benchmarks run the app in: DEBUG off as deployed, with fixed, public keys that
are for benchmark databases only (generated data, never real people)."""

from __future__ import annotations

import base64
import os

BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/gongzhi_bench"
_FERNET = base64.urlsafe_b64encode(b"gongzhi-benchmark-only-key-00000").decode()


def bench_env(database_url: str | None = None, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("GONGZHI_TESTING", None)
    env.update({
        "DATABASE_URL": database_url or os.environ.get("DATABASE_URL") or BENCH_DATABASE_URL,
        "SECRET_KEY": "benchmark-only-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": "http://127.0.0.1",
        "FIELD_ENCRYPTION_KEYS": _FERNET,
        "FIELD_HASH_KEY": "benchmark-only-hash-key",
        "DEBUG": "0",
        # The benchmarks speak plain http to 127.0.0.1, as behind a TLS-terminating proxy.
        "SECURE_SSL_REDIRECT": "0",
        "DJANGO_SETTINGS_MODULE": "gongzhi.settings",
    })
    env.update(extra)
    return env


def apply(database_url: str | None = None) -> None:
    """Put the benchmark environment into this process (before django.setup())."""
    values = bench_env(database_url)
    os.environ.clear()
    os.environ.update(values)
