"""The pages: the whole loop through the forms (resident files, grid worker handles, community
verifies, resident rates), inboxes per role, scope as 404, figures and their .xlsx export."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.accounts.tests.factories import PASSWORD
from gongzhi.cases.models import Case, Category, State
from gongzhi.cases.tests.factories import dispatched

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64



def as_user(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_whole_loop_through_the_pages(client, w):
    as_user(client, w.resident)
    drain = Category.objects.get(code="blocked-drain")
    response = client.post("/cases/new/", {
        "channel": "online", "category": drain.pk, "title": "下水井堵了", "description": "污水漫到楼道口",
        "location": w.building_a.pk, "photos": SimpleUploadedFile("井.png", PNG, content_type="image/png"),
    })
    assert response.status_code == 302, response.content.decode()[:500]
    case = Case.objects.get()
    assert client.get("/cases/mine/").content.decode().count("下水井堵了") == 1

    as_user(client, w.cstaff)
    assert "下水井堵了" in client.get("/cases/?box=triage").content.decode()
    client.post(f"/cases/{case.pk}/act/accept/", {"note": ""})
    client.post(f"/cases/{case.pk}/act/dispatch/", {"note": ""})
    case.refresh_from_db()
    assert case.level == "community"  # 下水井 is handled by the community
    client.post(f"/cases/{case.pk}/act/claim/")
    client.post(f"/cases/{case.pk}/act/contact/", {"method": "phone", "note": "已联系居民"})
    client.post(f"/cases/{case.pk}/act/resolve/", {"result": "solved", "feedback": "已疏通下水井"})
    case.refresh_from_db()
    assert case.state == State.VERIFYING

    as_user(client, w.inspector)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Verification passed" in page or "核查通过" in page
    client.post(f"/cases/{case.pk}/act/verify_pass/", {"note": "现场已畅通"})

    as_user(client, w.resident)
    assert "已疏通下水井" in client.get(f"/cases/{case.pk}/").content.decode()
    client.post(f"/cases/{case.pk}/act/rate/", {"rating": "satisfied", "solved": "yes"})
    case.refresh_from_db()
    assert case.state == State.CLOSED and case.rating == "satisfied"


def test_an_illegal_action_shows_a_message_and_changes_nothing(client, w):
    case = dispatched(w)
    as_user(client, w.worker_a)
    response = client.post(f"/cases/{case.pk}/act/resolve/", {"result": "solved", "feedback": "x"}, follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])
    case.refresh_from_db()
    assert case.state == State.DISPATCHED


def test_another_grids_case_page_is_404(client, w):
    case = dispatched(w, where="building_b")
    as_user(client, w.worker_a)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/cases/{case.pk}/act/claim/").status_code == 404


@pytest.mark.parametrize("who", ["worker_a", "cstaff", "sstaff", "cg", "inspector", "admin"])
def test_inboxes_render_for_every_role(client, w, who):
    dispatched(w)
    as_user(client, w.users[who])
    assert client.get("/cases/").status_code == 200
    assert client.get("/messages/").status_code == 200
    assert client.get("/cases/messages/").url == "/messages/"  # the inbox moved to core; old links arrive


def test_figures_page_and_xlsx_export(client, w):
    as_user(client, w.cstaff)
    assert client.get(f"/cases/figures/?node={w.community.pk}").status_code == 200
    response = client.get(f"/cases/figures/?node={w.community.pk}&format=xlsx")
    assert response.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value


def test_the_hall_page_finds_the_caller_and_files_for_them(client, w):
    from gongzhi.residents.tests.factories import person

    p = person(w.household_a, name="赵敏", phone="13600002222")
    as_user(client, w.cstaff)
    page = client.get("/cases/new/", {"phone": "13600002222"}).content.decode()
    assert "赵敏" in page and "136****2222" in page
    lights = Category.objects.get(code="street-lights")
    response = client.post("/cases/new/", {"channel": "hall", "category": lights.pk, "title": "路灯不亮",
                                           "description": "楼下路灯坏了三天", "person": p.pk})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.caller_name == "赵敏" and case.location == w.household_a and case.channel == "hall"
