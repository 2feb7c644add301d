"""The units' problem list: a unit's liaison raises a problem, the street takes it up, reports,
solves, reopens; the unit withdraws one not yet taken up; overdue flagged; the liaison is told;
pages and scope."""

import datetime as dt

import pytest
from django.urls import reverse

from gongzhi.cobuilding.models import ProblemKind, ProblemState
from gongzhi.cobuilding.selectors import problems as selectors
from gongzhi.cobuilding.services import problems as service
from gongzhi.cobuilding.tests.factories_projects import place
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return place()


def raised(world, **extra):
    values = {"unit": world["unit"], "area": world["nodes"]["street"], "kind": ProblemKind.PARKING,
              "title": "员工停车难", "description": "单位门前没有停车位，职工车辆只能停在路边被贴条"}
    values.update(extra)
    return service.problem_raise(actor=world["liaison"], **values)


def test_given_a_liaison_when_raising_a_problem_of_their_unit_then_it_is_open_and_audited(world):
    problem = raised(world)
    assert problem.state == ProblemState.OPEN and problem.raised_by == world["liaison"]
    assert AuditEvent.objects.filter(action="cobuilding.problem.raise", object_id=str(problem.pk)).exists()


def test_given_an_area_not_the_units_when_raising_then_it_is_refused_beside_the_area(world):
    with pytest.raises(InvalidInput) as refused:
        raised(world, area=world["other"]["street"])
    assert "area" in refused.value.fields


def test_given_a_liaison_of_another_unit_when_raising_then_it_is_forbidden(world):
    with pytest.raises(Forbidden):
        service.problem_raise(actor=world["liaison"], unit=world["school"], area=world["nodes"]["street"],
                              kind=ProblemKind.HIRING, title="招工难")


def test_given_the_street_when_it_takes_up_reports_and_solves_then_the_liaison_is_told_each_time(
        world, django_capture_on_commit_callbacks):
    problem = raised(world)
    deadline = world["today"] + dt.timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        service.problem_take_up(actor=world["street"], problem=problem, owner_name="街道城管办 李主任",
                                deadline=deadline)
        service.problem_report(actor=world["street"], problem=problem, text="已协调交警在东侧划定临时车位")
        service.problem_solve(actor=world["street"], problem=problem, solution="划定夜间共享车位20个")
    problem.refresh_from_db()
    assert problem.state == ProblemState.SOLVED and problem.owner_name == "街道城管办 李主任"
    told = Notification.objects.filter(recipient=world["liaison"], kind="cobuilding.problem_update")
    assert told.count() == 3
    reopened = service.problem_reopen(actor=world["street"], problem=problem, reason="车位被占用")
    assert reopened.state == ProblemState.TAKEN_UP
    assert "车位被占用" in problem.updates.last().text


def test_given_a_deadline_in_the_past_when_taking_up_then_it_is_refused(world):
    problem = raised(world)
    with pytest.raises(InvalidInput) as refused:
        service.problem_take_up(actor=world["street"], problem=problem, owner_name="李主任",
                                deadline=world["today"] - dt.timedelta(days=1))
    assert "deadline" in refused.value.fields


def test_given_a_deadline_passed_and_not_solved_then_the_problem_is_flagged_overdue(world):
    problem = raised(world)
    service.problem_take_up(actor=world["street"], problem=problem, owner_name="李主任", deadline=world["today"])
    type(problem).objects.filter(pk=problem.pk).update(deadline=world["today"] - dt.timedelta(days=3))
    assert [p.pk for p in selectors.problems_visible(user=world["street"], overdue=True)] == [problem.pk]
    assert selectors.problem_get(user=world["liaison"], pk=problem.pk).is_overdue


