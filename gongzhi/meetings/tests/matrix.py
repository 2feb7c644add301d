"""The meetings app's objects for the role × endpoint matrix (gongzhi.core.tests.matrix): in each
district a residents' council of the community with a chair, a secretary and three members, one
meeting of it with minutes and a decision; district 1's are inside, district 2's outside."""

from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.accounts.roles import AREA_ROLES, Role
from gongzhi.accounts.tests.factories import user
from gongzhi.cases.tests.factories import submit
from gongzhi.core.tests.matrix import Param, World
from gongzhi.meetings.services import decisions
from gongzhi.meetings.tests import factories

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _district(nodes: dict) -> dict:
    body = factories.body_with_members(nodes["community"], name="瓜州路社区居民议事会")
    meeting = factories.meeting(body)
    agenda_item = factories.agenda_item(meeting)  # before the decision, which records the meeting as held
    decision = factories.decision(meeting)
    update = decisions.decision_report(actor=factories.ACTOR, decision=decision, text="楼道已清理一半",
                                       photos=[SimpleUploadedFile("楼道.png", PNG, content_type="image/png")])
    return {
        "body": body,
        "member": body.members.order_by("pk").last(),
        "meeting": meeting,
        "attendance": meeting.attendances.order_by("pk").first(),
        "minutes": factories.minutes(meeting),
        "decision": decision,
        "photo": update.photos.get(),
        "agenda_item": agenda_item,
    }


def _outside_case(world: World):
    return submit(SimpleNamespace(nodes=world.d2), "neighbour-dispute", where="building_a", actor=user(Role.RESIDENT),
                  title="小区供暖不热", description="入冬以来暖气一直不热，室温只有十四度。")


def objects(world: World) -> dict[str, Param]:
    inside, outside = _district(world.d1), _district(world.d2)
    # The body belongs to the community: a grid worker's scope lies below it.
    seen = AREA_ROLES - {Role.GRID_WORKER}

    def param(key: str) -> Param:
        return Param(inside=inside[key].pk, outside=outside[key].pk, seen_by=seen)

    # A file of the minutes in each district.
    for side in (inside, outside):
        side["attachment"] = factories.minutes_attachment(side["minutes"])
    return {
        "agenda_item_id": param("agenda_item"),
        "attachment_id": param("attachment"),
        "body_id": param("body"),
        "member_id": param("member"),
        "meeting_id": param("meeting"),
        "attendance_id": param("attendance"),
        "minutes_id": param("minutes"),
        "decision_id": param("decision"),
        "district_id": Param(inside=world.d1["district"].pk, outside=world.d2["district"].pk,
                             seen_by=frozenset({Role.DISTRICT_ADMIN})),
        "photo_id": param("photo"),
        # A case of each district (district 1's from the cases factory): coordination from the case page.
        "case_id": Param(inside=world.stash["case"].pk, outside=_outside_case(world).pk,
                         seen_by=AREA_ROLES | {Role.RESIDENT, Role.DEPARTMENT_STAFF}),
        "node_id": Param(inside=world.d1["community"].pk, outside=world.d2["community"].pk, seen_by=seen),
    }
