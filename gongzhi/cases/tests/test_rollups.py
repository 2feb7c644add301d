"""The daily roll-ups stay equal to a full recount through everything the pipeline does to a case,
and the figures read off them are the figures counted from the cases."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from gongzhi.cases import rollups, selectors, services
from gongzhi.cases.models import Case, CaseDayFigures, Rating, Result, State
from gongzhi.core.actors import SystemActor
from gongzhi.core.models import AuditEvent

from .factories import category, in_progress, submit

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor(label="test")


def agree():
    return rollups.check() == []


def test_filing_counts_the_case_on_its_day_at_its_grid(w):
    # given a case filed today
    case = submit(w)
    # then its day's row counts it once, at the grid it lies in
    row = CaseDayFigures.objects.get()
    assert row.day == timezone.localdate(case.created_at)
    assert case.location_path.startswith(row.node_path) and len(row.node_path) == 4 * 4
    assert (row.filed, row.cases, row.rejected) == (1, 1, 0)
    assert agree()


def test_a_back_dated_case_moves_to_its_day(w):
    # given a case loaded with a filing time three days ago
    filed = timezone.now() - dt.timedelta(days=3)
    submit(w, now=filed)
    # then the roll-up counts it on that day, not today
    assert list(CaseDayFigures.objects.filter(filed=1).values_list("day", flat=True)) == [timezone.localdate(filed)]
    assert agree()


def test_every_step_of_the_loop_keeps_the_rollups_equal_to_a_recount(w):
    # given a case that goes through the whole loop, reopened once
    case = in_progress(w)
    assert agree()
    services.case_record_contact(actor=w.worker_a, case=case, method="phone", note="已联系")
    assert agree()
    services.case_resolve(actor=w.worker_a, case=case, result=Result.PARTLY, feedback="清走一半")
    case = services.case_rate(actor=w.resident, case=case, rating=Rating.UNSATISFIED, solved=False)
    assert case.state == State.REOPENED and agree()
    case = services.case_reopen(actor=w.worker_a, case=case)
    services.case_resolve(actor=w.worker_a, case=case, result=Result.SOLVED, feedback="已全部清走")
    case = services.case_rate(actor=w.resident, case=case, rating=Rating.SATISFIED, solved=True)
    assert case.state == State.CLOSED and agree()
    # and a second request merged into it, a third rejected, a fourth moved to another matter
    duplicate = submit(w)
    services.case_merge(actor=w.cstaff, case=duplicate, master=submit(w))
    services.case_reject(actor=w.cstaff, case=submit(w), reason="重复提交的测试内容")
    services.case_recategorise(actor=w.cstaff, case=submit(w), category=category("blocked-drain"))
    assert agree()
    # then the roll-ups count what the cases hold
    today = timezone.localdate()
    totals = rollups.totals(path="", start=today, end=today + dt.timedelta(days=1))
    assert (totals["filed"], totals["cases"], totals["rejected"]) == (4, 3, 1)
    assert (totals["responded"], totals["rated"], totals["satisfied"], totals["closed_grid"]) == (1, 1, 1, 1)


def test_the_figures_read_off_the_rollups_equal_those_counted_from_the_cases(w):
    # given cases in several states over two days
    for _ in range(2):
        submit(w, now=timezone.now() - dt.timedelta(days=1))
    case = in_progress(w)
    services.case_record_contact(actor=w.worker_a, case=case, method="phone", note="已联系")
    services.case_resolve(actor=w.worker_a, case=case, result=Result.SOLVED, feedback="已清运")
    services.case_rate(actor=w.resident, case=case, rating=Rating.BASIC, solved=True)
    # when the district's figures are counted both ways
    today = timezone.localdate()
    start, end = selectors.day_span(today - dt.timedelta(days=2), today)
    counted = selectors.figures(user=w.admin, node=w.nodes["district"], start=start, end=end)["counts"]
    kept = rollups.totals(path=w.nodes["district"].path, start=today - dt.timedelta(days=2), end=today + dt.timedelta(days=1))
    # then they agree on every count
    for name in ("cases", "responded", "responded_in_time", "rated", "solved", "satisfied", "basic", "closed"):
        assert kept[name] == counted[name], name


def test_check_finds_drift_and_rebuild_repairs_it_audited(w):
    # given roll-ups that drifted (a bulk update bypassed Case.save)
    submit(w)
    submit(w)
    Case.objects.update(state=State.REJECTED)
    # when checked, then the command says where and fails
    with pytest.raises(CommandError):
        call_command("rollups", "--check")
    # when rebuilt, then they agree again and the rebuild was audited
    call_command("rollups", "--rebuild")
    assert agree()
    call_command("rollups", "--check")
    assert AuditEvent.objects.filter(action="cases.rollups_rebuilt").count() == 1


def test_the_sla_sweep_closing_an_unrated_case_keeps_the_rollups(w, settings):
    # given a case resolved and left unrated past the rating window
    from gongzhi.cases import tasks

    case = in_progress(w)
    services.case_resolve(actor=w.worker_a, case=case, result=Result.SOLVED, feedback="已清运")
    # when the sweep auto-closes it
    assert tasks.sweep(now=timezone.now() + dt.timedelta(days=30))["auto_closed"] == 1
    # then the day's roll-up counts it closed at the grid, as a recount does
    assert agree()
    today = timezone.localdate()
    totals = rollups.totals(path="", start=today, end=today + dt.timedelta(days=1))
    assert (totals["closed"], totals["closed_grid"]) == (1, 1)
