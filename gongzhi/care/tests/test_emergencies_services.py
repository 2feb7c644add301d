"""Emergencies: one button tells the contacts with an account, the grid worker and the community,
and opens an urgent case; the community marks it handled."""

import pytest

from gongzhi.accounts.tests.factories import user
from gongzhi.care.models import EmergencyContact, EmergencyState
from gongzhi.care.services import emergencies as services
from gongzhi.cases.models import Case
from gongzhi.core.errors import Forbidden, InvalidInput, NotFound
from gongzhi.core.models import Notification

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return factories.care_world()


def _contacts(w):
    son = user("resident", username="son")
    EmergencyContact.objects.create(plan=w["plan"], name="张强", relation="儿子", phone="13900001111", user=son)
    EmergencyContact.objects.create(plan=w["plan"], name="张丽", relation="女儿", phone="13900002222")
    return son


def test_given_a_fall_when_the_carer_raises_an_emergency_then_everyone_is_told_and_an_urgent_case_opens(w, django_capture_on_commit_callbacks):
    son = _contacts(w)
    outside = user("grid_worker", nodes=[w["grid_b"]])
    with django_capture_on_commit_callbacks(execute=True):
        emergency = services.emergency_raise(actor=w["volunteer_user"], plan=w["plan"], description="老人在厨房摔倒，起不来。")
    told = set(Notification.objects.filter(kind="care.emergency").values_list("recipient_id", flat=True))
    assert {son.pk, w["grid_worker"].pk, w["community_staff"].pk} <= told
    assert outside.pk not in told and w["volunteer_user"].pk not in told
    assert emergency.told["contacts"] == ["张强"]
    case = Case.objects.get(pk=emergency.case_id)
    assert case.category.code == "living-alone" and case.location == w["household_a"]


def test_given_no_description_when_raised_then_the_field_says_so(w):
    with pytest.raises(InvalidInput) as err:
        services.emergency_raise(actor=w["volunteer_user"], plan=w["plan"], description=" ")
    assert "description" in err.value.fields


def test_given_someone_elses_household_when_raised_then_not_found(w):
    with pytest.raises(NotFound):
        services.emergency_raise(actor=user("resident", username="x1"), plan=w["plan"], description="摔倒")


def test_given_an_open_emergency_when_the_community_handles_it_then_it_is_handled_and_a_carer_may_not(w):
    emergency = services.emergency_raise(actor=w["volunteer_user"], plan=w["plan"], description="老人发烧")
    with pytest.raises((Forbidden, NotFound)):
        services.emergency_handle(actor=w["volunteer_user"], emergency=emergency, note="已处理")
    with pytest.raises(InvalidInput):
        services.emergency_handle(actor=w["community_staff"], emergency=emergency, note="")
    done = services.emergency_handle(actor=w["community_staff"], emergency=emergency, note="已送医院")
    assert done.state == EmergencyState.HANDLED and done.handled_by == w["community_staff"]
