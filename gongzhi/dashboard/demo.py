"""Demo: last month's reports of the demo street and its communities, as the worker makes them on
the first working day (the demo's cases reach back two months)."""

from __future__ import annotations

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core.demo import DemoContext

from .periods import last_month
from .services import reports


def load(ctx: DemoContext) -> None:
    month = last_month()
    street = ctx.data.get("street")
    nodes = [street, *ctx.data.get("communities", [])] if street is not None else list(
        AreaNode.objects.filter(kind__in=[AreaKind.STREET, AreaKind.COMMUNITY]).order_by("path"))
    made = [reports.make_report(actor=ctx.actor, node=node, month=month) for node in nodes]
    ctx.log(f"dashboard: {len(made)} monthly reports for {month.key} ({', '.join(r.node.name for r in made)})")
