"""Reading accountability records: the reviewers' list of their area scope, one's own, one record
with its notes, and the figures (records opened and closed per area)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import scope
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import can

from ..models import AccountabilityRecord, RecordState


def records_list(*, user, state: str = "", mine: bool = False) -> QuerySet:
    rows = AccountabilityRecord.objects.visible_to(user).select_related(
        "rule", "sheet", "person", "node", "department", "area")
    if mine:
        rows = rows.filter(person=user)
    if state in RecordState.values:
        rows = rows.filter(state=state)
    return rows.order_by("-occurred_at", "-pk")


def record_get(*, user, pk) -> AccountabilityRecord:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    row = records_list(user=user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def record_notes(record: AccountabilityRecord) -> list:
    return list(record.notes.select_related("author").order_by("created_at", "pk"))


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def dashboard_figures(*, user, node, start: dt.date, end: dt.date) -> list[dict]:
    """The figure provider "duties.summary" (end exclusive): accountability records opened and
    closed in the period under `node`, and those still open at its end, counting what `user` may
    see. Nothing for who may not read records."""
    if not can(user, "duties.view_records"):
        return []
    rows = AccountabilityRecord.objects.visible_to(user)
    if node is not None:
        rows = rows.filter(area__path__startswith=node.path)
    begin, finish = _aware(start), _aware(end)
    opened = rows.filter(created_at__gte=begin, created_at__lt=finish).count()
    closed = rows.filter(closed_at__gte=begin, closed_at__lt=finish).count()
    still_open = rows.filter(created_at__lt=finish).exclude(closed_at__lt=finish).count()
    return [
        {"key": "duties.records_opened", "label": _("Accountability records opened"), "value": opened},
        {"key": "duties.records_closed", "label": _("Accountability records closed"), "value": closed},
        {"key": "duties.records_open", "label": _("Accountability records still open"), "value": still_open},
    ]


def figures_by_area(*, user, node, start: dt.date, end: dt.date) -> list[dict]:
    """Opened and closed per child area of `node` (the user's areas when None), for the figures page."""
    from gongzhi.areas.models import AreaNode

    if node is None:
        paths = scope.scope_paths(user)
        areas = list(AreaNode.objects.filter(path__in=paths)) if paths else list(AreaNode.objects.filter(depth=1))
    else:
        areas = list(node.get_children()) or [node]
    return [{"area": a, "figures": {f["key"].split(".", 1)[1]: f["value"]
                                    for f in dashboard_figures(user=user, node=a, start=start, end=end)}}
            for a in areas[:100]]
