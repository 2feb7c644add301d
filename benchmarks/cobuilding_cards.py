"""Benchmark: the household contact cards (民情联系卡) of a grid of 500 households as one PDF
(target ≤ 10 s), through the service the page `cobuilding:cards-pdf` calls (contacts read, PDF
drawn with a QR code per card, a ContactCard recorded per household, the audit event).

    .venv/bin/python benchmarks/cobuilding_cards.py [--database-url sqlite:////tmp/gz_cards_bench.sqlite3]
        [--households 500]

The database is migrated first (a fresh SQLite file by default); the script writes its own
district → street → community → grid with 10 buildings, a grid worker, building heads and paired
members for one household in ten, then times the print. Prints one JSON line and a table.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongzhi.benchdata import bench  # noqa: E402

DEFAULT_DATABASE = "sqlite:////tmp/gz_cards_bench.sqlite3"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--households", type=int, default=500)
    args = parser.parse_args()
    if args.database_url == DEFAULT_DATABASE:
        Path(DEFAULT_DATABASE.removeprefix("sqlite:///")).unlink(missing_ok=True)

    bench.setup(args.database_url)
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    call_command("migrate", verbosity=0, interactive=False)

    from gongzhi.accounts.roles import Role
    from gongzhi.accounts.tests.factories import user
    from gongzhi.areas.models import AreaKind
    from gongzhi.areas.tests.factories import child, tree
    from gongzhi.cobuilding.models import ContactCard, PostKind, ServicePost
    from gongzhi.cobuilding.services.cards import cards_print
    from gongzhi.cobuilding.tests.factories import in_service_member, member_report
    from gongzhi.party.tests.factories import organization

    built = time.perf_counter()
    with transaction.atomic():
        nodes = tree()
        grid = nodes["grid_a"]
        user(Role.GRID_WORKER, nodes=[grid], display_name="张网格", phone="13811112222")
        staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
        org = organization(None, kind="district_committee", area=nodes["district"], name="七里河区委")
        today = timezone.localdate()
        households = [nodes["household_a"]]
        buildings = [nodes["building_a"]] + [child(grid, name=f"{n}号楼") for n in range(2, 11)]
        for b, building in enumerate(buildings):
            head = member_report(in_service_member(org, name=f"楼长{b + 1}", with_account=False), nodes["community"])
            ServicePost.objects.create(report=head, kind=PostKind.BUILDING_HEAD, place=building, started_on=today)
            units = [child(building, kind=AreaKind.UNIT, name=f"{u}单元") for u in range(1, 6)]
            for unit in units:
                for floor in range(1, 11):
                    if len(households) >= args.households:
                        break
                    households.append(child(unit, kind=AreaKind.HOUSEHOLD, name=f"{floor}0{1 + floor % 2}室"))
        for i, household in enumerate(households[::10]):
            report = member_report(in_service_member(org, name=f"包保党员{i + 1}", with_account=False),
                                   nodes["community"])
            ServicePost.objects.create(report=report, kind=PostKind.CARE_PAIR, place=household, started_on=today)
    built = time.perf_counter() - built

    machine = bench.machine()
    started = time.perf_counter()
    content, count = cards_print(actor=staff, areas=[grid],
                                 form_url=lambda pk: f"https://gongzhi.example.cn/cases/new/?location={pk}")
    seconds = time.perf_counter() - started
    pages = len(re.findall(rb"/Type\s*/Page[^s]", content))
    recorded = ContactCard.objects.filter(is_current=True).count()
    figures = {"machine": machine, "households": count, "pages": pages, "seconds": round(seconds, 2),
               "pdf_bytes": len(content), "cards_recorded": recorded, "setup_seconds": round(built, 1),
               "target_seconds": 10}
    bench.emit("cobuilding_cards", figures, [
        ("machine", bench.machine_line(machine)),
        ("households / pages", f"{count} / {pages}"),
        ("PDF seconds (target ≤ 10)", f"{seconds:.2f}"),
        ("PDF size", f"{len(content) / 1024:.0f} KiB"),
        ("cards recorded", recorded),
    ])


if __name__ == "__main__":
    main()
