"""Honours' objects for the role × endpoint matrix (gongzhi.core.tests.matrix): in each district a
selection of the community taking nominations, and an award round of the street with a community
nominated; district 1's are inside, district 2's outside. The area's staff, and those below the
area (a community's staff follow their street's rounds; a grid worker their community's selections),
see them; a unit liaison sees the rounds above their unit."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.roles import AREA_ROLES, Role
from gongzhi.accounts.tests.factories import user
from gongzhi.core.tests.matrix import Param, World
from gongzhi.honours.models import AwardKind, SelectionKind
from gongzhi.honours.services import awards, selections


def _district(nodes: dict) -> dict:
    now = timezone.now()
    street = user(Role.STREET_STAFF, nodes=[nodes["street"]])
    selection = selections.selection_create(
        actor=street, area=nodes["community"], kind=SelectionKind.GOOD_PERSON, year=now.year, month=now.month,
        nominations_open_at=now - dt.timedelta(days=1), nominations_close_at=now + dt.timedelta(days=5))
    award_round = awards.round_create(
        actor=street, area=nodes["street"], kind=AwardKind.PARTY_INNOVATION, year=now.year,
        nominations_close_at=now + dt.timedelta(days=5), criteria=[("创新性", 50), ("实效性", 50)])
    nomination = awards.award_nominate(actor=street, award_round=award_round, community=nodes["community"],
                                       entry="“红色物业”议事厅", description="社区党委牵头，每月议事。")
    return {"selection": selection, "round": award_round, "nomination": nomination}


def objects(world: World) -> dict[str, Param]:
    inside, outside = _district(world.d1), _district(world.d2)
    rounds_seen = AREA_ROLES | {Role.UNIT_LIAISON}
    return {
        "selection_id": Param(inside=inside["selection"].pk, outside=outside["selection"].pk, seen_by=AREA_ROLES),
        "round_id": Param(inside=inside["round"].pk, outside=outside["round"].pk, seen_by=rounds_seen),
        "nomination_id": Param(inside=inside["nomination"].pk, outside=outside["nomination"].pk, seen_by=rounds_seen),
        "selections.action": Param.fixed("close-vote"),
        "awards.action": Param.fixed("start-scoring"),
        "public.community_code": Param.fixed(world.d1["community"].code),
    }
