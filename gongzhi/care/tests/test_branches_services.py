"""Care branches, carers and leave through the services."""

import datetime as dt

import pytest

from gongzhi.care.models import CareBranch, Carer, CarerKind, CarerLeave
from gongzhi.care.services import branches as services
from gongzhi.core.audit import AuditEvent
from gongzhi.core.errors import Forbidden, InvalidInput, NotFound
from gongzhi.party.tests.factories import member as party_member
from gongzhi.volunteers.tests.factories import volunteer as make_volunteer

from . import factories_plans as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.world()


def test_given_a_grid_branch_when_staff_make_it_a_care_branch_then_audited_and_not_twice(w):
    row = services.branch_create(actor=w["community_staff"], organization=w["branch_b"], secretary=w["secretary"])
    assert row.area == w["branch_b"].area and row.secretary == w["secretary"]
    assert AuditEvent.objects.filter(action="care.branch.create").count() == 1
    with pytest.raises(InvalidInput) as caught:
        services.branch_create(actor=w["community_staff"], organization=w["branch_b"])
    assert "organization" in caught.value.fields
    with pytest.raises(InvalidInput) as caught:
        services.branch_create(actor=w["community_staff"], organization=w["group_a"])
    assert "organization" in caught.value.fields


def test_given_staff_outside_or_a_grid_worker_when_they_make_a_branch_then_refused(w):
    with pytest.raises(InvalidInput):
        services.branch_create(actor=w["outsider"], organization=w["branch_b"])
    with pytest.raises(Forbidden):
        services.branch_create(actor=w["grid_worker"], organization=w["branch_a"])
    assert CareBranch.objects.count() == 1


def test_given_a_branch_when_a_member_and_a_volunteer_are_added_then_on_its_rota(w):
    m = party_member(w["branch_a"], name="陈红", phone="13700000001")
    carer = services.carer_add(actor=w["grid_worker"], branch=w["care_branch"], kind="member", member=m,
                               max_per_week=3, unavailable_weekdays="5 6")
    assert carer.name == "陈红" and carer.unavailable_weekdays == [5, 6] and carer.max_per_week == 3
    v = make_volunteer(w["grid_a"], name="周敏")
    carer2 = services.carer_add(actor=w["grid_worker"], branch=w["care_branch"], kind="volunteer", volunteer=v)
    assert carer2.kind == CarerKind.VOLUNTEER
    assert AuditEvent.objects.filter(action="care.carer.add").count() == 2
    with pytest.raises(InvalidInput) as caught:
        services.carer_add(actor=w["grid_worker"], branch=w["care_branch"], kind="member", member=m)
    assert "member" in caught.value.fields


def test_given_bad_carer_input_then_the_field_is_named(w):
    m = party_member(w["branch_a"], name="陈红", phone="13700000001")
    for extra, field in [({"kind": "alien"}, "kind"), ({"kind": "member", "member": m, "max_per_week": 30}, "max_per_week"),
                         ({"kind": "member", "member": m, "unavailable_weekdays": [0, 1, 2, 3, 4, 5, 6]},
                          "unavailable_weekdays"),
                         ({"kind": "member", "member": m, "unavailable_weekdays": [9]}, "unavailable_weekdays"),
                         ({"kind": "group", "party_group": w["branch_b"]}, "party_group")]:
        with pytest.raises(InvalidInput) as caught:
            services.carer_add(actor=w["grid_worker"], branch=w["care_branch"], **extra)
        assert field in caught.value.fields, extra


def test_given_a_carer_when_updated_and_deactivated_then_changed_and_audited(w):
    c = services.carer_update(actor=w["community_staff"], carer=w["carer_member"], max_per_week=4,
                              unavailable_weekdays=[0])
    assert (c.max_per_week, c.unavailable_weekdays) == (4, [0])
    c = services.carer_deactivate(actor=w["community_staff"], carer=w["carer_member"])
    assert not Carer.objects.get(pk=c.pk).active
    assert AuditEvent.objects.filter(action="care.carer.update").count() == 2
    with pytest.raises(NotFound):
        services.carer_update(actor=w["outsider"], carer=w["carer_member"], max_per_week=3)


def test_given_a_carer_when_leave_is_added_and_removed_then_overlaps_and_bad_dates_are_refused(w):
    start = dt.date(2030, 3, 1)
    leave = services.leave_add(actor=w["grid_worker"], carer=w["carer_volunteer"], start_on=start,
                               end_on=start + dt.timedelta(days=6), reason="探亲")
    with pytest.raises(InvalidInput) as caught:
        services.leave_add(actor=w["grid_worker"], carer=w["carer_volunteer"], start_on=start, end_on=start)
    assert "start_on" in caught.value.fields
    with pytest.raises(InvalidInput) as caught:
        services.leave_add(actor=w["grid_worker"], carer=w["carer_volunteer"], start_on="2030-04-02", end_on="2030-04-01")
    assert "end_on" in caught.value.fields
    with pytest.raises(InvalidInput) as caught:
        services.leave_add(actor=w["grid_worker"], carer=w["carer_volunteer"], start_on="soon", end_on="2030-04-01")
    assert "start_on" in caught.value.fields
    services.leave_remove(actor=w["grid_worker"], leave=leave)
    assert not CarerLeave.objects.exists()
    assert AuditEvent.objects.filter(action__in=["care.leave.add", "care.leave.remove"]).count() == 2
