"""The civility demo on the test tree: the grid worker's building gets months of checks, a few names,
last year's bonus approved and last year's stars proposed and reviewed."""

import pytest
from django.utils import timezone

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import child, tree
from gongzhi.civility import demo
from gongzhi.civility.models import BonusRun, BonusState, Check, HouseholdStar, NameConsent, StarState
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext
from gongzhi.points.selectors import mismatches

pytestmark = pytest.mark.django_db


def test_the_civility_demo():
    t = tree()
    for n in range(2, 6):
        child(t["unit_a"], name=f"{n}01室")
    user("grid_worker", username="wangge", nodes=[t["grid_a"]])
    user("community_staff", username="shequ", nodes=[t["community"]])
    user("community_staff", username="shuji", nodes=[t["community"]])
    user("inspector", username="xuncha", nodes=[t["street"]])
    ctx = DemoContext(seed=3, actor=SystemActor(label="demo"), verbose=False)
    ctx.data["main_community"] = t["community"]
    demo.load(ctx)
    assert Check.objects.filter(household__path__startswith=t["building_a"].path).count() > 20
    assert not Check.objects.filter(household=t["household_b"]).exists()
    assert NameConsent.objects.filter(revoked_at__isnull=True).count() >= 1
    run = BonusRun.objects.get(year=timezone.localdate().year - 1)
    assert run.state == BonusState.APPROVED and run.households == 6
    assert HouseholdStar.objects.filter(state=StarState.REVIEWED).count() == 2
    assert mismatches() == []
