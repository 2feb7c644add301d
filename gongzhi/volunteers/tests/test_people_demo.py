"""The people part of the volunteers demo, on top of the areas, accounts, residents and party
handles: the seed's teams at their levels, about sixty volunteers of the main community from the
registry, party members and units, leaders, and the demo resident registered as a volunteer."""

import pytest

from gongzhi.accounts import demo as accounts_demo
from gongzhi.accounts.roles import Role
from gongzhi.areas.tests.factories import DepartmentFactory, UnitFactory, child, district
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext
from gongzhi.party import demo as party_demo
from gongzhi.residents.services import person_link_account
from gongzhi.residents.tests import factories as residents
from gongzhi.volunteers.demos import people
from gongzhi.volunteers.models import RecordEntry, TeamKind, TeamLevel, TeamMember, Volunteer, VolunteerKind

pytestmark = pytest.mark.django_db
ACTOR = SystemActor(label="command:demo")


@pytest.fixture
def ctx():
    d = district(name="七里河区")
    s = child(d, name="西站街道")
    communities = [child(s, name=n) for n in ("瓜州路社区", "建西东路社区")]
    main = communities[0]
    grids = {main.code: [child(main, name=f"第{i}网格") for i in range(1, 7)]}
    units = [UnitFactory(area=main, kind="enterprise", name=f"驻区企业{i}") for i in range(5)]
    households = []
    for grid in grids[main.code][:2]:
        building = child(grid, name="1号楼")
        unit = child(building, name="1单元")
        households += [child(unit, name=f"{n}01室") for n in range(1, 8)]
    c = DemoContext(seed=2026, actor=ACTOR, verbose=False)
    c.data.update(district=d, street=s, communities=communities, main_community=main, grids=grids, units=units,
                  households=households, buildings=[], estates=[],
                  departments={"cg": DepartmentFactory(district=d, code="cg", name="七里河区城市管理局")})
    accounts_demo.load(c)
    party_demo.load(c)
    for i, household in enumerate(households * 5):
        residents.person(household, name=f"居民{i}", relation="head" if i < len(households) else "child")
    person_link_account(actor=ACTOR, person=residents.person(households[0], name="演示居民"),
                        user=c.data["users"][Role.RESIDENT])
    return c


def test_the_demo_builds_teams_and_volunteers(ctx):
    people.load(ctx)
    data = ctx.data["volunteers"]
    teams = data["teams"]
    assert {"老年棋牌队", "曲艺队", "书画队", "妇女文艺队", "乒乓球队", "青少年志愿服务联盟", "四点半课堂"} <= set(teams)
    assert teams["区志愿服务总队"].level == TeamLevel.CORPS
    assert teams["青少年志愿服务联盟"].kind == TeamKind.ALLIANCE
    assert teams["四点半课堂"].kind == TeamKind.SOCIAL_ORG
    assert teams["书画队"].parent.parent.parent == teams["区志愿服务总队"]
    assert 50 <= Volunteer.objects.count() <= 70 and len(data["volunteers"]) == Volunteer.objects.count()
    kinds = set(Volunteer.objects.values_list("kind", flat=True))
    assert {VolunteerKind.RESIDENT, VolunteerKind.PARTY_MEMBER, VolunteerKind.UNIT_STAFF} <= kinds
    assert data["me"].user == ctx.data["users"][Role.RESIDENT] and data["me"].name == "演示居民"
    assert TeamMember.objects.filter(team=teams["乒乓球队"], is_leader=True).count() == 1
    assert RecordEntry.objects.filter(kind="training").count() > 10
    assert data["staff"] == ctx.data["users"][Role.COMMUNITY_STAFF]
