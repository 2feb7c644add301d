"""Benchmark: the raw PostgreSQL limit for the intake insert — pgbench at concurrency 16 running a
script that writes, per transaction, the rows one API intake writes: the case, its submit event,
the audit event and the triage notification (one transaction), then the delivery task row (after
commit, as django-tasks enqueues it).

    .venv/bin/python benchmarks/pgbench_intake.py [--database-url URL] [--seconds 20] [--clients 16]

The rows go into copies of the real tables (`CREATE TABLE … (LIKE … INCLUDING ALL)`: same columns,
defaults, identity, indexes and check constraints; no foreign keys or triggers, which is what
"the database alone" means) in a scratch schema that is dropped afterwards, so the benchmark
database is left unchanged. The values are those of the newest case of the database (same
widths: title, description, encrypted phone, paths, JSON). Intake through the API can then be
quoted as a share of this figure. Needs `pgbench` (Debian: postgresql-client or postgresql-contrib);
without it, prints a JSON line saying so and exits with status 2.
"""

from __future__ import annotations

import argparse
import glob
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongzhi.benchdata import bench  # noqa: E402

SCHEMA = "pgbench_intake"
TABLES = ["cases_case", "cases_caseevent", "core_auditevent", "core_notification",
          "django_tasks_database_dbtaskresult"]


def _literal(value, conn) -> str:
    from psycopg import sql
    from psycopg.types.json import Jsonb

    if isinstance(value, dict | list):
        value = Jsonb(value)
    return sql.Literal(value).as_string(conn)


def _row_sql(conn, table: str, row: dict, *, returning: bool = False) -> str:
    cols = ", ".join(row)
    vals = ", ".join(v if isinstance(v, _Raw) else _literal(v, conn) for v in row.values())
    sql = f"INSERT INTO {SCHEMA}.{table} ({cols}) VALUES ({vals})"
    return sql + (" RETURNING id AS case_id \\gset" if returning else ";")


class _Raw(str):
    """An SQL expression written as is (now(), :case_id)."""


