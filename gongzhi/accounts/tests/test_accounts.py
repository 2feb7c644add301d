import pytest
from django.utils import translation

from gongzhi.accounts import services
from gongzhi.accounts.models import AreaBinding, User
from gongzhi.accounts.tests.factories import PASSWORD, superuser, user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.actors import SystemActor
from gongzhi.core.errors import Forbidden, InvalidInput
from gongzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor(label="test")


def test_a_grid_worker_bound_to_no_node_is_refused_in_chinese_naming_the_field():
    # given no area node, when an administrator creates a grid worker, then it is refused
    with translation.override("zh-hans"), pytest.raises(InvalidInput) as refused:
        services.user_create(actor=SYSTEM, username="w1", password=PASSWORD, role="grid_worker", nodes=[])
    assert "nodes" in refused.value.fields
    assert "网格员" in refused.value.message
    # and nothing was written
    assert not User.objects.filter(username="w1").exists()


def test_a_grid_worker_cannot_be_bound_to_a_community():
    t = tree()
    with pytest.raises(InvalidInput) as refused:
        services.user_create(actor=SYSTEM, username="w1", password=PASSWORD, role="grid_worker", nodes=[t["community"]])
    assert "nodes" in refused.value.fields


def test_department_staff_needs_a_department():
    with pytest.raises(InvalidInput) as refused:
        services.user_create(actor=SYSTEM, username="d1", password=PASSWORD, role="department_staff")
    assert "department" in refused.value.fields


def test_creating_a_user_is_audited_with_the_bound_nodes():
    t = tree()
    worker = user("grid_worker", nodes=[t["grid_a"]])
    event = AuditEvent.objects.for_object(worker).get()
    assert event.action == "accounts.user.create"
    assert event.after["nodes"] == [t["grid_a"].code]
    assert event.actor_label == "test"


def test_only_a_district_admin_inside_their_district_manages_accounts():
    t = tree()
    staff = user("community_staff", nodes=[t["community"]])
    with pytest.raises(Forbidden):
        services.user_create(actor=staff, username="x", password=PASSWORD, role="grid_worker", nodes=[t["grid_a"]])
    admin = user("district_admin", nodes=[t["district"]])
    created = services.user_create(
        actor=admin, username="x", password=PASSWORD, role="grid_worker", nodes=[t["grid_a"]], check_password_strength=False
    )
    assert AreaBinding.objects.filter(user=created).count() == 1


def test_rebinding_changes_what_the_user_sees():
    from gongzhi.areas.selectors import area_nodes_visible

    t = tree()
    worker = user("grid_worker", nodes=[t["grid_a"]])
    assert t["household_b"] not in area_nodes_visible(user=worker)
    services.user_set_bindings(actor=superuser(), user=worker, nodes=[t["grid_b"]])
    worker = User.objects.get(pk=worker.pk)
    assert t["household_b"] in area_nodes_visible(user=worker)
    assert t["household_a"] not in area_nodes_visible(user=worker)


def test_roles_grant_admin_permissions_declared_in_one_place():
    t = tree()
    assert user("district_admin", nodes=[t["district"]]).has_perm("areas.change_areanode")
    grid_worker = user("grid_worker", nodes=[t["grid_a"]])
    assert grid_worker.has_perm("areas.add_areanode")
    assert not grid_worker.has_perm("areas.delete_department")
    assert not user("resident").has_perm("areas.view_areanode")
