"""Exports are audited: who took which table of which node and month."""

from __future__ import annotations

from django.db import transaction

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor

from ..periods import Month


@transaction.atomic
def record_table_export(*, actor: Actor, node: AreaNode, month: Month, key: str, rows: int) -> None:
    audit.record(actor=actor, action="dashboard.table.export", obj=node, after={"table": key, "month": month.key,
                                                                                  "rows": rows})