def script(conn) -> str:
    with conn.cursor() as cur:
        cur.execute("SELECT * FROM cases_case ORDER BY id DESC LIMIT 1")
        names = [d.name for d in cur.description]
        case = dict(zip(names, cur.fetchone(), strict=True))
        cur.execute("SELECT id FROM django_content_type WHERE app_label = 'cases' AND model = 'case'")
        ct = cur.fetchone()[0]
        cur.execute("SELECT id FROM accounts_user WHERE role = 'community_staff' ORDER BY id LIMIT 1")
        staff = cur.fetchone()[0]
    case.pop("id")
    for key in ("created_at", "updated_at"):
        case[key] = _Raw("now()")
    case.update(state="submitted", level="community", assignee_id=None, responded_at=None, resolved_at=None,
                rated_at=None, closed_at=None, rating="", result="", resolved_level="", master_id=None)
    event = {"case_id": _Raw(":case_id"), "created_at": _Raw("now()"), "actor_id": staff, "actor_label": "bench_community_1",
             "action": "submit", "from_state": "", "to_state": "submitted", "note": "", "internal": False,
             "params": {"channel": "hotline", "category": "garbage-collection", "rule_version": 1,
                        "location": "620103001001001001010101", "response_due": "2026-11-22T14:00:00+08:00",
                        "handling_due": "2026-11-23T14:00:00+08:00"}}
    audit = {"created_at": _Raw("now()"), "actor_label": "bench_community_1", "action": "cases.case.submit",
             "object_id": _Raw("CAST(:case_id AS TEXT)"), "object_repr": "GZ202611220000042 " + case["title"],
             "area_path": case["area_path"], "before": None,
             "after": {"state": "submitted", "category": "garbage-collection", "channel": "hotline",
                       "location": "620103001001001001010101"},
             "note": "", "request_id": "0123456789abcdef0123456789abcdef", "ip": "127.0.0.1", "source": "api",
             "actor_id": staff, "content_type_id": ct}
    notification = {"kind": "cases.submitted", "title": "New request: " + case["title"], "body": case["description"],
                    "url": _Raw("'/cases/' || :case_id || '/'"), "object_id": _Raw("CAST(:case_id AS TEXT)"),
                    "created_at": _Raw("now()"), "read_at": None, "delivered_at": None, "content_type_id": ct,
                    "recipient_id": staff}
    task = {"id": _Raw("gen_random_uuid()"), "status": "READY", "args_kwargs": {"args": [[1]], "kwargs": {}},
            "priority": 0, "task_path": "gongzhi.core.notifications.deliver", "queue_name": "notifications",
            "backend_name": "default", "run_after": _Raw("now()"), "enqueued_at": _Raw("now()"),
            "finished_at": None, "started_at": None, "return_value": None, "exception_class_path": "",
            "traceback": "", "worker_ids": []}
    return "\n".join([
        "BEGIN;",
        _row_sql(conn, "cases_case", case, returning=True),
        _row_sql(conn, "cases_caseevent", event),
        _row_sql(conn, "core_auditevent", audit),
        _row_sql(conn, "core_notification", notification),
        "COMMIT;",
        _row_sql(conn, "django_tasks_database_dbtaskresult", task),
    ]) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()

    bench.setup(args.database_url)
    from django.db import connection

    machine = bench.machine()
    pgbench = shutil.which("pgbench")
    if pgbench is None:
        print(json.dumps({"benchmark": "pgbench_intake", "machine": machine, "skipped":
                          "pgbench is not installed (Debian: apt-get install postgresql-client)"}))
        print("pgbench is missing: install it (Debian: apt-get install postgresql-client) and run again.")
        raise SystemExit(2)
    settings = connection.settings_dict
    connection.ensure_connection()
    conn = connection.connection
    with conn.cursor() as cur:
        cur.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cur.execute(f"CREATE SCHEMA {SCHEMA}")
        for table in TABLES:
            cur.execute(f"CREATE TABLE {SCHEMA}.{table} (LIKE public.{table} INCLUDING ALL)")
    conn.commit() if not conn.autocommit else None
    try:
        text = script(conn)
        with tempfile.TemporaryDirectory(prefix="gongzhi-pgbench-") as tmp:
            path = Path(tmp) / "intake.sql"
            path.write_text(text)
            command = [pgbench, "-n", "-c", str(args.clients), "-j", str(min(args.clients, 2)), "-T", str(args.seconds),
                       "-f", str(path), "-l", "--log-prefix", str(Path(tmp) / "log"),
                       "-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432),
                       "-U", settings["USER"] or "postgres", settings["NAME"]]
            done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
            if done.returncode != 0:
                raise SystemExit(f"pgbench failed: {done.stderr[-2000:]}")
            latencies = []
            for log in glob.glob(str(Path(tmp) / "log*")):
                for line in Path(log).read_text().splitlines():
                    parts = line.split()
                    if len(parts) >= 3:
                        latencies.append(int(parts[2]) / 1000)  # microseconds → ms
        tps = float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", done.stdout).group(1))
        stats = bench.summary_stats(latencies)
    finally:
        with conn.cursor() as cur:
            cur.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        conn.commit() if not conn.autocommit else None
    figures = {"machine": machine, "sizes": bench.sizes(), "clients": args.clients, "seconds": args.seconds,
               "transactions": len(latencies), "intakes_per_second": round(tps, 1), **stats,
               "statements_per_intake": 6}
    bench.emit("pgbench_intake", figures, [
        ("machine", bench.machine_line(machine)),
        ("clients / seconds", f"{args.clients} / {args.seconds}"),
        ("intake inserts per second (database alone)", f"{tps:,.0f}"),
        ("latency p50 / p99 ms", f"{stats['p50_ms']} / {stats['p99_ms']}"),
    ])


if __name__ == "__main__":
    main()