def test_given_an_open_problem_when_the_unit_withdraws_then_it_is_withdrawn_and_not_after_take_up(world):
    problem = raised(world)
    assert service.problem_withdraw(actor=world["liaison"], problem=problem).state == ProblemState.WITHDRAWN
    other = raised(world, title="招工难", kind=ProblemKind.HIRING)
    service.problem_take_up(actor=world["street"], problem=other, owner_name="李主任",
                            deadline=world["today"] + dt.timedelta(days=3))
    with pytest.raises(Conflict):
        service.problem_withdraw(actor=world["liaison"], problem=other)


def test_given_a_liaison_when_they_try_to_take_up_then_it_is_forbidden(world):
    problem = raised(world)
    with pytest.raises(Forbidden):
        service.problem_take_up(actor=world["liaison"], problem=problem, owner_name="我",
                                deadline=world["today"] + dt.timedelta(days=3))


def test_given_staff_of_another_district_then_the_problem_looks_absent(world, client):
    problem = raised(world)
    with pytest.raises(NotFound):
        service.problem_report(actor=world["other_staff"], problem=problem, text="x")
    client.force_login(world["other_staff"])
    assert client.get(reverse("cobuilding:problem-detail", kwargs={"problem_id": problem.pk})).status_code == 404


def test_given_the_pages_when_a_liaison_raises_and_the_street_takes_it_up_then_both_see_it(world, client):
    client.force_login(world["liaison"])
    page = client.post(reverse("cobuilding:problem-new"), {
        "unit": world["unit"].pk, "area": world["nodes"]["street"].pk, "kind": "hiring", "title": "招工难",
        "description": "保洁岗位长期招不到人"})
    assert page.status_code == 302
    problem = world["unit"].cobuilding_problems.get()
    client.force_login(world["street"])
    listing = client.get(reverse("cobuilding:problems")).content.decode()
    assert "招工难" in listing
    taken = client.post(reverse("cobuilding:problem-act", kwargs={"problem_id": problem.pk}),
                        {"action": "take_up", "owner_name": "街道就业服务站", "deadline": ""})
    assert taken.status_code == 400 and "error" in taken.content.decode()
    client.post(reverse("cobuilding:problem-act", kwargs={"problem_id": problem.pk}),
                {"action": "take_up", "owner_name": "街道就业服务站",
                 "deadline": (world["today"] + dt.timedelta(days=7)).isoformat()})
    client.force_login(world["liaison"])
    detail = client.get(reverse("cobuilding:problem-detail", kwargs={"problem_id": problem.pk})).content.decode()
    assert "街道就业服务站" in detail


def test_given_the_api_when_a_problem_is_raised_and_taken_up_then_the_json_has_its_shape(world, client):
    client.force_login(world["liaison"])
    made = client.post("/api/cobuilding/problems", {
        "unit_id": world["unit"].pk, "area_id": world["nodes"]["community"].pk, "kind": "permits",
        "title": "装修审批慢"}, content_type="application/json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["state"] == "open" and body["unit_name"] == "兰州瑞丰物业公司" and body["updates"] == []
    bad = client.post("/api/cobuilding/problems", {
        "unit_id": world["unit"].pk, "area_id": world["other"]["community"].pk, "kind": "permits",
        "title": "x"}, content_type="application/json")
    assert bad.status_code in (400, 422) and "area_id" in bad.json()["fields"]
    client.force_login(world["street"])
    listing = client.get("/api/cobuilding/problems").json()
    assert listing["count"] == 1 and listing["items"][0]["title"] == "装修审批慢"
    taken = client.post(f"/api/cobuilding/problems/{body['id']}/take-up",
                        {"owner_name": "街道政务服务中心", "deadline": (world["today"] + dt.timedelta(days=5)).isoformat()},
                        content_type="application/json")
    assert taken.status_code == 200 and taken.json()["state"] == "taken_up"
    progress = client.post(f"/api/cobuilding/problems/{body['id']}/progress", {"text": "已开通绿色通道"},
                           content_type="application/json")
    assert progress.status_code == 201 and progress.json()["text"] == "已开通绿色通道"
    client.force_login(world["other_staff"])
    assert client.get(f"/api/cobuilding/problems/{body['id']}").status_code == 404
