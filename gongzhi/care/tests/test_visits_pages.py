"""The pages at the door as a carer on a phone sees them: my turns, the visit form (the code, or a
reason; a wrong code beside its field, nothing saved), the visit with its one-tap case, need and
emergency; the emergencies the community handles; someone else's household is not found."""

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.accounts.tests.factories import user
from gongzhi.care.models import CareVisit, Emergency, EmergencyState, TurnState
from gongzhi.cases.models import Case, Category
from gongzhi.core.models import Notification

from . import factories
from . import factories_visits as fv

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return factories.care_world()


def _client(u) -> Client:
    client = Client()
    client.force_login(u)
    return client


def test_given_my_turn_today_when_i_open_my_turns_then_it_is_there_with_the_button_to_record_it(w):
    turn = fv.turn(w)
    page = _client(w["volunteer_user"]).get(reverse("care:my-turns")).content.decode()
    assert "101" in page and f"?turn={turn.pk}" in page and "care/care.css" in page


def test_given_the_code_when_i_record_on_the_form_then_the_visit_is_saved_and_the_turn_done(w):
    turn = fv.turn(w)
    url = reverse("care:visit-record", kwargs={"plan_id": w["plan"].pk}) + f"?turn={turn.pk}"
    client = _client(w["volunteer_user"])
    assert 'name="check_in_code"' in client.get(url).content.decode()
    answer = client.post(url, {"turn": turn.pk, "check_in_code": w["plan"].checkin_code.lower(),
                               "done": ["groceries", "cleaning"], "condition": "good", "notes": "菜买好了",
                               "photos": [fv.photo()]})
    visit = CareVisit.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("care:visit", kwargs={"visit_id": visit.pk})
    turn.refresh_from_db()
    assert turn.state == TurnState.DONE and visit.done == ["groceries", "cleaning"] and visit.photos.count() == 1
    page = client.get(answer["Location"]).content.decode()
    assert "菜买好了" in page and 'id="to-case"' in page and 'id="raise-emergency"' in page


def test_given_a_wrong_code_when_i_record_then_the_error_is_beside_the_code_and_nothing_is_saved(w):
    turn = fv.turn(w)
    answer = _client(w["volunteer_user"]).post(
        reverse("care:visit-record", kwargs={"plan_id": w["plan"].pk}),
        {"turn": turn.pk, "check_in_code": "XXXXXX", "condition": "good"})
    assert answer.status_code == 422
    assert answer.context["form"].errors["check_in_code"]
    assert CareVisit.objects.count() == 0


def test_given_someone_elses_household_when_i_open_its_form_then_it_is_not_found(w):
    stranger = user("resident", username="stranger")
    assert _client(stranger).get(reverse("care:visit-record", kwargs={"plan_id": w["plan"].pk})).status_code == 404
    outside = user("community_staff", nodes=[w["other_community"]])
    assert _client(outside).get(reverse("care:visit-record", kwargs={"plan_id": w["plan"].pk})).status_code == 404


def test_given_a_visit_when_i_tap_open_a_case_then_the_case_is_linked(w):
    from gongzhi.care.services import visits as services

    visit = services.visit_record(actor=w["volunteer_user"], plan=w["plan"], check_in_code=w["plan"].checkin_code,
                                  notes="楼道灯坏了，老人晚上出门看不见")
    category = Category.objects.get(code="living-alone")
    client = _client(w["volunteer_user"])
    client.post(reverse("care:visit-case", kwargs={"visit_id": visit.pk}), {"category": category.pk})
    visit.refresh_from_db()
    assert visit.case is not None and Case.objects.filter(pk=visit.case_id).exists()
    assert visit.case.reference in client.get(reverse("care:visit", kwargs={"visit_id": visit.pk})).content.decode()


def test_given_a_fall_when_i_raise_the_emergency_from_the_visit_then_the_grid_worker_is_told_and_staff_handle_it(
        w, django_capture_on_commit_callbacks):
    from gongzhi.care.services import visits as services

    visit = services.visit_record(actor=w["volunteer_user"], plan=w["plan"], check_in_code=w["plan"].checkin_code)
    with django_capture_on_commit_callbacks(execute=True):
        answer = _client(w["volunteer_user"]).post(
            reverse("care:emergency-raise", kwargs={"plan_id": w["plan"].pk}),
            {"visit": visit.pk, "description": "老人摔倒在卫生间"})
    emergency = Emergency.objects.get()
    assert answer.status_code == 302 and emergency.visit == visit and emergency.case is not None
    assert Notification.objects.filter(recipient=w["grid_worker"], kind="care.emergency").exists()
    staff = _client(w["community_staff"])
    assert "老人摔倒在卫生间" in staff.get(reverse("care:emergencies")).content.decode()
    staff.post(reverse("care:emergency-handle", kwargs={"emergency_id": emergency.pk}), {"note": "已送医，家属到场"})
    emergency.refresh_from_db()
    assert emergency.state == EmergencyState.HANDLED
    outside = user("community_staff", nodes=[w["other_community"]])
    assert _client(outside).post(reverse("care:emergency-handle", kwargs={"emergency_id": emergency.pk}),
                                 {"note": "x"}).status_code == 404


def test_given_staff_when_opening_the_care_home_then_the_counts_and_the_links_show(w):
    page = _client(w["community_staff"]).get(reverse("care:home")).content.decode()
    assert 'id="care-work"' in page and reverse("care:plans") in page and reverse("care:emergencies") in page


def test_given_a_file_that_is_not_a_photo_when_i_record_then_the_error_is_beside_the_photos(w):
    turn = fv.turn(w)
    answer = _client(w["volunteer_user"]).post(
        reverse("care:visit-record", kwargs={"plan_id": w["plan"].pk}),
        {"turn": turn.pk, "check_in_code": w["plan"].checkin_code, "condition": "good",
         "photos": [fv.photo("说明.txt", b"just some text, not an image at all")]})
    assert answer.status_code == 422 and answer.context["photo_error"]
    assert not answer.context["form"].non_field_errors() and CareVisit.objects.count() == 0
