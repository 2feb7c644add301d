"""The assessment demo on a small world: door visits of two grid workers in each of the last three
months become a quarter of scores, the two earlier months closed; one correction approved by the
street, one appeal decided with a reason and one waiting."""


import pytest
from django.utils import timezone

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.assessment import demo
from gongzhi.assessment.models import (
    Appeal,
    AppealState,
    Correction,
    CorrectionState,
    LineOrigin,
    MonthState,
    WorkerMonth,
)
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext
from gongzhi.residents.models import Visit

from .factories import at

pytestmark = pytest.mark.django_db


def test_the_assessment_demo():
    # given the demo street with its two grid workers, their door visits in the last three months and the staff
    t = tree()
    wangge = user("grid_worker", username="wangge", nodes=[t["grid_a"]])
    wangge2 = user("grid_worker", username="wangge2", nodes=[t["grid_b"]])
    user("community_staff", username="shequ", nodes=[t["community"]])
    user("street_staff", username="jiedao", nodes=[t["street"]])
    months = demo._months(timezone.localdate())
    for month in months:
        for worker, household in ((wangge, t["household_a"]), (wangge2, t["household_b"])):
            for day in (1, 2):
                Visit.objects.create(household=household, visitor=worker, visited_at=at(month, day))
    ctx = DemoContext(seed=5, actor=SystemActor(label="demo"), verbose=False)
    ctx.data["street"] = t["street"]

    # when the assessment demo loads
    demo.load(ctx)

    # then both workers have a quarter of scores, the two earlier months closed
    scored = WorkerMonth.objects.filter(worker__in=[wangge, wangge2])
    assert scored.count() == 6
    assert {m.month for m in scored.filter(state=MonthState.CLOSED)} == set(months[:2])
    assert all(m.total > 0 for m in scored)
    # one correction approved with its line, one appeal decided, one waiting
    correction = Correction.objects.get()
    assert correction.state == CorrectionState.APPROVED and correction.line.origin == LineOrigin.CORRECTION
    assert Appeal.objects.filter(state=AppealState.UPHELD).count() == 1
    assert Appeal.objects.filter(state=AppealState.PENDING).count() == 1
    decided = Appeal.objects.get(state=AppealState.UPHELD)
    assert decided.decision_reason and decided.line.worker_month.state == MonthState.CLOSED
