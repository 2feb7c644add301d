import pytest

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import child, tree


@pytest.fixture
def world(db):
    """The test tree (two grids, each a building with one household) plus a second household in
    building A, a second district, and the people who check and decide."""
    nodes = tree()
    nodes["household_a2"] = child(nodes["unit_a"], name="102室")
    other = tree()
    nodes["other"] = other
    nodes["grid_worker"] = user("grid_worker", nodes=[nodes["grid_a"]])
    nodes["community_staff"] = user("community_staff", nodes=[nodes["community"]])
    nodes["second_staff"] = user("community_staff", nodes=[nodes["community"]])
    nodes["inspector"] = user("inspector", nodes=[nodes["street"]])
    nodes["street_staff"] = user("street_staff", nodes=[nodes["street"]])
    nodes["outside_staff"] = user("community_staff", nodes=[other["community"]])
    return nodes
