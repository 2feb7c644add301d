"""The generated district-year of meetings reads like real data: the figures selector counts it as
the generator wrote it."""

import pytest
from django.db.models import Count

from gongzhi.accounts.models import User
from gongzhi.areas.models import AreaNode
from gongzhi.benchdata.meetings import generate_meetings
from gongzhi.meetings import figures
from gongzhi.meetings.models import Attendance, Body, BodyKind, Decision, DecisionState, Meeting, MeetingState

pytestmark = pytest.mark.django_db


def test_a_small_district_year_adds_up_in_the_figures():
    # given a bare district of 2 streets, 4 communities and 8 grids with 30 bodies and their year
    summary = generate_meetings(seed=3, year=2025, bodies=30, meetings=300, decisions=600, shape=(2, 4, 8),
                                out=lambda _line: None)
    assert Body.objects.count() == 30 and Meeting.objects.count() == 300 == summary["meetings"]
    assert Decision.objects.count() == 600
    kinds = dict(Body.objects.values_list("kind").annotate(n=Count("pk")))
    assert kinds[BodyKind.ALLIANCE] == 1 + 2 + 4 and kinds[BodyKind.PARTY_BRANCH] > 0
    # every held meeting's counts are those of its attendance rows
    for m in Meeting.objects.filter(state=MeetingState.HELD)[:20]:
        rows = Attendance.objects.filter(meeting=m, counts_for_quorum=True)
        assert m.expected_count == rows.count() and m.present_count == rows.filter(status="present").count()
    # when the district administrator reads the district's figures for the year
    admin = User.objects.get(username="bench_admin")
    district = AreaNode.objects.get(code="620103")
    start, end = figures.year_span(2025)
    result = figures.figures(user=admin, node=district, start=start, end=end)
    # then they count what was written
    t = result.total
    assert t.bodies == 30
    assert t.held == Meeting.objects.filter(state=MeetingState.HELD).count() == summary["held"]
    assert t.decisions == Decision.objects.exclude(state=DecisionState.CANCELLED).count()
    assert 0 < t.covered <= t.due and t.missed > 0 and t.done_on_time > t.done_late > 0 and t.overdue > 0
    assert [lv.level for lv in result.levels] == ["district", "street", "community", "grid"]
    # and a second run refuses to write over it
    with pytest.raises(RuntimeError):
        generate_meetings(seed=3, year=2025, bodies=30, meetings=300, decisions=600, out=lambda _line: None)
