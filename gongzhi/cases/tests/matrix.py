"""The case pipeline's objects for the role × endpoint matrix (gongzhi.core.tests.matrix): in each
district a neighbour dispute filed at building A (district 1's by the world's resident, district
2's by another resident; a dispute, so the dispute endpoints have their object too) with an
attachment and a whistle call to the district's department; district 2's are outside everyone's
scope and none of the world's users asked for them."""

import datetime as dt
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.accounts.roles import AREA_ROLES, Role
from gongzhi.accounts.tests.factories import user
from gongzhi.cases.models import WhistleCall
from gongzhi.cases.tests.factories import submit
from gongzhi.core.tests.matrix import Param, World

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60 + b"\xff\xd9"

# The requester, everyone whose area holds building A of district 1, and the department the case
# was sent to or called (here: called); units and party members see no case by id.
SEEN_BY = AREA_ROLES | {Role.RESIDENT, Role.DEPARTMENT_STAFF}
CALL_SEEN_BY = AREA_ROLES | {Role.DEPARTMENT_STAFF}


def _case(nodes: dict, requester, department):
    case = submit(
        SimpleNamespace(nodes=nodes),
        "neighbour-dispute",
        where="building_a",
        actor=requester,
        title="楼上漏水邻里纠纷",
        description="楼上卫生间漏水，协商多次未果。",
        attachments=[SimpleUploadedFile("photo.jpg", JPEG, content_type="image/jpeg")],
    )
    call = WhistleCall.objects.create(case=case, department=department, reason="测试",
                                      acknowledge_by=timezone.now() + dt.timedelta(hours=2))
    return case, case.attachments.get(), call


def objects(world: World) -> dict[str, Param]:
    case1, attachment1, call1 = _case(world.d1, world.users[Role.RESIDENT], world.department1)
    case2, attachment2, call2 = _case(world.d2, user(Role.RESIDENT), world.department2)
    world.stash["case"] = case1
    cases = Param(inside=case1.pk, outside=case2.pk, seen_by=SEEN_BY)
    attachments = Param(inside=attachment1.pk, outside=attachment2.pk, seen_by=SEEN_BY)
    return {
        "case_id": cases,
        "pk": cases,
        "action": Param.fixed("accept"),
        "attachment_id": attachments,
        "attachments.pk": attachments,
        "call_id": Param(inside=call1.pk, outside=call2.pk, seen_by=CALL_SEEN_BY),
    }
