"""The spot checks demo on a small world: three inspectors, last month's sample checked, one problem
confirmed for the demo grid worker and one finding rejected."""

import pytest

from gongzhi.accounts.tests.factories import user
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext
from gongzhi.inspections import demo, scoring
from gongzhi.inspections.models import Finding, FindingState, Inspector, Sample

from . import factories as f

pytestmark = pytest.mark.django_db


def test_the_inspections_demo():
    # given the demo's street staff and grid worker, and a month of his door visits
    w = f.world()
    Inspector.objects.all().delete()
    user("street_staff", username="jiedao", nodes=[w.street])
    wangge = user("grid_worker", username="wangge", nodes=[w.grid_a])
    month = f.last_month()
    for day in range(1, 9):
        f.visit(w.household_a, wangge, when=f.at(month, day=day), photo=day % 2 == 0)
    ctx = DemoContext(seed=5, actor=SystemActor(label="demo"), verbose=False)
    ctx.data.update(street=w.street)
    # when the demo loads (twice: it keeps what it made)
    demo.load(ctx)
    demo.load(ctx)
    # then three inspectors, one sample of last month, one confirmed problem for wangge and one rejection
    assert Inspector.objects.filter(active=True).count() == 3
    sample = Sample.objects.get()
    assert sample.month == month
    confirmed = Finding.objects.get(state=FindingState.CONFIRMED)
    assert confirmed.item.worker == wangge
    assert Finding.objects.filter(state=FindingState.REJECTED).exclude(decision_reason="").count() == 1
    events = list(scoring.score_events(start=confirmed.decided_at, end=confirmed.decided_at.replace(year=2100)))
    assert [e[2] for e in events] == [f"inspections.finding:{confirmed.pk}"]
