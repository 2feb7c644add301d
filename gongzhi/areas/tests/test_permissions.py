"""The area rules as the gate reads them: roles named by value (areas sits below accounts) must be
real roles, and who manages which kind of node follows one table."""

import pytest

from gongzhi.accounts.roles import Role
from gongzhi.areas import permissions as area_permissions
from gongzhi.areas.models import AreaKind
from gongzhi.areas.permissions import Placement
from gongzhi.areas.tests.factories import tree
from gongzhi.core import permissions


def test_every_role_the_area_rules_name_exists():
    named = set(area_permissions.MANAGES_FROM)
    for rule in area_permissions.RULES.values():
        named |= set(rule.roles)
    assert named <= set(Role.values)


def test_who_keeps_the_registries_follows_the_node_table():
    assert area_permissions.roles_managing(AreaKind.STREET) == {Role.DISTRICT_ADMIN}
    assert area_permissions.roles_managing(AreaKind.GRID) == {Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF}
    assert permissions.roles_for("areas.manage_department") == {Role.DISTRICT_ADMIN}
    assert permissions.roles_for("areas.manage_unit") == area_permissions.roles_managing(AreaKind.GRID)


@pytest.mark.django_db
def test_a_grid_worker_manages_buildings_of_their_grid_only():
    from gongzhi.accounts.tests.factories import user

    t = tree()
    worker = user("grid_worker", nodes=[t["grid_a"]])
    assert permissions.can(worker, "areas.manage_node", Placement(AreaKind.BUILDING, t["grid_a"]))
    assert not permissions.can(worker, "areas.manage_node", Placement(AreaKind.GRID, t["community"]))
    assert not permissions.can(worker, "areas.manage_node", Placement(AreaKind.BUILDING, t["grid_b"]))
    assert not permissions.can(worker, "areas.manage_node", Placement(AreaKind.BUILDING, None))
