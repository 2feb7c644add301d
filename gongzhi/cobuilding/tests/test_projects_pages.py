"""The projects pages and API: the list with its filters and overdue milestones, a new project
(also from a need, prefilled), the term refused beside its field, the agreement upload and its
audited download, scope."""

import datetime as dt

import pytest
from django.urls import reverse

from gongzhi.cobuilding.models import Milestone, NeedState, Project
from gongzhi.cobuilding.services import projects as service
from gongzhi.cobuilding.tests import factories
from gongzhi.cobuilding.tests.factories_projects import pdf_upload, place, term
from gongzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return place()


def a_project(world, **extra):
    start, end = term()
    values = {"area": world["nodes"]["community"], "title": "四点半课堂", "owner_unit": world["school"],
              "term_start": start, "term_end": end}
    values.update(extra)
    return service.project_create(actor=world["staff"], **values)


def test_given_the_list_when_a_milestone_is_overdue_then_it_is_flagged_and_filters_work(world, client):
    late = a_project(world, title="加装路灯", owner_unit=world["unit"])
    Milestone.objects.create(project=late, title="完成安装", due_on=world["today"] - dt.timedelta(days=2))
    a_project(world)
    client.force_login(world["staff"])
    html = client.get(reverse("cobuilding:projects")).content.decode()
    assert "加装路灯" in html and "四点半课堂" in html and "tag-late" in html
    only_late = client.get(reverse("cobuilding:projects"), {"overdue": "1"}).content.decode()
    assert "加装路灯" in only_late and "四点半课堂" not in only_late
    by_owner = client.get(reverse("cobuilding:projects"), {"owner": world["school"].pk}).content.decode()
    assert "四点半课堂" in by_owner and "加装路灯" not in by_owner


def test_given_the_form_when_the_term_ends_before_it_starts_then_the_error_is_beside_the_field(world, client):
    client.force_login(world["staff"])
    page = client.post(reverse("cobuilding:project-new"), {
        "area": world["nodes"]["community"].pk, "title": "加装路灯", "owner_unit": world["unit"].pk,
        "term_start": "2026-06-01", "term_end": "2026-05-01", "budget": "1000"})
    assert page.status_code == 400
    assert 'id="term-end-error"' in page.content.decode()
    assert not Project.objects.exists()


def test_given_the_form_when_filled_with_a_partner_and_a_pdf_then_the_project_shows_them(world, client):
    client.force_login(world["staff"])
    page = client.post(reverse("cobuilding:project-new"), {
        "area": world["nodes"]["community"].pk, "title": "加装路灯", "owner_unit": world["unit"].pk,
        "term_start": "2026-06-01", "term_end": "2027-05-31", "budget": "36000",
        "partner_0": f"unit:{world['school'].pk}", "partner_duties_0": "组织学生安全教育",
        "milestone_0": "完成选址", "milestone_due_0": "2026-06-30", "agreement_file": pdf_upload()})
    assert page.status_code == 302, page.content.decode()[:2000]
    project = Project.objects.get()
    detail = client.get(page["Location"]).content.decode()
    assert "七里河区第一小学" in detail and "组织学生安全教育" in detail and "完成选址" in detail
    download = client.get(reverse("cobuilding:project-agreement", kwargs={"project_id": project.pk}))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="cobuilding.project.agreement", note="download").exists()


def test_given_a_need_when_the_form_opens_with_it_then_it_is_prefilled_and_saving_moves_the_need(world, client):
    need = factories.need(world["nodes"]["community"], title="四点半课堂需要志愿老师")
    client.force_login(world["staff"])
    form = client.get(reverse("cobuilding:project-new"), {"need": need.pk}).content.decode()
    assert "四点半课堂需要志愿老师" in form
    saved = client.post(reverse("cobuilding:project-new") + f"?need={need.pk}", {
        "area": world["nodes"]["community"].pk, "title": "四点半课堂", "owner_unit": world["school"].pk,
        "term_start": "2026-09-01", "term_end": "2027-07-01"})
    assert saved.status_code == 302
    need.refresh_from_db()
    assert need.state == NeedState.PROJECT and need.project.title == "四点半课堂"


def test_given_a_non_pdf_on_the_page_then_it_is_refused_beside_the_file_field(world, client):
    project = a_project(world)
    client.force_login(world["staff"])
    page = client.post(reverse("cobuilding:project-agreement-upload", kwargs={"project_id": project.pk}),
                       {"agreement_file": pdf_upload("协议.pdf", b"GIF89a fake")})
    assert page.status_code == 400 and 'class="error"' in page.content.decode()


