"""The demo on a small world: last quarter closed for the street and its communities with different
targets, this year's stars proposed and one reviewed by the street."""

import pytest

from gongzhi.accounts.tests.factories import user
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext
from gongzhi.targets import demo
from gongzhi.targets.models import Period, PeriodState, PlanLine, StarRating

from .factories import world

pytestmark = pytest.mark.django_db


def test_the_demo_closes_last_quarter_with_different_targets_and_reviews_one_rating():
    w = world()
    user("district_admin", nodes=[w.nodes["district"]], username="quadmin")
    user("street_staff", nodes=[w.nodes["street"]], username="jiedao")
    ctx = DemoContext(seed=1, actor=SystemActor(label="demo"), verbose=False)
    ctx.data.update({"district": w.nodes["district"], "street": w.nodes["street"]})
    demo.load(ctx)
    period = Period.objects.get()
    assert period.state == PeriodState.CLOSED
    targets = {line.target for line in PlanLine.objects.filter(plan__period=period, indicator__code="response")}
    assert len(targets) == 3  # the street and two communities, each its own target
    assert period.results.count() == 3
    reviewed = StarRating.objects.exclude(reason="")
    assert reviewed.count() == 1 and reviewed.get().final == reviewed.get().proposed + 1
    demo.load(ctx)  # a second run adds nothing
    assert Period.objects.count() == 1
