"""The members part of the co-building demo on top of the areas, accounts and party demos."""

import pytest

from gongzhi.accounts import demo as accounts_demo
from gongzhi.areas.tests.factories import DepartmentFactory, UnitFactory, child, district
from gongzhi.cobuilding.demos import members
from gongzhi.cobuilding.models import PostKind, QuarterReport, QuarterReportState, ReportInState, ServiceLog
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext
from gongzhi.party import demo as party_demo

pytestmark = pytest.mark.django_db


def test_given_the_party_demo_when_members_load_then_registrations_logs_and_reports_exist():
    d = district(name="七里河区")
    s = child(d, name="西站街道")
    communities = [child(s, name=n) for n in ("瓜州路社区", "建西东路社区")]
    main = communities[0]
    grids = {main.code: [child(main, name=f"第{i}网格") for i in range(1, 4)]}
    for grid in grids[main.code]:
        child(grid, name="1号楼")
    units = [UnitFactory(area=main, kind="enterprise", name=f"驻区企业{i}") for i in range(5)]
    ctx = DemoContext(seed=2026, actor=SystemActor(label="command:demo"), verbose=False)
    ctx.data.update(district=d, street=s, communities=communities, main_community=main, grids=grids, units=units,
                    households=[], buildings=[], estates=[],
                    departments={"cg": DepartmentFactory(district=d, code="cg", name="七里河区城市管理局")})
    accounts_demo.load(ctx)
    party_demo.load(ctx)
    members.load(ctx)
    reports = ctx.data["cobuilding_members"]
    assert len(reports) >= 5
    assert all(r.state == ReportInState.ACTIVE for r in reports)
    assert ServiceLog.objects.filter(report__in=reports).count() > 20
    assert any(p.kind == PostKind.BUILDING_HEAD for r in reports for p in r.posts.all())
    states = set(QuarterReport.objects.values_list("state", flat=True))
    assert {QuarterReportState.SENT, QuarterReportState.RECEIVED} <= states
