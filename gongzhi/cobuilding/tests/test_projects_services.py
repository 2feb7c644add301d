"""The projects list: the agreement's term and PDF, the workflow, renewal, the residents'
evaluation, a project from a need, a project decided at an alliance meeting, scope."""

import datetime as dt

import pytest
from django.urls import reverse

from gongzhi.cobuilding.models import NeedState, Project, ProjectState
from gongzhi.cobuilding.services import projects as service
from gongzhi.cobuilding.tests import factories
from gongzhi.cobuilding.tests.factories_projects import alliance_decision, pdf_upload, place, term
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return place()


def new_project(world, **extra):
    start, end = term()
    values = {"area": world["nodes"]["community"], "title": "加装路灯", "owner_unit": world["unit"],
              "term_start": start, "term_end": end, "budget": "36000",
              "agreement_parties": "瓜州路社区、兰州瑞丰物业公司", "agreement_duties": "物业公司负责安装和维护",
              "partners": [{"unit": world["school"], "duties": "提供场地"}],
              "milestones": [("完成选址", start + dt.timedelta(days=10))]}
    values.update(extra)
    return service.project_create(actor=world["staff"], **values)


def test_given_staff_when_they_create_a_project_then_partners_milestones_and_the_audit_are_there(world):
    project = new_project(world)
    assert project.state == ProjectState.PLANNED
    assert [p.name for p in project.partners.all()] == ["七里河区第一小学"]
    assert [m.title for m in project.milestones.all()] == ["完成选址"]
    assert AuditEvent.objects.filter(action="cobuilding.project.create", object_id=str(project.pk)).exists()


@pytest.mark.parametrize("days", [0, -30])
def test_given_a_term_that_is_no_range_when_creating_then_it_is_refused_beside_term_end(world, days):
    start = world["today"]
    with pytest.raises(InvalidInput) as refused:
        new_project(world, term_start=start, term_end=start + dt.timedelta(days=days))
    assert "term_end" in refused.value.fields
    assert not Project.objects.exists()


def test_given_a_negative_budget_when_creating_then_it_is_refused_beside_the_budget(world):
    with pytest.raises(InvalidInput) as refused:
        new_project(world, budget="-1")
    assert "budget" in refused.value.fields


def test_given_a_file_that_is_not_a_pdf_when_attaching_the_agreement_then_it_is_refused(world):
    project = new_project(world)
    with pytest.raises(InvalidInput) as refused:
        service.agreement_upload(actor=world["staff"], project=project,
                                 upload=pdf_upload("协议书.pdf", b"PK\x03\x04 not a pdf at all"))
    assert "agreement_file" in refused.value.fields
    project.refresh_from_db()
    assert not project.agreement_file


def test_given_a_file_too_large_when_attaching_then_it_is_refused(world, settings):
    settings.MEETINGS_ATTACHMENT_MAX_BYTES = 100
    project = new_project(world)
    with pytest.raises(InvalidInput) as refused:
        service.agreement_upload(actor=world["staff"], project=project, upload=pdf_upload())
    assert "agreement_file" in refused.value.fields


def test_given_a_real_pdf_when_attached_then_it_is_kept_with_the_signed_date(world):
    project = new_project(world)
    service.agreement_upload(actor=world["staff"], project=project, upload=pdf_upload(), signed_on="2026-03-01")
    project.refresh_from_db()
    assert project.agreement_file.read(5) == b"%PDF-"
    assert project.agreement_signed_on == dt.date(2026, 3, 1)


def test_given_a_project_when_it_goes_through_the_workflow_then_states_and_outcome_follow(world):
    project = new_project(world)
    with pytest.raises(Conflict):
        service.project_complete(actor=world["staff"], project=project, outcome="完成")
    service.project_start(actor=world["staff"], project=project)
    with pytest.raises(InvalidInput):
        service.project_complete(actor=world["staff"], project=project, outcome="")
    done = service.project_complete(actor=world["staff"], project=project, outcome="安装路灯12盏，夜间出行更安全")
    assert done.state == ProjectState.COMPLETED and "12盏" in done.outcome
    closed = service.project_close(actor=world["staff"], project=project)
    assert closed.state == ProjectState.CLOSED and closed.closed_at is not None
    assert AuditEvent.objects.filter(action="cobuilding.project.complete", object_id=str(project.pk)).exists()


def test_given_a_milestone_when_marked_done_then_it_keeps_the_note_once(world):
    project = new_project(world)
    milestone = project.milestones.get()
    service.milestone_done(actor=world["staff"], milestone=milestone, note="已确定12处点位")
    milestone.refresh_from_db()
    assert milestone.done_on == world["today"] and milestone.note == "已确定12处点位"
    with pytest.raises(Conflict):
        service.milestone_done(actor=world["staff"], milestone=milestone)


