"""The role × endpoint matrix: the world every role is tested in, and the protocol of the factories.

Each component may declare `matrix="gongzhi.<app>.tests.matrix:objects"`. That function receives
the `World` (built once per test, for one role) and returns `{key: Param}`:

- the key is a path-parameter name as it appears in the app's API operations and URL patterns
  ("case_id", "pk"). When one name means different objects inside one app (residents' pages use
  "pk" for people, households, tags …), the key may be qualified by the first literal path segment
  after the app's prefix: "households.pk", "tags.pk". The test looks for "<segment>.<name>" first,
  then "<name>". Keys are per app: "pk" of the cases app never meets "pk" of the residents app.
- `Param(inside=…, outside=…, seen_by=…)`: `inside` is an object the roles in `seen_by` may see
  (bound in district 1); `outside` a comparable object none of the world's users may see except
  through a rule that names them (district 2, another requester, another department); `missing`
  a value that names nothing. `Param.fixed(value)` is a parameter that is not an object (an action
  slug, a format): the same value in every request.

A value may be a callable `(world) -> value` when it depends on the user under test (one's own
notification). The factories declare objects only; which endpoints exist the test reads from the
live OpenAPI schema and the URLconf, so a new endpoint is covered without a line here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gongzhi.accounts.roles import AREA_ROLES, ROLE_NODE_KINDS, Role

MISSING_ID = 999_999_999


@dataclass(frozen=True)
class Param:
    inside: Any
    outside: Any = None  # None: no comparable object can lie outside (a global object)
    seen_by: frozenset = frozenset()
    missing: Any = MISSING_ID
    is_fixed: bool = False

    @classmethod
    def fixed(cls, value: Any) -> Param:
        return cls(inside=value, outside=value, missing=value, is_fixed=True)


@dataclass
class World:
    """Two districts with the same shape; a user of every role bound inside district 1 (at the node
    kind `ROLE_NODE_KINDS` names first), a department-staff user of a department of district 1, a
    unit liaison of a unit of district 1, a resident and a party member. `user` is the role under
    test. `stash` lets one app's factory hand objects to a later one (the factories run in
    INSTALLED_APPS order, lower apps first)."""

    role: str
    user: Any
    users: dict[str, Any]
    d1: dict[str, Any]
    d2: dict[str, Any]
    department1: Any
    department2: Any
    unit1: Any
    unit2: Any
    stash: dict[str, Any] = field(default_factory=dict)

    def other(self, role: str) -> Any:
        return self.users[role]


NODE_KEY = {"district": "district", "street": "street", "community": "community", "grid": "grid_a"}


def build_world(role: str) -> World:
    from gongzhi.accounts.tests.factories import user
    from gongzhi.areas.tests.factories import UnitFactory, tree
    from gongzhi.cases import catalogue_data
    from gongzhi.cases.tests.factories import DepartmentFactory

    catalogue_data.load()
    d1, d2 = tree(), tree()
    department1 = DepartmentFactory(district=d1["district"], code="cg")
    department2 = DepartmentFactory(district=d2["district"], code="cg")
    unit1 = UnitFactory(area=d1["community"])
    unit2 = UnitFactory(area=d2["community"])
    users: dict[str, Any] = {}
    for r in Role:
        if r in AREA_ROLES:
            users[r] = user(r, nodes=[d1[NODE_KEY[ROLE_NODE_KINDS[r][0]]]])
        elif r == Role.DEPARTMENT_STAFF:
            users[r] = user(r, department=department1)
        elif r == Role.UNIT_LIAISON:
            users[r] = user(r, unit=unit1)
        else:
            users[r] = user(r)
    return World(
        role=role,
        user=users[role],
        users=users,
        d1=d1,
        d2=d2,
        department1=department1,
        department2=department2,
        unit1=unit1,
        unit2=unit2,
    )


def resolve(value: Any, world: World) -> Any:
    return value(world) if callable(value) else value


# ---------------------------------------------------------------------------------------------
# core's own objects: a notification of the user under test (another user's is outside), and the
# change history of an area node (the page names the object by app label, model and id).


def objects(world: World) -> dict[str, Param]:
    from gongzhi.core.notifications import notify

    mine = notify(recipients=[world.user], title="测试")[0]
    theirs = notify(recipients=[world.users[Role.DISTRICT_ADMIN if world.role != Role.DISTRICT_ADMIN else Role.RESIDENT]],
                    title="测试")[0]
    return {
        "notification_id": Param(inside=mine.pk, outside=theirs.pk, seen_by=frozenset(Role)),
        "app_label": Param.fixed("areas"),
        "model": Param.fixed("areanode"),
        "object_id": Param(inside=str(world.d1["grid_a"].pk), outside=str(world.d2["grid_a"].pk),
                           seen_by=AREA_ROLES, missing=str(MISSING_ID)),
    }
