"""Privacy's objects for the role × endpoint matrix (gongzhi.core.tests.matrix): a person in
household A of each district. Whoever sees residents' records sees the person (a role that may not
export answers 403); everyone else, and everyone for the person of district 2, gets 404."""

from gongzhi.accounts.roles import Role
from gongzhi.core.tests.matrix import Param, World
from gongzhi.residents.tests.factories import person

VIEWERS = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.INSPECTOR, Role.DISTRICT_ADMIN})


def objects(world: World) -> dict[str, Param]:
    people = Param(inside=person(world.d1["household_a"]).pk, outside=person(world.d2["household_a"]).pk,
                   seen_by=VIEWERS)
    return {"person_id": people, "pk": people}
