"""The demo loader builds the seeds' bodies with a year of meetings on top of the areas, accounts and
party demo handles, and the figures of the main community show it."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.accounts import demo as accounts_demo
from gongzhi.accounts.roles import Role
from gongzhi.areas import services as area_services
from gongzhi.areas.tests.factories import DepartmentFactory, UnitFactory, child, district
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext
from gongzhi.meetings import demo, figures
from gongzhi.meetings.models import (
    Attendance,
    Body,
    BodyKind,
    BodyMember,
    Decision,
    Meeting,
    MeetingKind,
    MeetingState,
    MemberRole,
    Minutes,
)
from gongzhi.party import demo as party_demo

pytestmark = pytest.mark.django_db
ACTOR = SystemActor(label="command:demo")


@pytest.fixture
def ctx():
    d = district(name="七里河区")
    s = child(d, name="西站街道")
    communities = [child(s, name=n) for n in ("瓜州路社区", "建西东路社区", "武威路社区")]
    main = communities[0]
    grids = {main.code: [child(main, name=f"第{i}网格") for i in range(1, 7)]}
    company = UnitFactory(area=main, kind="property_company", name="中铁建物业管理有限公司", contact_name="马经理")
    units = [UnitFactory(area=main, kind="property_company", name="兰州安居物业服务有限公司"), company] + [
        UnitFactory(area=main, kind="enterprise", name=f"驻区企业{i}") for i in range(8)]
    estate = area_services.estate_save(actor=ACTOR, community=main, name="铁建丽苑", property_company=company,
                                       owners_committee="铁建丽苑业主委员会", owners_committee_contact_name="周主任")
    building = child(grids[main.code][1], name="3号楼")
    type(building).objects.filter(pk=building.pk).update(estate=estate)
    building.refresh_from_db()
    departments = {code: DepartmentFactory(district=d, code=code, name=name)
                   for code, name in (("cg", "七里河区城市管理局"), ("zj", "七里河区住房和城乡建设局"))}
    c = DemoContext(seed=2026, actor=ACTOR, verbose=False)
    c.data.update(district=d, street=s, communities=communities, main_community=main, grids=grids, units=units,
                  estates=[estate], departments=departments, buildings=[building])
    accounts_demo.load(c)
    party_demo.load(c)
    return c


def test_the_demo_builds_the_seeds_bodies_and_a_year_of_meetings(ctx):
    # when the meetings demo loads after areas, accounts and party
    demo.load(ctx)
    main = ctx.data["main_community"]
    users = ctx.data["users"]
    # then the seeds' bodies are there, at their levels and cadences
    kinds = set(Body.objects.values_list("kind", flat=True))
    assert {BodyKind.ALLIANCE, BodyKind.TWO_COMMITTEES, BodyKind.FOUR_IN_ONE, BodyKind.RESIDENTS_COUNCIL,
            BodyKind.UNITS_JOINT, BodyKind.RESIDENTS_ASSEMBLY, BodyKind.PARTY_REPRESENTATIVES,
            BodyKind.PARTY_BRANCH} <= kinds
    assert Body.objects.filter(kind=BodyKind.PARTY_BRANCH).count() == 6
    four = Body.objects.get(kind=BodyKind.FOUR_IN_ONE)
    assert four.name == "铁建丽苑四位一体联席会" and four.estate.name == "铁建丽苑"
    assert four.members.filter(unit__name="中铁建物业管理有限公司").exists()
    # and the demo accounts sit on them: the community secretary chairs, the party member is on a branch
    assert BodyMember.objects.filter(user=users[Role.COMMUNITY_STAFF], capacity=MemberRole.CHAIR).count() >= 6
    assert BodyMember.objects.filter(user=users[Role.PARTY_MEMBER], body__kind=BodyKind.PARTY_BRANCH).exists()
    # and a year of meetings: past ones held with sign-ins and approved minutes, coming ones planned
    held = Meeting.objects.filter(state=MeetingState.HELD)
    assert held.count() > 200 and Meeting.objects.filter(state=MeetingState.PLANNED, starts_at__gt=timezone.now()).exists()
    assert not held.filter(minutes__isnull=True).exists()
    assert Minutes.objects.filter(state="approved").count() == held.count()
    assert Attendance.objects.filter(meeting__in=held, status="present").exists()
    assert Attendance.objects.filter(meeting__in=held, status="excused").exclude(absence_reason="").exists()
    assert Meeting.objects.filter(missed_flagged_at__isnull=False).count() == 1
    assert Meeting.objects.filter(state=MeetingState.CANCELLED).exclude(state_reason="").exists()
    theme_day = held.filter(kind=MeetingKind.THEME_DAY).first()
    assert theme_day.agenda.filter(is_fixed_content=True).count() == 4 and theme_day.agenda.filter(is_fixed_content=False).exists()
    # and the heating case got two coordination meetings of its parties, whose decisions are on the case
    case = ctx.data["meetings"]["heating_case"]
    coordination = Meeting.objects.filter(case=case, kind=MeetingKind.COORDINATION, state=MeetingState.HELD)
    assert coordination.count() == 2
    parties = set(Attendance.objects.filter(meeting__in=coordination, is_outside_party=True).values_list("organization", flat=True))
    assert any("开发商" in p for p in parties) and any("热力" in p for p in parties) and any("物业" in p for p in parties)
    assert Decision.objects.filter(case=case).count() == 5
    assert Attendance.objects.filter(meeting__in=coordination, is_outside_party=True).exclude(phone_masked="").exists()
    # and the figures of the main community over the last year are not empty
    today = timezone.localdate()
    result = figures.figures(user=users[Role.COMMUNITY_STAFF], node=main, start=today - dt.timedelta(days=365),
                             end=today + dt.timedelta(days=1))
    t = result.total
    assert t.held > 0 and t.due > 0 and t.decisions > 0 and t.missed > 0 and t.done_on_time > 0
    assert t.done_late > 0 and t.overdue >= 0 and t.attendance_rate is not None
