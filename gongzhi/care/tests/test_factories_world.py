import pytest

from gongzhi.care.models import CarePlan
from gongzhi.care.tests.factories import care_world

pytestmark = pytest.mark.django_db
def test_world():
    w = care_world()
    assert CarePlan.objects.visible_to(w["community_staff"]).count() == 1
    assert CarePlan.objects.visible_to(w["volunteer_user"]).count() == 1
    assert CarePlan.objects.visible_to(w["secretary"]).count() == 1
    assert CarePlan.objects.visible_to(w["grid_worker"]).count() == 1
