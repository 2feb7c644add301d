import pytest

from gongzhi.areas import services
from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.areas.tests.factories import ACTOR, child, district, tree
from gongzhi.core.errors import Forbidden, InvalidInput
from gongzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("62010300A", "digits"),
        ("62010300", "digits long"),
        ("6201030001", "digits long"),
        ("620999001", "begin"),
        ("620103000", "zero"),
    ],
)
def test_bad_street_codes_are_refused_naming_the_code_field(code, why):
    d = district(code="620103")
    before = AreaNode.objects.count()
    with pytest.raises(InvalidInput) as refused:
        services.area_node_create(actor=ACTOR, parent=d, kind=AreaKind.STREET, code=code, name="街道")
    assert list(refused.value.fields) == ["code"]
    assert AreaNode.objects.count() == before


def test_a_grid_code_is_6_3_3_3_digits():
    t = tree()
    assert len(t["grid_a"].code) == 15
    assert t["grid_a"].code.startswith(t["community"].code)


def test_a_node_under_the_wrong_kind_of_parent_is_refused():
    t = tree()
    with pytest.raises(InvalidInput) as refused:
        services.area_node_create(
            actor=ACTOR, parent=t["street"], kind=AreaKind.GRID, code=t["street"].code + "009", name="网格"
        )
    assert "parent" in refused.value.fields


def test_duplicate_codes_are_refused():
    t = tree()
    with pytest.raises(InvalidInput) as refused:
        services.area_node_create(
            actor=ACTOR, parent=t["community"], kind=AreaKind.GRID, code=t["grid_a"].code, name="又一个网格"
        )
    assert "code" in refused.value.fields


def test_a_subtree_is_one_prefix_query_and_includes_every_level():
    t = tree()
    subtree = AreaNode.objects.filter(path__startswith=t["grid_a"].path)
    assert set(subtree.values_list("kind", flat=True)) == {"grid", "building", "unit", "household"}
    assert t["household_b"] not in subtree


def test_moving_a_grid_to_another_community_recodes_its_whole_subtree():
    # given a grid with a building, unit and household, and a second community
    t = tree()
    other = child(t["street"], name="建西东路社区")
    grid = t["grid_a"]
    new_code = other.code + "001"
    # when the grid is moved there
    moved = services.area_node_move(actor=ACTOR, node=grid, new_parent=other, new_code=new_code)
    # then the grid and everything below it sit under the new community with matching codes
    assert moved.code == new_code
    assert AreaNode.objects.get_parent(moved) == other
    below = AreaNode.objects.get_descendants(moved)
    assert below.count() == 3
    assert all(n.code.startswith(new_code) and n.path.startswith(moved.path) for n in below)
    household = AreaNode.objects.get(pk=t["household_a"].pk)
    assert household.code.startswith(new_code)
    # and the old community no longer counts it
    assert AreaNode.objects.get(pk=t["community"].pk).numchild == 1
    assert AuditEvent.objects.for_object(moved).filter(action="areas.node.move").exists()


def test_a_node_cannot_be_moved_into_its_own_subtree():
    t = tree()
    paths_before = list(AreaNode.objects.order_by("pk").values_list("path", "code"))
    with pytest.raises(InvalidInput) as refused:
        services.area_node_move(actor=ACTOR, node=t["community"], new_parent=t["grid_a"])
    assert "parent" in refused.value.fields
    assert list(AreaNode.objects.order_by("pk").values_list("path", "code")) == paths_before


def test_bulk_creation_validates_everything_before_writing():
    t = tree()
    before = AreaNode.objects.count()
    with pytest.raises(InvalidInput):
        services.area_children_bulk_create(
            actor=ACTOR,
            parent=t["grid_a"],
            children=[
                {"kind": "building", "code": t["grid_a"].code + "007", "name": "7号楼"},
                {"kind": "building", "code": t["grid_a"].code + "7", "name": "坏编码"},
            ],
        )
    assert AreaNode.objects.count() == before


def test_bulk_created_children_are_a_consistent_tree():
    t = tree()
    made = services.area_children_bulk_create(
        actor=ACTOR,
        parent=t["grid_a"],
        children=[{"kind": "building", "code": t["grid_a"].code + f"{n:03d}", "name": f"{n}号楼"} for n in range(5, 9)],
    )
    assert len(made) == 4
    assert AreaNode.objects.get(pk=t["grid_a"].pk).numchild == 5
    assert AreaNode.objects.find_problems() == ([], [], [], [], [])
    # a normal child added afterwards still gets a fresh path
    more = child(t["grid_a"])
    assert more.path not in {m.path for m in made}


def test_a_node_with_children_cannot_be_deleted():
    t = tree()
    with pytest.raises(InvalidInput):
        services.area_node_delete(actor=ACTOR, node=t["unit_a"])
    services.area_node_delete(actor=ACTOR, node=t["household_a"])
    assert not AreaNode.objects.filter(pk=t["household_a"].pk).exists()


def test_community_staff_cannot_create_a_street():
    from gongzhi.accounts.tests.factories import user

    t = tree()
    staff = user("community_staff", nodes=[t["community"]])
    with pytest.raises(Forbidden):
        services.area_node_create(
            actor=staff, parent=t["district"], kind=AreaKind.STREET, code=t["district"].code + "009", name="新街道"
        )
    # but may add a grid in its own community
    grid = services.area_node_create(
        actor=staff, parent=t["community"], kind=AreaKind.GRID, code=t["community"].code + "009", name="第9网格"
    )
    assert grid.pk