def test_given_a_user_of_another_community_then_the_project_pages_answer_404(world, client):
    project = a_project(world)
    service.agreement_upload(actor=world["staff"], project=project, upload=pdf_upload())
    client.force_login(world["other_staff"])
    for name in ("cobuilding:project-detail", "cobuilding:project-agreement"):
        assert client.get(reverse(name, kwargs={"project_id": project.pk})).status_code == 404
    assert client.get(f"/api/cobuilding/projects/{project.pk}").status_code == 404
    assert client.get(f"/api/cobuilding/projects/{project.pk}/agreement.pdf").status_code == 404


def test_given_the_owner_units_liaison_then_they_see_their_project_but_not_the_actions(world, client):
    project = a_project(world, owner_unit=world["unit"], title="加装路灯")
    client.force_login(world["liaison"])
    html = client.get(reverse("cobuilding:project-detail", kwargs={"project_id": project.pk})).content.decode()
    assert "加装路灯" in html
    assert reverse("cobuilding:project-transition", kwargs={"project_id": project.pk}) not in html


def test_given_the_api_when_a_project_is_created_started_and_evaluated_then_the_json_follows(world, client):
    client.force_login(world["staff"])
    made = client.post("/api/cobuilding/projects", {
        "area_id": world["nodes"]["community"].pk, "title": "加装路灯", "owner_unit_id": world["unit"].pk,
        "term_start": "2026-06-01", "term_end": "2027-05-31", "budget": "36000.00",
        "partners": [{"unit_id": world["school"].pk, "duties": "宣传"}],
        "milestones": [{"title": "完成选址", "due_on": "2026-06-30"}]}, content_type="application/json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["state"] == "planned" and body["owner_unit_name"] == "兰州瑞丰物业公司"
    assert [p["name"] for p in body["partners"]] == ["七里河区第一小学"]
    assert body["milestones"][0]["title"] == "完成选址" and body["has_agreement_file"] is False
    reversed_term = client.post("/api/cobuilding/projects", {
        "area_id": world["nodes"]["community"].pk, "title": "x", "owner_unit_id": world["unit"].pk,
        "term_start": "2026-06-01", "term_end": "2026-06-01"}, content_type="application/json")
    assert reversed_term.status_code in (400, 422) and "term_end" in reversed_term.json()["fields"]
    started = client.post(f"/api/cobuilding/projects/{body['id']}/start", content_type="application/json")
    assert started.status_code == 200 and started.json()["state"] == "active"
    again = client.post(f"/api/cobuilding/projects/{body['id']}/start", content_type="application/json")
    assert again.status_code == 409
    client.force_login(world["resident"])
    rated = client.post(f"/api/cobuilding/projects/{body['id']}/evaluations", {"rating": 5, "comment": "很好"},
                        content_type="application/json")
    assert rated.status_code == 201 and rated.json()["rating"] == 5
    twice = client.post(f"/api/cobuilding/projects/{body['id']}/evaluations", {"rating": 3},
                        content_type="application/json")
    assert twice.status_code == 409
    shown = client.get(f"/api/cobuilding/projects/{body['id']}").json()
    assert shown["rating_average"] == 5.0 and shown["rating_count"] == 1
    listing = client.get("/api/cobuilding/projects").json()
    assert listing["count"] == 1 and listing["items"][0]["title"] == "加装路灯"


def test_given_an_area_of_another_district_then_the_api_answers_as_for_an_area_that_does_not_exist(world, client):
    client.force_login(world["staff"])
    body = {"title": "加装路灯", "owner_unit_id": world["unit"].pk, "term_start": "2026-06-01", "term_end": "2027-05-31"}
    outside = client.post("/api/cobuilding/projects", {**body, "area_id": world["other"]["community"].pk},
                          content_type="application/json")
    absent = client.post("/api/cobuilding/projects", {**body, "area_id": 999999}, content_type="application/json")
    assert outside.status_code == absent.status_code and outside.status_code in (400, 422)
    assert outside.json() == absent.json() and "area_id" in outside.json()["fields"]


def test_given_the_api_when_a_non_pdf_is_uploaded_then_it_is_refused_on_the_file(world, client):
    project = a_project(world)
    client.force_login(world["staff"])
    answer = client.post(f"/api/cobuilding/projects/{project.pk}/agreement",
                         {"file": pdf_upload("a.pdf", b"not a pdf")})
    assert answer.status_code == 400 and "agreement_file" in answer.json()["fields"]
    fine = client.post(f"/api/cobuilding/projects/{project.pk}/agreement", {"file": pdf_upload()})
    assert fine.status_code == 200 and fine.json()["has_agreement_file"] is True
