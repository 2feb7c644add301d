"""From a door visit to the needs list: the household page offers the grid worker "raise a
co-building need" on each visit; the form it opens is tied to the visit and the need records it;
a resident never sees the offer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongzhi.cobuilding.models import Need, NeedSource
from gongzhi.cobuilding.tests.factories_needs import world
from gongzhi.residents.models import Visit

pytestmark = pytest.mark.django_db


def test_given_a_visit_when_the_grid_worker_raises_a_need_from_it_then_the_need_keeps_the_visit(client):
    w = world()
    visit = Visit.objects.create(household=w.household_a, visitor=w.grid_worker, findings="独居老人做饭困难，希望有人送餐",
                                 follow_up_needed=True)
    client.force_login(w.grid_worker)
    page = client.get(reverse("residents:household", args=[w.household_a.pk])).content.decode()
    link = reverse("cobuilding:need-new") + f"?visit={visit.pk}"
    assert link in page
    form = client.get(link)
    assert form.status_code == 200
    response = client.post(reverse("cobuilding:need-new"), {
        "visit": visit.pk, "area": w.household_a.pk, "category": w.meals.pk, "title": "独居老人午餐送餐",
        "description": visit.findings, "urgency": "normal", "beneficiaries": "101室独居老人", "beneficiary_count": "1"})
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.visit_id, need.source, need.area_id) == (visit.pk, NeedSource.VISIT, w.household_a.pk)


def test_given_someone_who_may_not_raise_needs_then_the_visit_offers_nothing(client):
    w = world()
    visit = Visit.objects.create(household=w.household_a, visitor=w.grid_worker, findings="楼道灯坏了")
    from gongzhi.cobuilding.selectors.needs import visit_actions

    assert visit_actions(user=w.resident, visit=visit) == []
    assert visit_actions(user=w.other_staff, visit=visit) == []
    assert visit_actions(user=w.grid_worker, visit=visit)[0]["url"].endswith(f"?visit={visit.pk}")
