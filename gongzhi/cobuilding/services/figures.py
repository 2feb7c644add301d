"""The co-building figures export (.xlsx), audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor
from gongzhi.core.permissions import require

from ..figures_xlsx import figures_workbook
from ..selectors.figures import Figures, figures


@transaction.atomic
def figures_export(*, actor: Actor, node: AreaNode | None, start: dt.date, end: dt.date) -> tuple[bytes, Figures]:
    """The workbook of the figures of `node` (found in the actor's scope by the caller; None: all of
    the actor's communities) for [start, end]; every export is an audit event."""
    require(actor, "cobuilding.view_list")
    result = figures(user=actor, node=node, start=start, end=end)
    content = figures_workbook(result, scope=node.name if node is not None else "")
    audit.record(actor=actor, action="cobuilding.figures.export", obj=node,
                 after={"node": node.pk if node is not None else None, "start": start.isoformat(),
                        "end": end.isoformat(), "communities": sum(len(s.rows) for s in result.streets)})
    return content, result
