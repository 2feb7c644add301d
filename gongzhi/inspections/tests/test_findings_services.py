"""An inspector's check and the street's decision; a confirmed problem is one score event."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.models import AuditEvent
from gongzhi.inspections import scoring
from gongzhi.inspections.models import FindingState
from gongzhi.inspections.services import findings

from . import factories as f

pytestmark = pytest.mark.django_db


def _item(w, inspector=0):
    smp = f.sample(w.street)
    row = f.visit(w.household_a, w.worker_a, when=f.at(smp.month), photo=False)
    return f.item(smp, worker=w.worker_a, visit_row=row, inspector_row=w.inspectors[inspector])


def _events(**kw):
    now = timezone.now()
    return list(scoring.score_events(start=now - dt.timedelta(days=1), end=now + dt.timedelta(days=1), **kw))


def test_a_problem_needs_a_note_and_a_kind():
    w = f.world()
    itm = _item(w)
    with pytest.raises(InvalidInput) as exc:
        findings.finding_record(actor=w.inspector, item=itm, method="call_back", outcome="problem",
                                problem_kind="not_visited", note="  ")
    assert "note" in exc.value.fields
    with pytest.raises(InvalidInput) as exc:
        findings.finding_record(actor=w.inspector, item=itm, method="call_back", outcome="problem", note="没来过")
    assert "problem_kind" in exc.value.fields


def test_only_the_assigned_inspector_checks_and_only_once():
    w = f.world()
    itm = _item(w, inspector=0)
    with pytest.raises(Forbidden):
        findings.finding_record(actor=w.users["inspector_2"], item=itm, method="visit", outcome="no_problem")
    found = findings.finding_record(actor=w.inspector, item=itm, method="visit", outcome="no_problem")
    assert found.state == FindingState.NO_PROBLEM
    with pytest.raises(Conflict):
        findings.finding_record(actor=w.inspector, item=itm, method="visit", outcome="no_problem")


def test_an_inspector_of_another_street_does_not_find_the_record():
    w = f.world()
    itm = _item(w)
    other = tree()
    stranger = user("inspector", nodes=[other["street"]])
    f.inspector(other["street"], stranger)
    with pytest.raises(NotFound):
        findings.finding_record(actor=stranger, item=itm, method="visit", outcome="no_problem")


def test_photos_are_sniffed():
    w = f.world()
    itm = _item(w)
    fake = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(InvalidInput) as exc:
        findings.finding_record(actor=w.inspector, item=itm, method="visit", outcome="no_problem", photos=[fake])
    assert "photos" in exc.value.fields
    photo = SimpleUploadedFile("p.jpg", f.JPEG, content_type="image/jpeg")
    found = findings.finding_record(actor=w.inspector, item=itm, method="visit", outcome="no_problem", photos=[photo])
    assert found.photos.count() == 1


def test_a_confirmed_problem_is_exactly_one_score_event():
    w = f.world()
    itm = _item(w)
    found = findings.finding_record(actor=w.inspector, item=itm, method="call_back", outcome="problem",
                                    problem_kind="not_visited", note="回访住户，称本月无人上门")
    assert _events() == []  # waiting for the street: no deduction yet
    with pytest.raises(Forbidden):
        findings.finding_confirm(actor=w.inspector, finding=found)
    confirmed = findings.finding_confirm(actor=w.sstaff, finding=found)
    with pytest.raises(Conflict):
        findings.finding_confirm(actor=w.sstaff, finding=found)
    with pytest.raises(Conflict):
        findings.finding_reject(actor=w.sstaff, finding=found, reason="再议")
    events = _events()
    assert events == [("inspection.problem", w.worker_a.pk, f"inspections.finding:{found.pk}", confirmed.decided_at)]
    assert _events() == events  # read again: the same one event
    assert _events(user_ids=[w.worker_b.pk]) == []
    assert AuditEvent.objects.filter(action="inspections.finding.confirm").count() == 1
    assert scoring.score_kinds()[0][0] == "inspection.problem"


def test_rejecting_needs_a_reason_and_gives_no_event():
    w = f.world()
    found = findings.finding_record(actor=w.inspector, item=_item(w), method="visit", outcome="problem",
                                    problem_kind="attitude", note="住户说态度生硬")
    with pytest.raises(InvalidInput) as exc:
        findings.finding_reject(actor=w.sstaff, finding=found, reason=" ")
    assert "reason" in exc.value.fields
    rejected = findings.finding_reject(actor=w.sstaff, finding=found, reason="住户与网格员有旧怨，经核实走访属实")
    assert rejected.state == FindingState.REJECTED
    assert _events() == []
