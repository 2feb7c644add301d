"""Care plans through the services: made by staff or from the registry's tags, changed, reviewed,
closed with a reason; emergency contacts and health notes kept encrypted; reveals audited; reviews
due reminded once."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from gongzhi.care.models import CarePlan, EmergencyContact, PlanState, Roster, RosterState, Turn, TurnState
from gongzhi.care.services import plans as services
from gongzhi.core.actors import SystemActor
from gongzhi.core.audit import AuditEvent
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.models import Notification

from . import factories_plans as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.world()


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_given_a_tagged_household_when_staff_create_a_plan_then_it_has_a_code_tags_and_an_audit_row(w):
    plan = services.plan_create(
        actor=w["community_staff"], household=w["household_tagged"], branch=w["care_branch"], people=[w["alone"]],
        needs=["groceries", "doctor"], health_notes="高血压，每日服药", every_days=3,
        carers=[w["carer_member"], w["carer_volunteer"]], paired=[w["carer_member"]])
    assert plan.state == PlanState.ACTIVE and len(plan.checkin_code) == 6
    assert plan.source_tags == ["elderly_alone", "subsistence"]
    assert list(plan.rota.filter(paired=True).values_list("carer", flat=True)) == [w["carer_member"].pk]
    assert plan.next_review_on == timezone.localdate() + dt.timedelta(days=90)
    raw = _raw("care_careplan", "health_notes", plan.pk)
    assert "高血压" not in raw and CarePlan.objects.get(pk=plan.pk).health_notes == "高血压，每日服药"
    event = AuditEvent.objects.get(action="care.plan.create")
    assert "高血压" not in str(event.after)


def test_given_bad_input_when_creating_a_plan_then_the_field_is_named_and_nothing_is_written(w):
    before = CarePlan.objects.count()
    cases = [
        ({"every_days": 0}, "every_days"),
        ({"needs": ["flying"]}, "needs"),
        ({"people": [w["resident_a"]]}, "people"),
        ({"carers": [999999]}, "carers"),
        ({"carers": [w["carer_member"]], "paired": [w["carer_volunteer"]]}, "paired"),
        ({"household": w["household_a"]}, "household"),  # already has an active plan
        ({"branch": 999999}, "branch"),
    ]
    for extra, field in cases:
        values = {"household": w["household_tagged"], "branch": w["care_branch"], **extra}
        with pytest.raises(InvalidInput) as caught:
            services.plan_create(actor=w["community_staff"], **values)
        assert field in caught.value.fields, (extra, caught.value.fields)
    assert CarePlan.objects.count() == before


def test_given_staff_of_another_community_when_they_create_or_review_then_not_found(w):
    with pytest.raises(InvalidInput) as caught:
        services.plan_create(actor=w["outsider"], household=w["household_tagged"], branch=w["care_branch"])
    assert "household" in caught.value.fields
    with pytest.raises(NotFound):
        services.plan_review(actor=w["outsider"], plan=w["plan"])


def test_given_a_volunteer_when_they_create_a_plan_then_forbidden(w):
    with pytest.raises((Forbidden, InvalidInput)):
        services.plan_create(actor=w["volunteer_user"], household=w["household_tagged"], branch=w["care_branch"])


def test_given_tagged_households_when_listed_and_started_from_tags_then_a_plan_with_their_people(w):
    found = services.tagged_households(w["community_staff"])
    assert [e["household"] for e in found] == [w["household_tagged"]]
    assert found[0]["tags"] == ["elderly_alone", "subsistence"]
    plan = services.plan_from_tags(actor=w["community_staff"], household=w["household_tagged"])
    assert plan.branch == w["care_branch"] and list(plan.people.all()) == [w["alone"]]
    assert "groceries" in plan.needs
    assert services.tagged_households(w["community_staff"]) == []
    with pytest.raises(InvalidInput):
        services.plan_from_tags(actor=w["community_staff"], household=w["household_a"])


def test_given_a_plan_when_updated_then_changed_and_the_health_notes_stay_out_of_the_audit(w):
    plan = services.plan_update(actor=w["grid_worker"], plan=w["plan"], every_days=5, needs=["meals"],
                                health_notes="糖尿病", people=[w["resident_a"]])
    plan.refresh_from_db()
    assert plan.every_days == 5 and plan.needs == ["meals"] and plan.health_notes == "糖尿病"
    assert list(plan.people.all()) == [w["resident_a"]]
    event = AuditEvent.objects.filter(action="care.plan.update").latest("pk")
    assert "糖尿病" not in f"{event.before}{event.after}{event.note}"
    with pytest.raises(InvalidInput) as caught:
        services.plan_update(actor=w["grid_worker"], plan=w["plan"], review_every_days=1)
    assert "review_every_days" in caught.value.fields


def test_given_a_plan_when_the_rota_is_set_then_the_paired_mark_follows(w):
    services.plan_set_rota(actor=w["community_staff"], plan=w["plan"], carers=[w["carer_volunteer"]],
                           paired=[w["carer_volunteer"]])
    assert [(r.carer_id, r.paired) for r in w["plan"].rota.all()] == [(w["carer_volunteer"].pk, True)]


def test_given_a_plan_when_reviewed_then_the_next_review_moves_on(w):
    plan = services.plan_review(actor=w["grid_worker"], plan=w["plan"], note="情况稳定")
    today = timezone.localdate()
    assert plan.reviewed_on == today and plan.next_review_on == today + dt.timedelta(days=plan.review_every_days)
    assert AuditEvent.objects.filter(action="care.plan.review").exists()


def test_given_a_plan_with_future_turns_when_closed_then_they_are_cancelled_and_it_cannot_close_twice(w):
    start = timezone.localdate() + dt.timedelta(days=3)
    roster = Roster.objects.create(branch=w["care_branch"], start_on=start, end_on=start + dt.timedelta(days=6),
                                   state=RosterState.PUBLISHED, turn_count=1, min_load=1, max_load=1)
    turn = Turn.objects.create(roster=roster, plan=w["plan"], carer=w["carer_member"], date=start)
    with pytest.raises(InvalidInput) as caught:
        services.plan_close(actor=w["community_staff"], plan=w["plan"], reason="bored")
    assert "reason" in caught.value.fields
    plan = services.plan_close(actor=w["community_staff"], plan=w["plan"], reason="moved", note="随子女搬走")
    assert plan.state == PlanState.CLOSED and plan.close_reason == "moved" and plan.closed_on == timezone.localdate()
    turn.refresh_from_db()
    assert turn.state == TurnState.CANCELLED
    with pytest.raises(Conflict):
        services.plan_close(actor=w["community_staff"], plan=w["plan"], reason="moved")


def test_given_health_notes_when_revealed_then_the_plans_people_read_them_and_each_reveal_is_audited(w):
    services.plan_update(actor=w["community_staff"], plan=w["plan"], health_notes="心脏病史")
    assert services.plan_reveal_health(actor=w["member_user"], plan=w["plan"]) == "心脏病史"
    assert services.plan_reveal_health(actor=w["community_staff"], plan=w["plan"], reason="上门前了解") == "心脏病史"
    assert AuditEvent.objects.filter(action="care.plan.reveal_health").count() == 2
    with pytest.raises(NotFound):
        services.plan_reveal_health(actor=w["outsider"], plan=w["plan"])


def test_given_a_contact_when_added_then_the_phone_is_encrypted_and_masked_and_removal_audited(w):
    with pytest.raises(InvalidInput) as caught:
        services.contact_add(actor=w["grid_worker"], plan=w["plan"], name="刘强", relation="儿子", phone="abc")
    assert "phone" in caught.value.fields
    contact = services.contact_add(actor=w["grid_worker"], plan=w["plan"], name="刘强", relation="儿子",
                                   phone="13912345678")
    assert contact.phone_masked != "13912345678" and "****" in contact.phone_masked or "*" in contact.phone_masked
    assert "13912345678" not in _raw("care_emergencycontact", "phone", contact.pk)
    assert "13912345678" not in str(AuditEvent.objects.get(action="care.contact.add").after)
    services.contact_remove(actor=w["grid_worker"], contact=contact)
    assert not EmergencyContact.objects.exists()
    assert AuditEvent.objects.filter(action="care.contact.remove").exists()


def test_given_a_plan_due_for_review_when_reminded_twice_then_the_secretary_hears_once(w):
    CarePlan.objects.filter(pk=w["plan"].pk).update(next_review_on=timezone.localdate() - dt.timedelta(days=1))
    actor = SystemActor(label="test")
    assert services.remind_reviews_due(actor=actor) == 1
    assert services.remind_reviews_due(actor=actor) == 0
    assert Notification.objects.filter(recipient=w["secretary"], kind="care.review_due").count() == 1
