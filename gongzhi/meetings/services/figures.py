"""The figures export: the .xlsx of a node's figures for a year, audited."""

from __future__ import annotations

from django.db import transaction

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor

from .. import figures as figures_module


@transaction.atomic
def figures_export(*, actor: Actor, node: AreaNode, year) -> tuple[bytes, figures_module.Figures]:
    """The workbook of `node`'s figures for `year` (scope and gate as the page: NotFound outside the
    actor's scope, Forbidden without "meetings.view_figures"); every export is an audit event with
    the node and the year."""
    start, end = figures_module.year_span(year)
    result = figures_module.figures(user=actor, node=node, start=start, end=end)
    content = figures_module.workbook(result)
    audit.record(
        actor=actor, action="meetings.figures.export", obj=result.node,
        after={"node": result.node.pk, "year": result.year, "bodies": len(result.bodies)},
    )
    return content, result
