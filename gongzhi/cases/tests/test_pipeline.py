"""The case pipeline through its services: each transition, and each refusal."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.cases import selectors, services
from gongzhi.cases.models import Case, CaseEvent, Channel, Level, Rating, Result, State
from gongzhi.cases.tests.factories import category, dispatched, in_progress, submit, world
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64



def actions(case):
    return list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))


# Intake


def test_resident_files_online_and_the_case_waits_at_the_community_with_deadlines(w):
    case = submit(w, answers={"brand": "meituan", "count": 20})
    assert case.state == State.SUBMITTED
    assert case.channel == Channel.ONLINE and case.requester == w.resident
    assert case.area == w.community and case.level == Level.COMMUNITY
    assert case.location_path == w.building_a.path
    assert case.rule.version == 1 and case.rule.rules["level"] == "grid"
    assert case.response_due > case.created_at and case.handling_due > case.response_due
    assert case.created_at < case.handling_warn_at <= case.handling_due
    assert actions(case) == ["submit"]
    assert AuditEvent.objects.filter(action="cases.case.submit", object_id=str(case.pk)).exists()


def test_hall_registration_keeps_the_callers_phone_encrypted_and_searchable(w):
    case = submit(w, channel=Channel.HALL, actor=w.cstaff, caller_name="王秀英", caller_phone="138 1234 5678")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT caller_phone FROM cases_case WHERE id = %s", [case.pk])
        stored = cursor.fetchone()[0]
    assert "13812345678" not in stored
    assert Case.objects.get(pk=case.pk).caller_phone == "13812345678"
    assert case.caller_phone_masked == "138****5678"
    from gongzhi.core.pii import PHONE, blind_index

    assert Case.objects.filter(caller_phone_index=blind_index(PHONE, "+86 13812345678")).get() == case


def test_hotline_registration_needs_the_callers_name(w):
    with pytest.raises(InvalidInput) as exc:
        submit(w, channel=Channel.HOTLINE, actor=w.cstaff)
    assert "caller_name" in exc.value.fields


def test_coordinates_resolve_to_the_nearest_building_and_its_grid(w):
    from gongzhi.areas import services as area_services
    from gongzhi.core.actors import SystemActor

    for node, (lat, lon) in ((w.building_a, (36.05, 103.80)), (w.building_b, (36.06, 103.81))):
        area_services.area_node_update(actor=SystemActor(), node=node, name=node.name, latitude=lat, longitude=lon)
    case = submit(w, location=None, latitude="36.0598", longitude="103.8096")
    assert case.location == w.building_b


def test_required_intake_questions_are_enforced_by_name(w):
    with pytest.raises(InvalidInput) as exc:
        submit(w, "heating", title="家里暖气不热", description="只有十五度")
    assert "answers.temperature" in exc.value.fields


def test_a_resident_may_not_use_a_staff_channel(w):
    with pytest.raises(Forbidden):
        submit(w, channel=Channel.PATROL)


def test_attachments_are_checked_by_content_not_name(w):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    with pytest.raises(InvalidInput) as exc:
        submit(w, attachments=[fake])
    assert "attachments.0" in exc.value.fields
    big = SimpleUploadedFile("big.png", PNG + b"\0" * (10 * 1024 * 1024), content_type="image/png")
    with pytest.raises(InvalidInput):
        submit(w, attachments=[big])
    ok = submit(w, attachments=[SimpleUploadedFile("p.png", PNG, content_type="image/png")])
    assert ok.attachments.get().content_type == "image/png"


def test_deadlines_refuse_naive_datetimes(w):
    from gongzhi.cases import routing

    with pytest.raises(ValueError):
        routing.deadlines(dt.datetime(2026, 11, 23, 10, 0), category("shared-bikes").revisions.get().rules)


# Triage and routing


def test_dispatch_routes_by_catalogue_level_to_the_grid_of_the_location(w):
    case = dispatched(w)
    assert case.state == State.DISPATCHED
    assert case.area == w.grid_a and case.level == Level.GRID
    assert case.dispatcher_node == w.community
    assert Notification.objects.filter(recipient=w.worker_a).exists()


def test_department_level_matters_go_to_the_lead_department_of_the_district(w):
    case = dispatched(w, "food-safety", title="过期食品", description="超市出售过期牛奶")
    assert case.level == Level.DEPARTMENT and case.department == w.departments["scjg"]


def test_manual_redispatch_to_another_node(w):
    case = dispatched(w)
    case = services.case_dispatch(actor=w.cstaff, case=case, node=w.grid_b, note="实际在B网格")
    assert case.area == w.grid_b
    assert case.dispatcher_node == w.community


def test_reject_needs_a_reason_and_ends_the_case(w):
    case = submit(w)
    with pytest.raises(InvalidInput):
        services.case_reject(actor=w.cstaff, case=case, reason=" ")
    case = services.case_reject(actor=w.cstaff, case=case, reason="不属于受理范围")
    assert case.state == State.REJECTED
    with pytest.raises(Conflict) as exc:
        services.case_accept(actor=w.cstaff, case=case)
    assert "Rejected" in exc.value.message or "驳回" in exc.value.message or exc.value.code == "invalid_transition"


def test_claim_then_a_second_claim_is_refused_with_who_has_it(w):
    case = dispatched(w)
    services.case_claim(actor=w.worker_a, case=case)
    with pytest.raises(Conflict) as exc:
        services.case_claim(actor=w.worker_a2, case=case)
    assert exc.value.code == "already_claimed"
    assert str(w.worker_a) in exc.value.message


def test_return_goes_back_to_the_dispatcher_and_after_n_returns_the_street_decides(w, settings):
    settings.CASES_MAX_RETURNS = 2
    case = in_progress(w)
    case = services.case_return(actor=w.worker_a, case=case, reason="不属于本网格")
    assert case.state == State.ACCEPTED and case.area == w.community and case.assignee is None
    case = services.case_dispatch(actor=w.cstaff, case=case)
    case = services.case_return(actor=w.worker_a, case=case, reason="仍不属于本网格")
    assert case.area == w.street and case.level == Level.STREET and case.return_count == 2


def test_escalation_climbs_the_ladder_to_the_department(w):
    case = in_progress(w)
    case = services.case_escalate(actor=w.worker_a, case=case, reason="网格内解决不了")
    assert (case.level, case.area, case.state) == (Level.COMMUNITY, w.community, State.DISPATCHED)
    services.case_claim(actor=w.cstaff, case=case)
    case = services.case_escalate(actor=w.cstaff, case=case, reason="需要街道协调")
    assert case.level == Level.STREET
    services.case_claim(actor=w.sstaff, case=case)
    case = services.case_escalate(actor=w.sstaff, case=case, reason="需要执法")
    assert case.level == Level.DEPARTMENT and case.department == w.departments["cg"]
    services.case_claim(actor=w.cg, case=case)
    with pytest.raises(Conflict) as exc:
        services.case_escalate(actor=w.cg, case=case, reason="再上报")
    assert exc.value.code == "top_of_ladder"


def test_escalation_needs_a_reason(w):
    case = in_progress(w)
    with pytest.raises(InvalidInput) as exc:
        services.case_escalate(actor=w.worker_a, case=case, reason="")
    assert "reason" in exc.value.fields


# Whistle


def test_whistle_calls_departments_who_report_in_and_report_their_part(w):
    case = in_progress(w, "market-order", title="早市占道", description="早市摊位占满人行道")
    assert case.level == Level.STREET
    calls = services.case_whistle(
        actor=w.sstaff, case=case, departments=[w.departments["cg"], w.departments["zj"]], reason="联合整治", hours=2
    )
    assert {c.department.code for c in calls} == {"cg", "zj"}
    assert selectors.whistle_inbox(user=w.cg).count() == 1
    assert selectors.case_get(user=w.cg, pk=case.pk) == case  # the called department sees the case
    services.whistle_acknowledge(actor=w.cg, call=calls[0])
    with pytest.raises(Conflict):
        services.case_resolve(actor=w.sstaff, case=case, result=Result.SOLVED, feedback="已整治")
    services.whistle_report(actor=w.zj, call=calls[1], report="已拆除违建棚")
    services.whistle_report(actor=w.cg, call=calls[0], report="已清理占道摊位")
    case.refresh_from_db()
    assert case.level == Level.STREET  # the case keeps its lead
    assert all(c.reported_at for c in selectors.whistle_calls(case=case))


def test_a_late_acknowledgement_is_flagged(w):
    case = in_progress(w, "market-order", title="早市占道", description="早市摊位占满人行道")
    [call] = services.case_whistle(actor=w.sstaff, case=case, departments=[w.departments["cg"]], reason="整治",
                                   hours=1)
    type(call).objects.filter(pk=call.pk).update(acknowledge_by=timezone.now() - dt.timedelta(minutes=5))
    call = services.whistle_acknowledge(actor=w.cg, call=call)
    assert call.late


def test_a_department_not_called_cannot_report_in(w):
    case = in_progress(w, "market-order", title="早市占道", description="早市摊位占满人行道")
    [call] = services.case_whistle(actor=w.sstaff, case=case, departments=[w.departments["cg"]], reason="整治")
    with pytest.raises(NotFound):
        services.whistle_acknowledge(actor=w.zj, call=call)


def test_only_a_street_may_whistle(w):
    case = in_progress(w)
    with pytest.raises(Forbidden):
        services.case_whistle(actor=w.worker_a, case=case, departments=[w.departments["cg"]], reason="x")


# Handling, time limits


def test_first_contact_is_the_response(w):
    case = in_progress(w)
    case = services.case_record_contact(actor=w.worker_a, case=case, method="phone", note="已电话联系居民")
    first = case.responded_at
    services.case_record_contact(actor=w.worker_a, case=case, method="visit", note="上门查看")
    case.refresh_from_db()
    assert case.responded_at == first


def test_one_extension_approved_by_the_level_above(w):
    case = in_progress(w)
    due = case.handling_due
    services.case_request_extension(actor=w.worker_a, case=case, days=3, reason="需等待单车企业清运")
    with pytest.raises(Forbidden):
        services.case_decide_extension(actor=w.worker_a, case=case, approve=True)
    case = services.case_decide_extension(actor=w.cstaff, case=case, approve=True)
    assert case.extended and case.handling_due > due
    with pytest.raises(Conflict) as exc:
        services.case_request_extension(actor=w.worker_a, case=case, days=1, reason="再延期")
    assert exc.value.code == "extension_used"


def test_notes_with_photos_go_on_the_timeline(w):
    case = in_progress(w)
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    event = services.case_add_note(actor=w.worker_a, case=case, note="现场照片", attachments=[photo])
    assert event.attachments.count() == 1
    internal = services.case_add_note(actor=w.worker_a, case=case, note="内部备注", internal=True)
    assert internal not in selectors.timeline(user=w.resident, case=case)
    assert internal in selectors.timeline(user=w.cstaff, case=case)


# Resolution, verification, rating


def test_the_whole_loop_without_verification(w):
    case = in_progress(w)
    services.case_record_contact(actor=w.worker_a, case=case, method="phone", note="已联系")
    case = services.case_resolve(actor=w.worker_a, case=case, result=Result.SOLVED, feedback="已通知企业清运")
    assert case.state == State.AWAITING_RATING and case.resolved_level == Level.GRID
    assert Notification.objects.filter(recipient=w.resident, kind="cases.rate").exists()
    case = services.case_rate(actor=w.resident, case=case, rating=Rating.SATISFIED, solved=True)
    assert case.state == State.CLOSED and case.closed_at
    assert actions(case) == ["submit", "accept", "dispatch", "claim", "contact", "resolve", "rate"]


def test_verification_by_the_dispatching_level_and_a_failed_check_goes_back(w):
    case = in_progress(w, "blocked-drain", title="下水井堵了", description="污水外溢")
    case = services.case_resolve(actor=w.cstaff, case=case, result=Result.SOLVED, feedback="已疏通")
    assert case.state == State.VERIFYING
    with pytest.raises(InvalidInput):
        services.case_verify(actor=w.sstaff, case=case, passed=False, note="")
    case = services.case_verify(actor=w.inspector, case=case, passed=False, note="现场仍有积水")
    assert case.state == State.IN_PROGRESS and case.resolved_at is None
    case = services.case_resolve(actor=w.cstaff, case=case, result=Result.SOLVED, feedback="再次疏通")
    case = services.case_verify(actor=w.sstaff, case=case, passed=True)
    assert case.state == State.AWAITING_RATING


def test_unsatisfied_reopens_once_then_closes(w):
    case = in_progress(w)
    services.case_resolve(actor=w.worker_a, case=case, result=Result.PARTLY, feedback="清走一半")
    case = services.case_rate(actor=w.resident, case=case, rating=Rating.UNSATISFIED, solved=False)
    assert case.state == State.REOPENED
    case = services.case_reopen(actor=w.worker_a, case=case)
    assert case.state == State.IN_PROGRESS
    services.case_resolve(actor=w.worker_a, case=case, result=Result.EXPLAINED, feedback="企业拒绝")
    case = services.case_rate(actor=w.resident, case=case, rating=Rating.UNSATISFIED, solved=False)
    assert case.state == State.CLOSED and case.rating == Rating.UNSATISFIED


def test_only_the_requester_rates_or_staff_on_a_callback(w):
    case = in_progress(w)
    services.case_resolve(actor=w.worker_a, case=case, result=Result.SOLVED, feedback="已清运")
    with pytest.raises(NotFound):
        services.case_rate(actor=w.resident_2, case=case, rating=Rating.SATISFIED, solved=True)
    case = services.case_rate(actor=w.cstaff, case=case, rating=Rating.BASIC, solved=True, callback=True)
    assert case.state == State.CLOSED


def test_auto_close_after_the_configured_days(w, settings):
    settings.CASES_AUTO_CLOSE_DAYS = 3
    case = in_progress(w)
    services.case_resolve(actor=w.worker_a, case=case, result=Result.SOLVED, feedback="已清运")
    from gongzhi.cases import tasks

    assert tasks.sweep(now=timezone.now() + dt.timedelta(days=2))["auto_closed"] == 0
    assert tasks.sweep(now=timezone.now() + dt.timedelta(days=4))["auto_closed"] == 1
    case.refresh_from_db()
    assert case.state == State.CLOSED and actions(case)[-1] == "auto_close"


# Duplicates


def test_merged_duplicates_follow_the_master_and_every_requester_may_rate(w):
    master = submit(w)
    child = submit(w, actor=w.resident_2)
    child = services.case_merge(actor=w.cstaff, case=child, master=master)
    assert child.state == State.MERGED and child.master == master
    with pytest.raises(Conflict) as exc:
        services.case_accept(actor=w.cstaff, case=child)
    assert exc.value.code == "merged"
    services.case_accept(actor=w.cstaff, case=master)
    services.case_dispatch(actor=w.cstaff, case=master)
    services.case_claim(actor=w.worker_a, case=master)
    services.case_resolve(actor=w.worker_a, case=master, result=Result.SOLVED, feedback="已清运")
    assert Notification.objects.filter(recipient=w.resident_2, kind="cases.rate").exists()
    child = services.case_rate(actor=w.resident_2, case=child, rating=Rating.BASIC, solved=True)
    assert child.rating == Rating.BASIC
    services.case_rate(actor=w.resident, case=master, rating=Rating.SATISFIED, solved=True)
    child.refresh_from_db()
    assert child.closed_at is not None


# Scope


def test_a_grid_worker_of_grid_a_cannot_see_or_act_on_grid_bs_case(w):
    case = dispatched(w, where="building_b")
    assert case.area == w.grid_b
    assert not selectors.cases_visible(user=w.worker_a).filter(pk=case.pk).exists()
    with pytest.raises(NotFound):
        selectors.case_get(user=w.worker_a, pk=case.pk)
    with pytest.raises(NotFound):
        services.case_claim(actor=w.worker_a, case=case)
    assert selectors.case_get(user=w.worker_b, pk=case.pk) == case


def test_a_resident_sees_only_their_own_requests(w):
    mine = submit(w)
    other = submit(w, actor=w.resident_2)
    assert list(selectors.inbox(user=w.resident, box="mine")) == [mine]
    with pytest.raises(NotFound):
        selectors.case_get(user=w.resident, pk=other.pk)


def test_a_resident_cannot_act_as_staff(w):
    case = submit(w)
    with pytest.raises(Forbidden):
        services.case_accept(actor=w.resident, case=case)


def test_anonymous_requester_is_hidden_from_handlers(w):
    case = submit(w, anonymous=True)
    assert selectors.requester_display(user=w.worker_a, case=case) == "（匿名）"
    assert selectors.requester_display(user=w.resident, case=case) == str(w.resident)


def test_inboxes(w):
    to_claim = dispatched(w)
    working = in_progress(w)
    assert to_claim in selectors.inbox(user=w.worker_a, box="to_claim")
    assert working in selectors.inbox(user=w.worker_a, box="in_progress")
    assert not selectors.inbox(user=w.worker_b, box="to_claim").exists()
    later = timezone.now() + dt.timedelta(days=30)
    assert working in selectors.inbox(user=w.worker_a, box="overdue", now=later)
    assert selectors.light(working, now=later) == "red"


# Disputes


def test_dispute_mediation_and_escalation_to_collective_mediation(w):
    case = in_progress(w, "neighbour-dispute", title="楼上漏水纠纷", description="楼上漏水损坏楼下吊顶")
    services.dispute_add_party(actor=w.worker_a, case=case, role="applicant", name="李建国", phone="13900001111")
    services.dispute_add_party(actor=w.worker_a, case=case, role="respondent", name="赵敏")
    mediators = [{"user_id": w.worker_a2.pk}, {"name": "王志愿", "kind": "volunteer"}]
    services.dispute_record_session(actor=w.worker_a, case=case, held_at=timezone.now(), mediators=mediators,
                                    summary="双方各执一词", outcome="failed")
    dispute = services.dispute_escalate(actor=w.worker_a, case=case, stage="collective", reason="到议事站集体劝解")
    assert dispute.stage == "collective"
    with pytest.raises(InvalidInput):
        services.dispute_record_session(actor=w.worker_a, case=case, held_at=timezone.now(), mediators=mediators,
                                        summary="达成一致", outcome="agreed")
    services.dispute_record_session(actor=w.worker_a, case=case, held_at=timezone.now(), mediators=mediators,
                                    summary="达成一致", outcome="agreed", agreement="楼上赔偿修复费用800元")
    dispute.refresh_from_db()
    assert dispute.outcome == "agreed" and dispute.agreement_signed_at
    assert dispute.parties.count() == 2 and dispute.sessions.count() == 2
    with pytest.raises(InvalidInput):
        services.dispute_escalate(actor=w.worker_a, case=case, stage="mediation", reason="退回")


# Catalogue


def test_changing_a_matters_rules_makes_a_new_version_and_old_cases_keep_theirs(w):
    case = submit(w)
    bikes = category("shared-bikes")
    with pytest.raises(Forbidden):
        services.category_save(actor=w.cstaff, category=bikes, handling_days=5)
    services.category_save(actor=w.admin, category=bikes, handling_days=5)
    bikes.refresh_from_db()
    assert bikes.version == 2
    case.refresh_from_db()
    assert case.rule.version == 1 and case.rule.rules["handling_days"] == 2
    assert submit(w).rule.rules["handling_days"] == 5
    services.category_save(actor=w.admin, category=bikes, name="共享单车乱停")
    bikes.refresh_from_db()
    assert bikes.version == 2  # the name alone is no rule change


def test_cost_shares_must_add_up_to_100(w):
    bikes = category("shared-bikes")
    with pytest.raises(InvalidInput) as exc:
        services.category_save(actor=w.admin, category=bikes, lead_cost_share=70, co_departments=[{"code": "zj", "share": 20}])
    assert "lead_cost_share" in exc.value.fields


def test_the_hall_finds_the_caller_by_phone_and_files_on_their_behalf(w):
    from gongzhi.residents.tests.factories import person

    resident = person(w.household_a, name="王秀英", phone="13912345678")
    type(resident).objects.filter(pk=resident.pk).update(user=w.resident)  # the resident's own account
    resident.refresh_from_db()
    found = selectors.find_caller(user=w.cstaff, phone="139 1234 5678")
    assert found["people"] == [resident]
    case = submit(w, channel=Channel.HALL, actor=w.cstaff, location=None, person=resident)
    assert case.requester == w.resident and case.location == w.household_a
    assert case.caller_name == "王秀英" and case.caller_phone == "13912345678"
    assert selectors.find_caller(user=w.cstaff, phone="13912345678")["cases"] == [case]
    assert selectors.find_caller(user=w.worker_b, phone="13912345678") == {"people": [], "cases": []}


def test_a_case_filed_in_the_past_starts_its_timeline_then():
    # given a case loaded with an earlier filing time (demo and benchmark data do this)
    w = world()
    then = timezone.now() - dt.timedelta(days=40)
    # when it is filed
    case = submit(w, now=then)
    # then the case and the first line of its timeline carry that time
    assert Case.objects.get(pk=case.pk).created_at == then
    assert CaseEvent.objects.get(case=case, action="submit").created_at == then
