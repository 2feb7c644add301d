"""Test data of duties: the cases' test world (a district, street, community, two grids and their
staff) with a second district outside, duty sheets written straight into the models, and a case
supervised (督办) days ago that is still not handled."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.cases.models import Supervision, SupervisionKind
from gongzhi.cases.tests import factories as case_factories
from gongzhi.duties.models import DutySheet, RuleMapping, Section, SheetItem, SheetVersion
from gongzhi.duties.selectors.sources import SUPERVISION_LABELS

UNHEEDED = next(iter(SUPERVISION_LABELS))  # "supervision.unheeded"

GRID_SHEET = {
    Section.KEY_TASKS: ["每月对网格内住户入户走访不少于一遍，重点人群每月至少两次。",
                        "发现安全隐患、违章搭建当天上报，能当场处理的当场处理。"],
    Section.RED_LINES: ["不得瞒报、漏报安全生产隐患和矛盾纠纷。", "不得泄露居民个人信息。"],
    Section.ACCOUNTABILITY: ["督办后三日内仍未办理的，由街道约谈网格员，并在当月考核中扣分。",
                             "月度考核扣分经确认的，记入问责记录。"],
}


def world():
    w = case_factories.world()
    other = tree()
    w.nodes.update({f"other_{k}": v for k, v in other.items()})
    w.users["outsider"] = user(Role.GRID_WORKER, nodes=[other["grid_a"]])
    w.users["other_sstaff"] = user(Role.STREET_STAFF, nodes=[other["street"]])
    return w


def sheet(role: str = Role.GRID_WORKER, *, area=None, title: str = "网格员明白纸", content=None,
          valid_from: dt.date | None = None, created_by=None) -> DutySheet:
    row = DutySheet.objects.create(role=role, area=area, title=title, created_by=created_by)
    version(row, content or GRID_SHEET, valid_from=valid_from)
    return row


def version(sheet: DutySheet, content: dict, *, valid_from: dt.date | None = None) -> SheetVersion:
    v = SheetVersion.objects.create(sheet=sheet, valid_from=valid_from or timezone.localdate() - dt.timedelta(days=30))
    SheetItem.objects.bulk_create([SheetItem(version=v, section=section, number=n, text=text)
                                   for section, items in content.items() for n, text in enumerate(items, start=1)])
    return v


def mapping(sheet: DutySheet, kind: str = UNHEEDED, number: int = 1) -> RuleMapping:
    return RuleMapping.objects.create(sheet=sheet, source_kind=kind, rule_number=number)


def supervised_case(w, *, days_ago: int = 5):
    """A case the grid worker A claimed, supervised (督办) `days_ago` days ago and still in progress."""
    case = case_factories.in_progress(w)
    s = Supervision.objects.create(case=case, kind=SupervisionKind.HANDLING_OVERDUE, level="community",
                                   node=w.nodes["community"], due=timezone.now() - dt.timedelta(days=days_ago + 1))
    Supervision.objects.filter(pk=s.pk).update(created_at=timezone.now() - dt.timedelta(days=days_ago))
    return case
