import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.care.models import Roster, RosterState, Turn, TurnState
from gongzhi.care.selectors.figures import dashboard_figures
from gongzhi.care.tests.factories import care_world

pytestmark = pytest.mark.django_db


def test_dashboard_figures_count_plans_and_turns_done_and_missed():
    # given a plan with three turns in the past: one done, one missed, one cancelled
    w = care_world()
    today = timezone.localdate()
    roster = Roster.objects.create(branch=w["care_branch"], start_on=today - dt.timedelta(days=10), end_on=today,
                                   state=RosterState.PUBLISHED)
    for days, state in ((9, TurnState.DONE), (5, TurnState.MISSED), (3, TurnState.CANCELLED)):
        Turn.objects.create(roster=roster, plan=w["plan"], carer=w["carer_member"],
                            date=today - dt.timedelta(days=days), state=state)
    # when the community's staff read the dashboard figures for the community
    rows = dashboard_figures(user=w["community_staff"], node=w["community"], start=today - dt.timedelta(days=30),
                             end=today + dt.timedelta(days=1))
    # then
    values = {row["key"]: row["value"] for row in rows}
    assert {k: values[k] for k in ("care.plans", "care.turns_due", "care.turns_done", "care.turns_missed")} == {
        "care.plans": 1, "care.turns_due": 2, "care.turns_done": 1, "care.turns_missed": 1}
