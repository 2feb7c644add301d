"""Matrix objects of co-building members: in each district an in-service member employed by the
district's unit, reported in (active, public profile) to the community, with a drafted quarterly
report; district 1's member is the world's party member account, so they see their own, and the
world's unit liaison sees it as the employer's."""

from gongzhi.accounts.roles import AREA_ROLES, Role
from gongzhi.cobuilding.models import Evaluation
from gongzhi.cobuilding.tests import factories
from gongzhi.cobuilding.tests import factories_members as more
from gongzhi.core.tests.matrix import Param, World
from gongzhi.party.models import PartyOrganization

SEERS = frozenset((AREA_ROLES - {Role.GRID_WORKER}) | {Role.PARTY_MEMBER, Role.UNIT_LIAISON})


def _district(nodes: dict, unit, *, account=None) -> dict:
    org = PartyOrganization.objects.add_root(create_kwargs={"name": f"{unit.name}党支部", "kind": "branch", "area": nodes["community"]})
    member = factories.in_service_member(org, employer=unit, with_account=account is None)
    if account is not None:
        member.user = account
        member.save(update_fields=["user"])
    report = factories.member_report(member, nodes["community"])
    report.public_profile = True
    report.duty = "楼栋长"
    report.save(update_fields=["public_profile", "duty"])
    quarter = more.quarter_report(report, evaluation=Evaluation.GOOD)
    return {"report": report, "quarter": quarter}


def objects(world: World) -> dict[str, Param]:
    inside = _district(world.d1, world.unit1, account=world.users[Role.PARTY_MEMBER])
    outside = _district(world.d2, world.unit2)
    return {
        "member_report_id": Param(inside=inside["report"].pk, outside=outside["report"].pk, seen_by=SEERS),
        "quarter_report_id": Param(inside=inside["quarter"].pk, outside=outside["quarter"].pk, seen_by=SEERS),
        # Public pages answer everyone; nothing lies outside.
        "public.community_id": Param(inside=world.d1["community"].pk, seen_by=frozenset(Role)),
        "public.member_report_id": Param(inside=inside["report"].pk, seen_by=frozenset(Role)),
    }
