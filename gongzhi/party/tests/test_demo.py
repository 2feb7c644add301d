"""The demo loader builds the seed's party structures on top of the areas/accounts demo handles."""

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import UnitFactory, child, district
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext
from gongzhi.party import demo
from gongzhi.party.models import Alliance, AllianceLevel, OrgKind, PartyMember, PartyOrganization


def _ctx(db) -> DemoContext:
    d = district(name="七里河区")
    s = child(d, name="西站街道")
    communities = [child(s, name=n) for n in ("瓜州路社区", "建西东路社区", "武威路社区")]
    main = communities[0]
    grids = {main.code: [child(main, name=f"第{i}网格") for i in range(1, 7)]}
    units = [UnitFactory(area=main, kind="property_company", name="安居物业")] + [
        UnitFactory(area=main, name=f"驻区单位{i}") for i in range(10)
    ]
    ctx = DemoContext(seed=2026, actor=SystemActor(label="command:demo"), verbose=False)
    ctx.data.update(
        district=d, street=s, communities=communities, main_community=main, grids=grids, units=units,
        users={"party_member": user("party_member", display_name="党员演示")},
    )
    return ctx


def test_demo_builds_the_five_level_structure_and_alliances(db):
    ctx = _ctx(db)
    demo.load(ctx)
    main = ctx.data["main_community"]
    general = PartyOrganization.objects.get(pk=ctx.data["party"]["general_branch"].pk)
    branches = PartyOrganization.objects.get_children(general)
    assert sum(b.is_grid_branch for b in branches) == 6
    assert branches.filter(unit__kind="property_company").count() == 1
    assert branches.filter(name__contains="离退休").count() == 1
    assert PartyOrganization.objects.filter(kind=OrgKind.COMMUNITY_COMMITTEE).count() == 3
    for branch in branches:
        groups = PartyOrganization.objects.get_children(branch)
        assert 2 <= groups.count() <= 3
        for group in groups:
            assert 8 <= group.members.count() <= 15
    assert PartyOrganization.objects.find_problems() == ([], [], [], [], [])
    assert PartyMember.objects.filter(is_in_service=True, home_community=main).exists()
    linked = PartyMember.objects.get(user=ctx.data["users"]["party_member"])
    assert linked.is_in_service and linked.home_community == main
    community_alliance = Alliance.objects.get(level=AllianceLevel.COMMUNITY)
    assert community_alliance.members.count() == 8
    assert Alliance.objects.count() == 3
