"""Test data for the spot checks: the case pipeline's small world (a street with a community and
grids A and B, one user per role), the street's inspectors, and a month of the grid workers' door
visits and cases resolved in it."""

from __future__ import annotations

import datetime as dt
import itertools

from django.core.files.base import ContentFile
from django.utils import timezone

from gongzhi.accounts.tests.factories import user
from gongzhi.cases.models import Case, Rating, State
from gongzhi.cases.tests import factories as case_factories
from gongzhi.core.actors import SystemActor
from gongzhi.residents.models import Visit, VisitPhoto

from ..models import (
    Finding,
    FindingState,
    Inspector,
    ItemKind,
    Method,
    Outcome,
    ProblemKind,
    Sample,
    SampleItem,
)
from ..services.inputs import previous_month

SYSTEM = SystemActor(label="test")
_serial = itertools.count(1)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def last_month() -> dt.date:
    return previous_month(timezone.localdate())


def at(month: dt.date, day: int = 10, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(month.replace(day=day), dt.time(hour)))


def world():
    """The case pipeline's world with two inspectors registered in its street."""
    w = case_factories.world()
    w.users["inspector_2"] = user("inspector", nodes=[w.nodes["street"]])
    w.inspectors = [
        inspector(w.nodes["street"], w.users["inspector"]),
        inspector(w.nodes["street"], w.users["inspector_2"]),
    ]
    return w


def inspector(street, account, **values) -> Inspector:
    values.setdefault("appointed_on", timezone.localdate() - dt.timedelta(days=90))
    values.setdefault("selection", "街道公开选聘（2026年第3号公告）")
    return Inspector.objects.create(user=account, street=street, **values)


def visit(household, worker, *, when: dt.datetime, photo: bool = True, findings: str = "家中一切正常") -> Visit:
    row = Visit.objects.create(household=household, visitor=worker, visited_at=when, findings=findings)
    if photo:
        VisitPhoto.objects.create(visit=row, file=ContentFile(JPEG, name=f"v{next(_serial)}.jpg"),
                                  content_type="image/jpeg", size=len(JPEG))
    return row


def resolved_case(w, *, worker, when: dt.datetime, where: str = "building_a", rating: str = Rating.SATISFIED,
                  reopened: bool = False) -> Case:
    case = case_factories.submit(w, where=where)
    Case.objects.filter(pk=case.pk).update(state=State.CLOSED, assignee=worker, resolved_at=when,
                                           closed_at=when + dt.timedelta(days=1), rating=rating, reopened=reopened,
                                           feedback="已清理，住户满意。")
    case.refresh_from_db()
    return case


def sample(street, *, month: dt.date | None = None, seed: int = 7) -> Sample:
    return Sample.objects.create(street=street, month=month or last_month(), seed=seed, size=10,
                                 candidates=1, weights={})


def item(smp: Sample, *, worker, visit_row=None, inspector_row=None, position: int | None = None) -> SampleItem:
    position = position or (smp.items.count() + 1)
    return SampleItem.objects.create(
        sample=smp, position=position, kind=ItemKind.VISIT, visit=visit_row, worker=worker,
        happened_at=visit_row.visited_at if visit_row else timezone.now(), weight=1, risks=[],
        summary={"worker": str(worker), "address": "1号楼1单元101室", "when": "2026-11-10 10:00",
                 "findings": "住户反映楼道灯坏了"},
        inspector=inspector_row)


def finding(itm: SampleItem, *, state: str = FindingState.PENDING, by=None) -> Finding:
    problem = state != FindingState.NO_PROBLEM
    return Finding.objects.create(
        item=itm, method=Method.CALL_BACK, outcome=Outcome.PROBLEM if problem else Outcome.NO_PROBLEM,
        problem_kind=ProblemKind.NOT_VISITED if problem else "", note="住户说当月没人上门" if problem else "",
        state=state, recorded_by=by or itm.inspector.user)
