"""三率 and the share closed at each level, against numbers worked out by hand."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gongzhi.cases import selectors, services
from gongzhi.cases.models import Rating, Result
from gongzhi.cases.tests.factories import category, in_progress, submit, world
from gongzhi.core.errors import NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    """Six requests in grid A, all 共享单车乱停:
    c1 contacted in time, solved at the grid, 满意 + solved; c6 (a duplicate merged into c1) 基本满意, not solved;
    c2 contacted in time, escalated, solved by the community, 基本满意 + solved;
    c3 contacted late, solved at the grid, 不满意 twice (reopened once), not solved;
    c4 never contacted, still in progress; c5 rejected (not counted)."""
    w = world()
    gw, cs, res = w.worker_a, w.cstaff, w.resident

    def contact(case, late=False):
        at = case.response_due + dt.timedelta(hours=1) if late else timezone.now()
        services.case_record_contact(actor=case.assignee or gw, case=case, method="phone", note="已联系", at=at)

    c1 = submit(w)
    c6 = submit(w, actor=w.resident_2)
    services.case_merge(actor=cs, case=c6, master=c1)
    services.case_accept(actor=cs, case=c1)
    services.case_dispatch(actor=cs, case=c1)
    services.case_claim(actor=gw, case=c1)
    contact(c1)
    services.case_resolve(actor=gw, case=c1, result=Result.SOLVED, feedback="已清运")
    services.case_rate(actor=w.resident_2, case=c6, rating=Rating.BASIC, solved=False)
    services.case_rate(actor=res, case=c1, rating=Rating.SATISFIED, solved=True)

    c2 = in_progress(w)
    contact(c2)
    services.case_escalate(actor=gw, case=c2, reason="需社区协调")
    services.case_claim(actor=cs, case=c2)
    services.case_resolve(actor=cs, case=c2, result=Result.SOLVED, feedback="社区协调企业清运")
    services.case_rate(actor=res, case=c2, rating=Rating.BASIC, solved=True)

    c3 = in_progress(w)
    contact(c3, late=True)
    services.case_resolve(actor=gw, case=c3, result=Result.PARTLY, feedback="部分清运")
    services.case_rate(actor=res, case=c3, rating=Rating.UNSATISFIED, solved=False)
    services.case_reopen(actor=gw, case=c3)
    services.case_resolve(actor=gw, case=c3, result=Result.EXPLAINED, feedback="企业未配合")
    services.case_rate(actor=res, case=c3, rating=Rating.UNSATISFIED, solved=False)

    in_progress(w)  # c4
    services.case_reject(actor=cs, case=submit(w), reason="重复")  # c5
    return w


def period():
    now = timezone.now()
    return {"start": now - dt.timedelta(days=1), "end": now + dt.timedelta(days=1)}


def test_three_rates_and_the_composite_match_the_hand_computed_numbers(w):
    f = selectors.figures(user=w.cstaff, node=w.community, **period())
    # response: c1, c2 in time of c1–c4 → 2/4
    assert f["response_rate"] == Decimal("0.5000")
    # resolution: solved c1, c2 of rated c1, c2, c3, c6 → 2/4
    assert f["resolution_rate"] == Decimal("0.5000")
    # satisfaction: (1 + 0.8 + 0 + 0.8) / 4
    assert f["satisfaction_rate"] == Decimal("0.6500")
    # composite 10/45/45: 0.05 + 0.225 + 0.2925
    assert f["composite"] == Decimal("0.5675")
    assert f["counts"]["cases"] == 4 and f["counts"]["rated"] == 4


def test_share_closed_at_each_level(w):
    levels = selectors.figures(user=w.cstaff, node=w.community, **period())["closed_by_level"]
    assert levels["grid"] == {"count": 2, "share": Decimal("0.6667")}
    assert levels["community"] == {"count": 1, "share": Decimal("0.3333")}
    assert levels["street"] == {"count": 0, "share": Decimal("0.0000")}


def test_weights_are_configurable(w):
    f = selectors.figures(
        user=w.cstaff, node=w.community, **period(),
        satisfaction_weights={"satisfied": 1, "basic": 1, "unsatisfied": 0},
        composite_weights={"response": "0.2", "resolution": "0.4", "satisfaction": "0.4"},
    )
    assert f["satisfaction_rate"] == Decimal("0.7500")
    assert f["composite"] == Decimal("0.6000")


def test_figures_filter_by_node_period_and_category(w):
    assert selectors.figures(user=w.cstaff, node=w.grid_b, **period())["counts"]["cases"] == 0
    assert selectors.figures(user=w.cstaff, node=w.grid_a, **period())["counts"]["cases"] == 4
    later = {"start": timezone.now() + dt.timedelta(days=1), "end": timezone.now() + dt.timedelta(days=2)}
    assert selectors.figures(user=w.cstaff, node=w.community, **later)["response_rate"] is None
    heating = selectors.figures(user=w.cstaff, node=w.community, category=category("heating"), **period())
    assert heating["counts"]["cases"] == 0 and heating["composite"] is None
    group = selectors.figures(user=w.cstaff, node=w.community, category=category("city"), **period())
    assert group["counts"]["cases"] == 4


def test_figures_outside_the_users_area_are_not_found(w):
    with pytest.raises(NotFound):
        selectors.figures(user=w.worker_b, node=w.grid_a, **period())


def test_hot_issues_are_the_matters_reported_again_and_again_at_one_place(w):
    since = timezone.now() - dt.timedelta(days=1)
    hot = selectors.hot_issues(user=w.cstaff, node=w.community, since=since, min_count=3)
    # c1–c4 and the merged c6 are 共享单车 at building A1; the rejected c5 does not count
    assert hot == [{"category": "shared-bikes", "category_name": "共享单车乱停乱放", "location_id": w.building_a.pk,
                    "location_name": w.building_a.name, "count": 5, "open": 1}]
    assert selectors.hot_issues(user=w.cstaff, node=w.grid_b, since=since) == []
