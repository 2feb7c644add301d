"""Matrix objects of the volunteers' people pages and API: in each district a volunteer living in
grid A's household (district 1's linked to the world's resident, who sees their own), a squad of
grid A with that volunteer as member, a training in the record and a certificate issued from it;
the public check page answers everyone for any issued code."""

from django.utils import timezone

from gongzhi.accounts.roles import AREA_ROLES, Role
from gongzhi.core.tests.matrix import Param, World
from gongzhi.volunteers.models import RecordEntry, RecordKind, TeamLevel
from gongzhi.volunteers.services.certificates import certificate_issue
from gongzhi.volunteers.tests import factories

# Who reads the lists of volunteers (volunteers.view_list): every area role but the supervision committee.
READERS = AREA_ROLES - {Role.SUPERVISION}


def _district(nodes: dict, *, user=None) -> dict:
    volunteer = factories.volunteer(nodes["household_a"], user=user)
    team = factories.team(nodes["grid_a"], name="第A网格志愿服务小分队", level=TeamLevel.SQUAD, leader=volunteer)
    RecordEntry.objects.create(volunteer=volunteer, kind=RecordKind.TRAINING, title="应急救护培训",
                               on=timezone.localdate(), minutes=120)
    certificate = certificate_issue(actor=factories.ACTOR, volunteer=volunteer)
    return {"volunteer": volunteer, "team": team, "member": team.members.get(), "certificate": certificate}


def objects(world: World) -> dict[str, Param]:
    inside = _district(world.d1, user=world.users[Role.RESIDENT])
    outside = _district(world.d2)
    mine = frozenset(READERS | {Role.RESIDENT})
    return {
        "volunteer_id": Param(inside=inside["volunteer"].pk, outside=outside["volunteer"].pk, seen_by=mine),
        "certificate_id": Param(inside=inside["certificate"].pk, outside=outside["certificate"].pk, seen_by=mine),
        "team_id": Param(inside=inside["team"].pk, outside=outside["team"].pk, seen_by=AREA_ROLES),
        "team_member_id": Param(inside=inside["member"].pk, outside=outside["member"].pk, seen_by=AREA_ROLES),
        # The public check answers everyone, for every issued code: nothing lies outside.
        "public.certificate_code": Param(inside=inside["certificate"].code, seen_by=frozenset(Role), missing="ZZZZZZZZZZ"),
    }