def test_given_an_active_project_when_renewed_then_a_new_one_copies_partners_and_the_old_is_closed(world):
    project = new_project(world)
    service.project_start(actor=world["staff"], project=project)
    start = project.term_end
    new = service.project_renew(actor=world["staff"], project=project, term_start=start,
                                term_end=start + dt.timedelta(days=365))
    project.refresh_from_db()
    assert new.renewed_from == project and new.state == ProjectState.PLANNED
    assert [p.name for p in new.partners.all()] == ["七里河区第一小学"]
    assert new.agreement_duties == project.agreement_duties
    assert project.state == ProjectState.CLOSED
    with pytest.raises(Conflict):
        service.project_renew(actor=world["staff"], project=project, term_start=start,
                              term_end=start + dt.timedelta(days=30))


def test_given_a_renewal_with_a_reversed_term_then_it_is_refused_and_nothing_is_written(world):
    project = new_project(world)
    service.project_start(actor=world["staff"], project=project)
    with pytest.raises(InvalidInput) as refused:
        service.project_renew(actor=world["staff"], project=project, term_start=project.term_end,
                              term_end=project.term_start)
    assert "term_end" in refused.value.fields
    assert Project.objects.count() == 1


def test_given_a_resident_of_the_area_when_evaluating_then_once_per_account_and_the_average_shows(world, client):
    project = new_project(world)
    with pytest.raises(Conflict):  # not started yet
        service.project_evaluate(actor=world["resident"], project=project, rating=5)
    service.project_start(actor=world["staff"], project=project)
    service.project_evaluate(actor=world["resident"], project=project, rating=4, comment="晚上回家亮堂多了")
    with pytest.raises(Conflict):
        service.project_evaluate(actor=world["resident"], project=project, rating=5)
    with pytest.raises(Forbidden):
        service.project_evaluate(actor=world["staff"], project=project, rating=5)
    neighbour = factories_resident(world["nodes"]["household_b"])
    with pytest.raises(InvalidInput) as refused:
        service.project_evaluate(actor=neighbour, project=project, rating=9)
    assert "rating" in refused.value.fields
    client.force_login(world["resident"])
    html = client.get(reverse("cobuilding:project-detail", kwargs={"project_id": project.pk})).content.decode()
    assert "晚上回家亮堂多了" in html and "4.0" in html


def test_given_a_resident_elsewhere_when_evaluating_then_the_project_looks_absent(world):
    project = new_project(world)
    service.project_start(actor=world["staff"], project=project)
    stranger = factories_resident(world["other"]["household_a"])
    with pytest.raises(NotFound):
        service.project_evaluate(actor=stranger, project=project, rating=5)


def factories_resident(household):
    from gongzhi.cobuilding.tests.factories_projects import resident_of

    return resident_of(household)


def test_given_a_need_when_staff_make_it_a_project_then_the_need_moves_to_project(world):
    need = factories.need(world["nodes"]["grid_a"], title="小区路灯不亮")
    start, end = term()
    project = service.project_from_need(actor=world["staff"], need=need, owner_unit=world["unit"],
                                        term_start=start, term_end=end)
    need.refresh_from_db()
    assert need.state == NeedState.PROJECT and need.project == project
    assert project.title == "小区路灯不亮" and project.area == world["nodes"]["community"]
    assert AuditEvent.objects.filter(action="cobuilding.need.to_project", object_id=str(need.pk)).exists()


def test_given_a_bad_term_when_making_a_project_of_a_need_then_the_need_stays_open(world):
    need = factories.need(world["nodes"]["community"])
    start = world["today"]
    with pytest.raises(InvalidInput):
        service.project_from_need(actor=world["staff"], need=need, owner_unit=world["unit"], term_start=start,
                                  term_end=start)
    need.refresh_from_db()
    assert need.state == NeedState.OPEN and not Project.objects.exists()


def test_given_staff_of_another_district_then_projects_look_absent_and_they_may_not_create(world):
    project = new_project(world)
    with pytest.raises(NotFound):
        service.project_start(actor=world["other_staff"], project=project)
    with pytest.raises(Forbidden):
        service.project_create(actor=world["other_staff"], area=world["nodes"]["community"], title="x",
                               owner_unit=world["unit"], term_start=term()[0], term_end=term()[1])


def test_given_an_alliance_decision_when_a_project_names_it_then_the_decision_page_shows_the_project(world, client):
    decision = alliance_decision(world["nodes"]["community"])
    project = new_project(world, decision=decision.pk)
    assert project.decision == decision
    client.force_login(world["staff"])
    page = client.get(reverse("meetings:decision", kwargs={"decision_id": decision.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "加装路灯" in html and reverse("cobuilding:project-detail", kwargs={"project_id": project.pk}) in html


def test_given_a_decision_the_user_cannot_see_then_it_is_refused_beside_the_field(world):
    decision = alliance_decision(world["other"]["community"])
    with pytest.raises(InvalidInput) as refused:
        new_project(world, decision=decision.pk)
    assert "decision" in refused.value.fields
