"""The monthly sample: drawn from the street's month of door visits and resolved cases, reproducibly
from its seed, weighted for risk, and assigned to the street's inspectors."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.errors import Conflict, InvalidInput, NotFound
from gongzhi.inspections.models import ItemKind, Risk, Sample
from gongzhi.inspections.services import inspectors as inspector_services
from gongzhi.inspections.services import samples
from gongzhi.inspections.services.samples import Candidate, candidates, draw

from . import factories as f

pytestmark = pytest.mark.django_db


def _month_of_work(w, month, *, with_photo=6, without_photo=4):
    for i in range(with_photo):
        f.visit(w.household_a, w.worker_a, when=f.at(month, day=1 + i), photo=True)
    for i in range(without_photo):
        f.visit(w.household_b, w.worker_b, when=f.at(month, day=10 + i), photo=False)


def test_the_sample_is_the_streets_month_and_reproducible_from_its_seed():
    w = f.world()
    month = f.last_month()
    _month_of_work(w, month)
    case = f.resolved_case(w, worker=w.worker_a, when=f.at(month, day=20), rating="unsatisfied", reopened=True)
    # not this month, not a grid worker, another street: never drawn
    f.visit(w.household_a, w.worker_a, when=f.at(month) - dt.timedelta(days=40))
    f.visit(w.household_a, w.sstaff, when=f.at(month, day=5))
    other = tree()
    stranger = user("grid_worker", nodes=[other["grid_a"]])
    f.visit(other["household_a"], stranger, when=f.at(month, day=5))

    sample = samples.sample_draw(actor=w.sstaff, street=w.street, month=month, size=5)

    assert sample.candidates == 11
    items = list(sample.items.order_by("position"))
    assert len(items) == 5
    assert {i.worker_id for i in items} <= {w.worker_a.pk, w.worker_b.pk}
    again = draw(candidates(w.street, month), seed=sample.seed, size=5)
    assert [(c.kind, c.pk) for c in again] == [
        (i.kind, i.visit_id if i.kind == ItemKind.VISIT else i.case_id) for i in items]
    # the items go to the street's two inspectors in turn
    assert {i.inspector_id for i in items} == {p.pk for p in w.inspectors}
    drawn_case = [c for c in candidates(w.street, month) if c.kind == ItemKind.CASE][0]
    assert drawn_case.pk == case.pk and set(drawn_case.risks) == {Risk.UNSATISFIED, Risk.REOPENED}


def test_a_visit_without_photo_carries_the_risk_and_text_is_masked():
    w = f.world()
    month = f.last_month()
    f.visit(w.household_a, w.worker_a, when=f.at(month), photo=False, findings="户主电话13912345678，反映漏水")
    [c] = candidates(w.street, month)
    assert c.risks == [Risk.NO_PHOTO] and c.weight == 1 + 2
    assert "13912345678" not in c.summary["findings"] and "139****5678" in c.summary["findings"]


def test_risky_records_are_drawn_more_often():
    """Given 100 risky records (weight 5) among 1,000, when 100 are drawn with 200 seeds, then the
    risky ones make far more than their tenth of the draws."""
    pool = [Candidate(kind="visit", pk=i, worker_id=1, happened_at=None, weight=5 if i < 100 else 1)
            for i in range(1000)]
    risky = sum(sum(1 for c in draw(pool, seed=seed, size=100) if c.pk < 100) for seed in range(200))
    share = risky / (200 * 100)
    assert share > 0.25  # a uniform draw gives 0.10; weighted ≈ 0.34
    assert draw(pool, seed=3, size=100) == draw(pool, seed=3, size=100)
    assert draw(pool, seed=3, size=100) != draw(pool, seed=4, size=100)


def test_risk_weights_bias_the_drawn_sample_of_a_street():
    w = f.world()
    month = f.last_month()
    _month_of_work(w, month, with_photo=30, without_photo=10)
    pool = candidates(w.street, month)
    drawn = [c for seed in range(60) for c in draw(pool, seed=seed, size=10)]
    no_photo = sum(1 for c in drawn if Risk.NO_PHOTO in c.risks) / len(drawn)
    assert no_photo > 0.35  # a quarter of the records; weight 3 against 1


def test_a_month_is_drawn_once_and_only_when_over():
    w = f.world()
    month = f.last_month()
    samples.sample_draw(actor=w.sstaff, street=w.street, month=month)
    with pytest.raises(Conflict):
        samples.sample_draw(actor=w.sstaff, street=w.street, month=month)
    with pytest.raises(InvalidInput) as exc:
        samples.sample_draw(actor=w.sstaff, street=w.street, month=timezone.localdate().replace(day=1))
    assert "month" in exc.value.fields
    with pytest.raises(InvalidInput) as exc:
        samples.sample_draw(actor=w.sstaff, street=w.street, month=f.previous_month(month), size=999)
    assert "size" in exc.value.fields


def test_another_streets_staff_cannot_draw_and_inspectors_are_needed():
    w = f.world()
    other = tree()
    staff = user("street_staff", nodes=[other["street"]])
    with pytest.raises(NotFound):
        samples.sample_draw(actor=staff, street=w.street, month=f.last_month())
    with pytest.raises(InvalidInput) as exc:
        samples.sample_draw(actor=staff, street=other["street"], month=f.last_month())
    assert "street" in exc.value.fields


def test_the_periodic_job_draws_last_month_once_for_streets_with_inspectors():
    w = f.world()
    tree()  # a street without inspectors: skipped
    _month_of_work(w, f.last_month())
    first = samples.draw_due(actor=f.SYSTEM)
    assert [s.street_id for s in first] == [w.street.pk]
    assert samples.draw_due(actor=f.SYSTEM) == []
    assert Sample.objects.count() == 1


def test_retiring_an_inspector_hands_their_open_records_on():
    w = f.world()
    month = f.last_month()
    _month_of_work(w, month)
    sample = samples.sample_draw(actor=w.sstaff, street=w.street, month=month, size=6)
    leaving = w.inspectors[0]
    inspector_services.inspector_retire(actor=w.sstaff, inspector=leaving, reason="工作调动")
    assert set(sample.items.values_list("inspector_id", flat=True)) == {w.inspectors[1].pk}
