"""A property test: random sequences of actions by random people never leave a case in a state
the table does not allow, never lose an event, and refused actions change nothing."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongzhi.cases import services, workflow
from gongzhi.cases.models import Case, CaseEvent, Rating, Result, State, WhistleCall
from gongzhi.cases.tests.factories import SYSTEM, category, submit
from gongzhi.core.errors import DomainError

pytestmark = pytest.mark.django_db

ACTORS = ["resident", "worker_a", "worker_b", "cstaff", "sstaff", "inspector", "cg", "system"]
ACTIONS = [
    "accept", "reject", "merge", "dispatch", "claim", "return", "escalate", "contact", "note", "request_extension",
    "approve_extension", "resolve", "verify_pass", "verify_fail", "rate_ok", "rate_bad", "reopen", "whistle",
    "acknowledge", "report_part", "auto_close", "recategorise",
]


def perform(w, action: str, actor, case: Case):
    """Run one action; returns the number of events it should add to `case`."""
    s = services
    if action == "accept":
        s.case_accept(actor=actor, case=case)
    elif action == "reject":
        s.case_reject(actor=actor, case=case, reason="不予受理")
    elif action == "merge":
        master = submit(w, actor=SYSTEM, channel="patrol")
        s.case_merge(actor=actor, case=case, master=master)
    elif action == "dispatch":
        s.case_dispatch(actor=actor, case=case)
    elif action == "claim":
        s.case_claim(actor=actor, case=case)
    elif action == "return":
        s.case_return(actor=actor, case=case, reason="不属于本级")
    elif action == "escalate":
        s.case_escalate(actor=actor, case=case, reason="需上级协调")
    elif action == "contact":
        s.case_record_contact(actor=actor, case=case, method="phone", note="已联系")
    elif action == "note":
        s.case_add_note(actor=actor, case=case, note="进展")
    elif action == "request_extension":
        s.case_request_extension(actor=actor, case=case, days=2, reason="等待材料")
    elif action == "approve_extension":
        s.case_decide_extension(actor=actor, case=case, approve=True)
    elif action == "resolve":
        s.case_resolve(actor=actor, case=case, result=Result.SOLVED, feedback="已处理")
    elif action in ("verify_pass", "verify_fail"):
        s.case_verify(actor=actor, case=case, passed=action == "verify_pass", note="复核意见")
    elif action in ("rate_ok", "rate_bad"):
        rating = Rating.SATISFIED if action == "rate_ok" else Rating.UNSATISFIED
        s.case_rate(actor=actor, case=case, rating=rating, solved=action == "rate_ok")
    elif action == "reopen":
        s.case_reopen(actor=actor, case=case)
    elif action == "whistle":
        s.case_whistle(actor=actor, case=case, departments=[w.departments["cg"]], reason="联合处置")
    elif action in ("acknowledge", "report_part"):
        call = WhistleCall.objects.filter(case=case, reported_at=None).first()
        if call is None:
            return 0
        if action == "acknowledge":
            s.whistle_acknowledge(actor=actor, call=call)
        else:
            s.whistle_report(actor=actor, call=call, report="已完成本部门部分")
    elif action == "recategorise":
        other = "blocked-drain" if case.category.code != "blocked-drain" else "shared-bikes"
        s.case_recategorise(actor=actor, case=case, category=category(other))
    elif action == "auto_close":
        done = s.case_auto_close(actor=actor, case=case, now=timezone.now() + dt.timedelta(days=60))
        return 1 if done else 0
    return 1


def check_invariants(case: Case) -> None:
    assert case.state in State.values
    if case.state == State.MERGED:
        assert case.master_id is not None
    else:
        assert case.master_id is None
    if case.state in (State.AWAITING_RATING, State.VERIFYING):
        assert case.resolved_at is not None and case.result
    if case.state in (State.CLOSED, State.REJECTED):
        assert case.closed_at is not None
    if case.level == "department":
        assert case.department_id is not None
    assert case.area_path == case.area.path



@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    code=st.sampled_from(["shared-bikes", "blocked-drain", "market-order"]),
    steps=st.lists(st.tuples(st.sampled_from(ACTIONS), st.sampled_from(ACTORS)), min_size=1, max_size=30),
)
def test_random_action_sequences_keep_the_case_valid_and_every_event(w, code, steps):
    case = submit(w, code, title="随机", description="随机序列")
    expected_events = 1
    for action, who in steps:
        actor = SYSTEM if who == "system" else w.users[who]
        before = Case.objects.get(pk=case.pk)
        try:
            added = perform(w, action, actor, case)
        except DomainError:
            after = Case.objects.get(pk=case.pk)
            assert after.state == before.state, f"{action} refused but changed the state"
            assert CaseEvent.objects.filter(case=case).count() == expected_events
            continue
        after = Case.objects.get(pk=case.pk)
        table_action = {"rate_ok": "rate", "rate_bad": "rate"}.get(action, action)
        if added and table_action in workflow.BY_ACTION:
            t = workflow.BY_ACTION[table_action]
            assert before.state in t.sources
            assert after.state in (t.targets if not t.keeps_state else (before.state,))
        expected_events += added
        assert CaseEvent.objects.filter(case=case).count() == expected_events, f"event lost after {action}"
        check_invariants(after)
    assert CaseEvent.objects.filter(case=case).order_by("id").first().action == "submit"
    assert category(code).revisions.filter(pk=case.rule_id).exists()
