"""What the residents app (below cases) finds through its extension points: the requests of a
household, the matters a visit may be raised as, and raising one from a visit."""

import pytest

from gongzhi.cases.models import Case, Category
from gongzhi.cases.tests.factories import submit
from gongzhi.core import components
from gongzhi.core.errors import InvalidInput
from gongzhi.residents import services as resident_services

pytestmark = pytest.mark.django_db


def point(name):
    [fn] = components.extensions(name)
    return fn


def test_the_household_lists_its_requests_as_the_user_may_see_them(w):
    mine = submit(w, where="household_a")
    assert point("residents.household.cases")(w.cstaff, w.household_a) == [mine]
    assert point("residents.household.cases")(w.worker_b, w.household_a) == []


def test_a_visit_is_raised_as_a_request_once(w):
    categories = point("residents.visit.case_categories")()
    assert categories and all(c.is_active and c.parent_id for c in categories)
    visit = resident_services.visit_create(actor=w.worker_a, household=w.household_a, findings="楼道灯不亮，晚上看不见")
    raise_case = point("residents.visit.raise_case")
    with pytest.raises(InvalidInput) as error:
        raise_case(actor=w.worker_a, visit=visit, category_id=Category.objects.filter(parent=None).first().pk, title="")
    assert "category" in error.value.fields
    case = raise_case(actor=w.worker_a, visit=visit, category_id=categories[0].pk, title="")
    visit.refresh_from_db()
    assert case.channel == "visit" and case.location == w.household_a and visit.case_ref == case.reference
    with pytest.raises(InvalidInput) as again:
        raise_case(actor=w.worker_a, visit=visit, category_id=categories[0].pk, title="")
    assert "case_ref" in again.value.fields
    assert Case.objects.count() == 1
