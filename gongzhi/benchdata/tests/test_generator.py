"""The generated district reads like real data: the real selectors, services and SLA sweep work on it."""

import datetime as dt

import pytest
from django.db.models import Count, F
from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.areas.models import AreaNode
from gongzhi.benchdata.generator import generate
from gongzhi.cases import selectors, services, tasks
from gongzhi.cases.models import OPEN_STATES, Case, CaseEvent, CategoryRevision, State, Supervision
from gongzhi.core import pii
from gongzhi.residents import sample
from gongzhi.residents.models import Person

UNTIL = dt.datetime(2026, 11, 20, 4, 0, tzinfo=dt.UTC)


@pytest.fixture
def district(db):
    return generate(people=2000, cases=5000, seed=7, years=1.0, until=UNTIL, stall_share=0.02, out=lambda _line: None)


def test_the_tree_is_a_valid_treebeard_tree_with_standard_codes(district):
    assert AreaNode.objects.find_problems() == ([], [], [], [], [])
    assert AreaNode.objects.filter(kind="household").count() == district["households"]
    grid = AreaNode.objects.filter(kind="grid").first()
    assert len(grid.code) == 15 and grid.code.startswith(AreaNode.objects.get_parent(grid).code)
    assert AreaNode.objects.get_children_count(grid) == grid.numchild > 0


def test_residents_are_encrypted_and_hashed_like_the_import(district):
    person = Person.objects.order_by("pk").first()
    raw = Person.objects.filter(pk=person.pk).values_list("id_number", flat=True)
    assert Person.objects.count() == 2000
    assert sample.check_digit(person.id_number[:17]) == person.id_number[17]
    assert person.id_number_hash == pii.blind_index(pii.ID_NUMBER, person.id_number)
    assert person.id_number_masked == pii.mask_id_number(person.id_number)
    assert pii.looks_encrypted(Person._meta.get_field("id_number").get_prep_value(raw[0]) or "x" * 100)


def test_cases_carry_the_columns_the_services_write(district):
    assert Case.objects.count() == 5000
    assert not Case.objects.exclude(area_path=F("area__path")).exists()
    assert not Case.objects.exclude(location_path=F("location__path")).exists()
    current = {r.category_id: r.pk for r in CategoryRevision.objects.all()}
    assert all(current[c] == r for c, r in Case.objects.values_list("category_id", "rule_id"))
    states = dict(Case.objects.values_list("state").annotate(n=Count("pk")))
    for state in (State.CLOSED, State.REJECTED, State.MERGED, State.IN_PROGRESS, State.AWAITING_RATING):
        assert states.get(state), state
    # Every timeline begins with the submission and ends in the case's state.
    timelines: dict[int, list] = {}
    for case_id, action, to_state in CaseEvent.objects.order_by("case_id", "created_at", "id").values_list(
        "case_id", "action", "to_state"
    ):
        timelines.setdefault(case_id, []).append((action, to_state))
    for pk, state in Case.objects.values_list("pk", "state"):
        events = timelines[pk]
        assert events[0][0] == "submit", pk
        assert events[-1][1] == state or events[-1][0] == "merge_in", pk
    assert CaseEvent.objects.filter(action="merge_in").count() == Case.objects.filter(state=State.MERGED).count()


def test_inbox_and_figures_read_the_generated_history(district):
    worker = User.objects.get(username="bench_grid_1")
    community = User.objects.get(username="bench_community_1")
    street = User.objects.get(username="bench_street_1")
    now = UNTIL
    for user in (worker, community, street):
        boxes = {box: selectors.inbox(user=user, box=box, now=now).count()
                 for box in ("triage", "to_claim", "in_progress", "overdue")}
        assert sum(boxes.values()) > 0, user.username
    district_node = AreaNode.objects.get(kind="district")
    figures = selectors.figures(user=User.objects.get(username="bench_admin"), node=district_node,
                                start=now - dt.timedelta(days=365), end=now)
    assert figures["counts"]["cases"] > 4000
    for rate in ("response_rate", "resolution_rate", "satisfaction_rate"):
        assert 0.5 < figures[rate] < 1, rate
    shares = [v["count"] for v in figures["closed_by_level"].values()]
    assert sum(shares) == figures["counts"]["closed"]


def test_the_services_act_on_generated_cases(district):
    case = Case.objects.filter(state=State.DISPATCHED, level="grid").first()
    worker = User.objects.get(pk=AreaNode.objects.get(pk=case.area_id).bindings.first().user_id)
    claimed = services.case_claim(actor=worker, case=case)
    assert claimed.state == State.IN_PROGRESS and claimed.assignee == worker


def test_the_sla_sweep_supervises_the_overdue_open_cases(district):
    overdue = Case.objects.filter(state__in=OPEN_STATES, handling_due__lte=UNTIL).count()
    assert overdue > 0
    counts = tasks.sweep(now=UNTIL)
    assert counts["handling_overdue"] == overdue
    assert Supervision.objects.filter(kind="handling_overdue").count() == overdue
    again = tasks.sweep(now=UNTIL)
    assert again["handling_overdue"] == 0 and again["notifications"] == 0


def test_the_same_seed_gives_the_same_cases(db):
    a = generate(people=300, cases=300, seed=3, years=0.5, until=UNTIL, out=lambda _line: None)
    first = list(Case.objects.order_by("pk").values_list("state", "category_id", "handling_due", "rating"))
    assert a["cases"] == 300
    assert first[:5] and len(first) == 300
    assert timezone.is_aware(Case.objects.first().created_at)


def test_large_sizes_are_refused_on_sqlite(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the refusal concerns SQLite")
    with pytest.raises(RuntimeError, match="only on PostgreSQL"):
        generate(people=650_000, cases=5_000_000, out=lambda _line: None)
    assert not AreaNode.objects.exists()
