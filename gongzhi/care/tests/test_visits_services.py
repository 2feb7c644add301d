"""Visits through the services: checked in by the household's code or with a reason, the turn done,
the household seen; a problem becomes a case or a co-building need with one tap."""

import pytest

from gongzhi.accounts.tests.factories import user
from gongzhi.care.models import CareVisit, CheckIn, Condition, TurnState
from gongzhi.care.services import visits as services
from gongzhi.cases.models import Case, Category
from gongzhi.core.audit import AuditEvent
from gongzhi.core.errors import InvalidInput, NotFound

from . import factories
from . import factories_visits as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return factories.care_world()


def test_given_my_turn_today_when_i_record_with_the_code_then_the_turn_is_done_and_the_household_seen(w):
    t = f.turn(w)
    w["plan"].overdue_flagged_at = w["plan"].created_at
    w["plan"].save()
    visit = services.visit_record(actor=w["volunteer_user"], plan=w["plan"], check_in_code=w["plan"].checkin_code.lower(),
                                  done=["groceries", "company"], notes="买了米和菜，陪老人聊了半小时。",
                                  condition=Condition.GOOD, photos=[f.photo()])
    t.refresh_from_db()
    w["plan"].refresh_from_db()
    assert visit.check_in == CheckIn.CODE and visit.turn == t and visit.carer == w["carer_volunteer"]
    assert t.state == TurnState.DONE
    assert w["plan"].last_visit_at == visit.visited_at and w["plan"].overdue_flagged_at is None
    assert visit.photos.count() == 1
    assert AuditEvent.objects.filter(action="care.visit.record").exists()
    assert AuditEvent.objects.filter(action="care.turn.visit").exists()


def test_given_a_wrong_code_when_i_record_then_the_error_is_beside_the_code_and_nothing_is_written(w):
    t = f.turn(w)
    with pytest.raises(InvalidInput) as err:
        services.visit_record(actor=w["volunteer_user"], plan=w["plan"], check_in_code="WRONG1")
    assert "check_in_code" in err.value.fields
    t.refresh_from_db()
    assert t.state == TurnState.PLANNED and not CareVisit.objects.exists()


def test_given_no_code_when_i_give_no_reason_then_the_reason_is_asked_for(w):
    with pytest.raises(InvalidInput) as err:
        services.visit_record(actor=w["volunteer_user"], plan=w["plan"])
    assert "check_in_reason" in err.value.fields
    visit = services.visit_record(actor=w["volunteer_user"], plan=w["plan"], check_in_reason="门卡丢了")
    assert visit.check_in == CheckIn.REASON and visit.check_in_reason == "门卡丢了"


def test_given_a_file_that_is_not_a_photo_when_i_record_then_the_photos_field_says_so(w):
    with pytest.raises(InvalidInput) as err:
        services.visit_record(actor=w["volunteer_user"], plan=w["plan"], check_in_reason="门卡丢了",
                              photos=[f.photo("a.png", b"MZ not a picture")])
    assert "photos" in err.value.fields and not CareVisit.objects.exists()


def test_given_someone_elses_plan_when_i_record_then_it_is_not_found(w):
    stranger = user("resident", username="stranger")
    with pytest.raises(NotFound):
        services.visit_record(actor=stranger, plan=w["plan"], check_in_code=w["plan"].checkin_code)


def test_given_a_missed_turn_when_i_visit_late_then_it_becomes_done(w):
    t = f.turn(w, state=TurnState.MISSED)
    services.visit_record(actor=w["volunteer_user"], plan=w["plan"], check_in_code=w["plan"].checkin_code)
    t.refresh_from_db()
    assert t.state == TurnState.DONE


def test_given_a_visit_when_the_carer_opens_a_case_then_it_is_in_the_pipeline_at_the_household(w):
    visit = services.visit_record(actor=w["volunteer_user"], plan=w["plan"], check_in_reason="门卡丢了",
                                  notes="厨房水管漏水，老人无法自己修。", condition=Condition.NEEDS_HELP)
    category = Category.objects.get(code="living-alone")
    case = services.visit_to_case(actor=w["volunteer_user"], visit=visit, category=category.pk)
    visit.refresh_from_db()
    assert visit.case == case and Case.objects.get(pk=case.pk).location == w["household_a"]
    with pytest.raises(InvalidInput):
        services.visit_to_case(actor=w["volunteer_user"], visit=visit, category=category.pk)


def test_given_a_visit_when_the_carer_adds_a_need_then_it_is_linked(w):
    from gongzhi.cobuilding.tests.factories import category as need_category

    visit = services.visit_record(actor=w["volunteer_user"], plan=w["plan"], check_in_reason="门卡丢了",
                                  notes="楼道灯坏了，老人晚上出门不便。")
    need = services.visit_to_need(actor=w["volunteer_user"], visit=visit, category=need_category())
    visit.refresh_from_db()
    assert visit.need == need
