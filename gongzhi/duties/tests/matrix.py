"""The duties objects for the role × endpoint matrix (gongzhi.core.tests.matrix): in each district a
grid workers' duty sheet of the district, and an accountability record concerning district 1's
grid worker (district 2's concerns its grid A). Sheets are seen by the roles at work of the
district; a record by its street's and district's reviewers and the person concerned."""

from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.core.tests.matrix import Param, World
from gongzhi.duties.models import AccountabilityRecord, DutySheet, Section, SheetItem

from . import factories


def _side(nodes: dict, person, tag: str) -> dict:
    sheet = factories.sheet(Role.GRID_WORKER, area=nodes["district"], title=f"矩阵明白纸{tag}")
    rule = SheetItem.objects.filter(version__sheet=sheet, section=Section.ACCOUNTABILITY).order_by("number").first()
    record = AccountabilityRecord.objects.create(
        source=f"matrix:{tag}", source_kind=factories.UNHEEDED, sheet=sheet, rule=rule, person=person,
        node=nodes["grid_a"], area=nodes["grid_a"], summary="矩阵：督办后仍未办理", occurred_at=timezone.now())
    return {"sheet": sheet, "record": record}


def objects(world: World) -> dict[str, Param]:
    inside = _side(world.d1, world.users[Role.GRID_WORKER], "1")
    outside = _side(world.d2, None, "2")
    sees_sheet = frozenset(role for role, u in world.users.items()
                           if DutySheet.objects.visible_to(u).filter(pk=inside["sheet"].pk).exists())
    sees_record = frozenset(role for role, u in world.users.items()
                            if AccountabilityRecord.objects.visible_to(u).filter(pk=inside["record"].pk).exists())
    assert {Role.GRID_WORKER, Role.STREET_STAFF, Role.DISTRICT_ADMIN} <= sees_record
    assert Role.RESIDENT not in sees_sheet and Role.GRID_WORKER in sees_sheet
    return {
        "sheet_id": Param(inside=inside["sheet"].pk, outside=outside["sheet"].pk, seen_by=sees_sheet),
        "record_id": Param(inside=inside["record"].pk, outside=outside["record"].pk, seen_by=sees_record),
        "section": Param.fixed(Section.KEY_TASKS.value),
    }
