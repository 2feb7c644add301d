"""Test data for members' 双报到 and 双报告 (on top of the shared co-building factories)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from gongzhi.cobuilding.models import MemberReport, PostKind, QuarterReport, ServiceLog, ServicePost


def post(report: MemberReport, *, kind: str = PostKind.VOLUNTEER, place=None, started_on: dt.date | None = None):
    return ServicePost.objects.create(report=report, kind=kind, place=place,
                                      started_on=started_on or dt.date(2020, 1, 1))


def log(report: MemberReport, served_on: dt.date, *, hours: str = "2", what: str = "帮独居老人买菜") -> ServiceLog:
    return ServiceLog.objects.create(report=report, served_on=served_on, hours=Decimal(hours), what=what)


def quarter_report(report: MemberReport, *, year: int = 2020, quarter: int = 1, **fields) -> QuarterReport:
    return QuarterReport.objects.create(report=report, year=year, quarter=quarter, hours=Decimal("4"), services=2,
                                        lines=[{"date": "2020-01-05", "hours": "2", "what": "楼道清扫", "post": ""}],
                                        **fields)
