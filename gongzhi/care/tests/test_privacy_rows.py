"""A person's own data export (the privacy app) holds the care they receive: their plan with its
health notes in full, and the visits made to them."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from gongzhi.care.services import plans as plan_services
from gongzhi.care.services import visits as visit_services
from gongzhi.residents.tests.factories import person

from . import factories

pytestmark = pytest.mark.django_db


def test_given_a_cared_for_person_when_their_data_is_exported_then_the_care_sheet_lists_plan_and_visits():
    # given an old woman in a care plan with health notes, and a visit to her
    w = factories.care_world()
    old_woman = person(w["household_a"], name="孙桂英")
    plan = w["plan"]
    plan.people.add(old_woman)
    plan_services.plan_update(actor=w["community_staff"], plan=plan, health_notes="高血压，每天早晚各一片")
    visit_services.visit_record(actor=w["volunteer_user"], plan=plan, check_in_code=plan.checkin_code,
                                done=["groceries"], notes="菜买好了")
    client = Client()
    client.force_login(w["community_staff"])
    # when the community exports her data on her request
    response = client.get(f"/api/privacy/people/{old_woman.pk}/export", {"reason": "本人申请"})
    # then a care sheet holds the plan with the health notes in full and the visit
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["关爱"]
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
    assert "高血压，每天早晚各一片" in text and "菜买好了" in text and "买粮买菜" in text
