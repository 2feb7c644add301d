"""Yearly star rating: proposed from the year's score, reviewed with a reason where it differs,
published."""

from decimal import Decimal

import pytest

from gongzhi.core.errors import InvalidInput
from gongzhi.targets.models import PeriodKind, RoundState
from gongzhi.targets.services import periods as period_services
from gongzhi.targets.services import stars as star_services

from .factories import cases_at, indicator, period, plan, world

pytestmark = pytest.mark.django_db


def _closed_quarter(w):
    requests = indicator()
    cases_at(w, "building_a", 3)
    from django.utils import timezone

    today = timezone.localdate()
    p = period(w, kind=PeriodKind.QUARTER, year=today.year, quarter=(today.month - 1) // 3 + 1)
    plan(w, p, w.nodes["community"], [(requests, 100, 3)])
    plan(w, p, w.nodes["community_2"], [(requests, 100, 3)])
    period_services.open_period(actor=w.admin, period=p)
    return period_services.close_period(actor=w.admin, period=p)


def test_stars_are_proposed_reviewed_and_published(client):
    w = world()
    p = _closed_quarter(w)
    period_services.set_thresholds(actor=w.admin, district=w.nodes["district"],
                                   thresholds={5: "110", 4: "95", 3: "80", 2: "60", 1: "40"})
    star_round = star_services.propose(actor=w.admin, district=w.nodes["district"], year=p.year)
    first = star_round.ratings.get(community=w.nodes["community"])
    second = star_round.ratings.get(community=w.nodes["community_2"])
    assert (first.score, first.proposed) == (Decimal("100.00"), 4)
    assert (second.score, second.proposed) == (Decimal("0.00"), 0)
    # a different final without a reason is refused beside the reason
    with pytest.raises(InvalidInput) as exc:
        star_services.review(actor=w.sstaff, rating=first, final=5, reason="")
    assert "reason" in exc.value.fields
    star_services.review(actor=w.sstaff, rating=first, final=5, reason="创新工作突出")
    star_services.publish(actor=w.admin, star_round=star_round)
    star_round.refresh_from_db()
    assert star_round.state == RoundState.PUBLISHED
    client.force_login(w.cstaff)
    page = client.get("/targets/stars/published/").content.decode()
    assert "★★★★★" in page and w.nodes["community"].name in page
