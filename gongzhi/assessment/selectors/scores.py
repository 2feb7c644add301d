"""Reads of the grid workers' scores, scoped: a worker sees only their own months; the staff the
gate lets read scores see the workers of their area scope; anything else is 404.

    worker_month_for(user, worker_id=, month=)  the month (or a blank one not computed yet)
    month_view(user, wm, kind=, page=)          its lines grouped by kind, one page of lines with links
    area_months(user, node=, month=)            the months of an area's workers with their rank
    worker_history(user, worker_id)             a worker's months, newest first
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.expressions import F, Window
from django.db.models.functions import Rank

from gongzhi.areas.models import AreaNode
from gongzhi.core.errors import NotFound

from ..models import Appeal, AppealState, LineOrigin, MonthState, ScoreLine, WorkerMonth, month_start
from ..services.scoring import kinds, links

PAGE_SIZE = 50


def months_visible(user) -> QuerySet:
    return WorkerMonth.objects.visible_to(user)


def lines_visible(user) -> QuerySet:
    return ScoreLine.objects.visible_to(user)


def worker_month_for(user, *, worker_id: int, month: dt.date) -> WorkerMonth:
    """A worker's month the user may see; a blank, unsaved month when it is not computed yet (for
    one's own page or a worker in scope); NotFound outside scope."""
    month = month_start(month)
    found = (months_visible(user).filter(worker_id=worker_id, month=month)
             .select_related("worker", "area", "formula", "closed_by").first())
    if found is not None:
        return found
    worker = get_user_model().objects.filter(pk=worker_id).first()
    if worker is None:
        raise NotFound()
    if worker.pk != getattr(user, "pk", None):
        # Someone else's month that is not computed: visible only if an earlier month of theirs is.
        from gongzhi.accounts.models import AreaBinding

        grid = AreaBinding.objects.filter(user=worker).select_related("node").order_by("node__path").first()
        if grid is None or not AreaNode.objects.visible_to(user).filter(pk=grid.node_id).exists() \
                or not _reads_scores(user):
            raise NotFound()
        return WorkerMonth(worker=worker, month=month, area=grid.node)
    from gongzhi.accounts.models import AreaBinding

    grid = AreaBinding.objects.filter(user=worker).select_related("node").order_by("node__path").first()
    return WorkerMonth(worker=worker, month=month, area=grid.node if grid else None)


def _reads_scores(user) -> bool:
    from gongzhi.core.permissions import can

    return can(user, "assessment.view_scores")


@dataclass
class Group:
    kind: str
    label: str
    count: int
    points: int

    @property
    def is_deduction(self) -> bool:
        return self.points < 0


@dataclass
class LineRow:
    line: ScoreLine
    label: str
    link: str = ""
    appeal_state: str = ""
    appeal_label: str = ""

    @property
    def is_deduction(self) -> bool:
        return self.line.points < 0


@dataclass
class MonthView:
    month: WorkerMonth
    groups: list[Group] = field(default_factory=list)
    lines: list[LineRow] = field(default_factory=list)
    kind: str = ""
    page: int = 1
    pages: int = 1
    count: int = 0

    @property
    def computed(self) -> bool:
        return self.month.pk is not None

    @property
    def is_open(self) -> bool:
        return self.month.state == MonthState.OPEN

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def month_view(user, wm: WorkerMonth, *, kind: str = "", page: int = 1, page_size: int = PAGE_SIZE) -> MonthView:
    """The month's lines grouped by kind (count and points), and one page of lines (of one kind if
    given), newest first, each with the link to its record and the state of its appeal."""
    view = MonthView(month=wm, kind=kind)
    if wm.pk is None:
        return view
    labels = kinds()
    lines = ScoreLine.objects.filter(worker_month=wm)
    for row in lines.order_by().values("kind").annotate(n=Count("pk"), points=Sum("points")).order_by("kind"):
        view.groups.append(Group(row["kind"], labels.get(row["kind"], _origin_label(row["kind"])), row["n"],
                                 row["points"] or 0))
    view.groups.sort(key=lambda g: (g.points < 0, -abs(g.points), g.label))
    chosen = lines.filter(kind=kind) if kind else lines
    view.count = next((g.count for g in view.groups if g.kind == kind), 0) if kind else sum(g.count for g in view.groups)
    view.pages = max(1, -(-view.count // page_size))
    view.page = min(max(1, page), view.pages)
    start = (view.page - 1) * page_size
    page_lines = list(chosen.order_by("-occurred_at", "-pk")[start:start + page_size])
    found = links(line.source for line in page_lines)
    appeals = {}
    if page_lines:
        for line_id, state in (Appeal.objects.filter(line__in=[line.pk for line in page_lines])
                               .order_by("created_at").values_list("line_id", "state")):
            appeals[line_id] = state
    state_labels = dict(AppealState.choices)
    view.lines = [
        LineRow(line=line, label=labels.get(line.kind, _origin_label(line.kind)), link=found.get(line.source, ""),
                appeal_state=appeals.get(line.pk, ""), appeal_label=str(state_labels.get(appeals.get(line.pk), "")))
        for line in page_lines
    ]
    return view


def _origin_label(kind: str) -> str:
    """Corrections and appeals carry their origin as the kind ("correction", "appeal")."""
    return str(dict(LineOrigin.choices).get(kind, kind))


@dataclass
class RankedMonth:
    month: WorkerMonth
    rank: int


def area_months(user, *, node: AreaNode | None, month: dt.date, limit: int = 500) -> list[RankedMonth]:
    """The months of the workers under `node` the user may see, best score first, with their rank
    (equal scores share a rank). `node` outside the user's scope: NotFound."""
    month = month_start(month)
    if node is not None and not AreaNode.objects.visible_to(user).filter(pk=node.pk).exists():
        raise NotFound()
    months = months_visible(user).filter(month=month)
    if node is not None:
        months = months.filter(area__path__startswith=node.path)
    ranked = (months.select_related("worker", "area")
              .annotate(rank=Window(expression=Rank(), order_by=F("total").desc()))
              .order_by("-total", "worker__username")[:limit])
    return [RankedMonth(month=wm, rank=wm.rank) for wm in ranked]


def area_summary(user, *, node: AreaNode | None, month: dt.date) -> dict:
    """Workers scored, average score, points deducted and pay of an area's month."""
    months = months_visible(user).filter(month=month_start(month))
    if node is not None:
        months = months.filter(area__path__startswith=node.path)
    row = months.aggregate(n=Count("pk"), total=Sum("total"), deducted=Sum("deducted"), pay=Sum("pay"),
                           closed=Count("pk", filter=Q(state=MonthState.CLOSED)))
    n = row["n"] or 0
    return {
        "workers": n,
        "average": round((row["total"] or 0) / n, 1) if n else 0,
        "deducted": row["deducted"] or 0,
        "pay": row["pay"] or Decimal("0"),
        "closed": row["closed"] or 0,
    }


def worker_history(user, *, worker_id: int, limit: int = 24) -> list[WorkerMonth]:
    return list(months_visible(user).filter(worker_id=worker_id).order_by("-month")[:limit])
