"""The transition table on its own: every state reachable, terminal states final, roles declared."""

from gongzhi.cases import workflow
from gongzhi.cases.models import TERMINAL_STATES, State
from gongzhi.core.permissions import rule


def test_every_state_is_reachable_from_submitted():
    assert workflow.reachable() == set(State.values)


def test_terminal_states_have_no_way_out_but_closed_cases_stay_closed():
    for state in TERMINAL_STATES:
        assert workflow.actions_from(state) == []


def test_every_transition_names_known_states_and_some_roles():
    for t in workflow.TRANSITIONS:
        assert set(t.sources) <= workflow.STATES
        assert t.keeps_state or set(t.targets) <= workflow.STATES
        # who may take it is the gate's rule for the transition's action (the system alone for some)
        r = rule(workflow.permission(t.action))
        assert r.roles or r.system_only


def test_target_refuses_an_action_from_a_wrong_state():
    assert workflow.target("claim", State.DISPATCHED) == State.IN_PROGRESS
    assert workflow.target("note", State.IN_PROGRESS) == State.IN_PROGRESS
    assert workflow.target("rate", State.AWAITING_RATING, State.REOPENED) == State.REOPENED
    for bad in (lambda: workflow.target("claim", State.CLOSED), lambda: workflow.target("rate", State.AWAITING_RATING)):
        try:
            bad()
        except ValueError:
            continue
        raise AssertionError("expected ValueError")


def test_a_resident_may_only_rate():
    assert workflow.actions_from(State.AWAITING_RATING, "resident") == ["rate"]
    assert workflow.actions_from(State.DISPATCHED, "resident") == []
