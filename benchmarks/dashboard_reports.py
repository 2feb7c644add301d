"""Benchmark: the monthly reports (.xlsx + PDF with the embedded font) of every street and community
for last month, made as the worker makes them, on a database built by `gongzhi gen-bench`.

    .venv/bin/python benchmarks/dashboard_reports.py [--database-url URL] [--keep]

Prints the total time and the per-report p50/p95 in seconds (one JSON line and a table). The files go
to a scratch MEDIA_ROOT, and the rows are rolled back at the end unless --keep.

Target (issue 18): all reports of the 500,000-case district ≤ 5 min.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongzhi.benchdata import bench  # noqa: E402


class _Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep", action="store_true", help="Keep the report rows (default: roll back).")
    args = parser.parse_args()
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="gongzhi-bench-reports-")
    bench.setup(args.database_url)
    from django.conf import settings
    from django.db import transaction

    from gongzhi.areas.models import AreaNode
    from gongzhi.core.actors import SystemActor
    from gongzhi.dashboard.periods import last_month
    from gongzhi.dashboard.services import reports

    settings.MEDIA_ROOT = os.environ["MEDIA_ROOT"]
    month = last_month()
    actor = SystemActor(label="bench:dashboard-reports")
    nodes = list(AreaNode.objects.filter(kind__in=reports.REPORT_KINDS, is_active=True).order_by("path"))
    samples: list[float] = []
    kinds: dict[str, int] = {}
    pdf_bytes = xlsx_bytes = 0
    started = time.perf_counter()
    try:
        with transaction.atomic():
            for node in nodes:
                t0 = time.perf_counter()
                report = reports.make_report(actor=actor, node=node, month=month)
                samples.append(time.perf_counter() - t0)
                kinds[node.kind] = kinds.get(node.kind, 0) + 1
                pdf_bytes += report.pdf.size
                xlsx_bytes += report.xlsx.size
            total = time.perf_counter() - started
            if not args.keep:
                raise _Rollback
    except _Rollback:
        pass
    result = {
        "benchmark": "dashboard_reports", "month": month.key, "reports": len(samples), "kinds": kinds,
        "total_s": round(total, 1), "p50_s": round(bench.percentile(samples, 0.5), 2),
        "p95_s": round(bench.percentile(samples, 0.95), 2), "max_s": round(max(samples, default=0), 2),
        "pdf_kb_avg": round(pdf_bytes / 1024 / max(1, len(samples)), 1),
        "xlsx_kb_avg": round(xlsx_bytes / 1024 / max(1, len(samples)), 1),
        "machine": bench.machine(), "target_total_s": 300,
    }
    print(json.dumps(result, ensure_ascii=False, default=str))
    print(f"{len(samples)} reports ({kinds}) for {month.key}: total {total:.1f} s, "
          f"p50 {result['p50_s']} s, p95 {result['p95_s']} s, max {result['max_s']} s")


if __name__ == "__main__":
    main()
