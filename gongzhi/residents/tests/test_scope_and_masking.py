"""Scope cannot be crossed (pages, search, export, API) and no full ID number or phone appears in
any response without a reveal."""

import io
import json

import pytest
from openpyxl import load_workbook

from gongzhi.core.models import AuditEvent
from gongzhi.residents import services

from .factories import person, user

pytestmark = pytest.mark.django_db


def _signed_in(client, u):
    client.force_login(u)
    return client


def _no_pii(text: str, *people) -> None:
    for p in people:
        assert p.id_number not in text, "full ID number leaked"
        assert p.phone not in text, "full phone leaked"


def _xlsx_text(content: bytes) -> str:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)


def test_grid_worker_pages_show_own_grid_only(client, w):
    c = _signed_in(client, w["grid_worker_a"])
    a, b = w["person_a"], w["person_b"]
    roster = c.get("/residents/").content.decode()
    assert "A1号楼" in roster and "B1号楼" not in roster
    assert c.get(f"/residents/people/{a.pk}/").status_code == 200
    assert c.get(f"/residents/people/{b.pk}/").status_code == 404
    assert c.get(f"/residents/households/{w['household_b'].pk}/").status_code == 404
    assert c.get(f"/residents/households/{w['household_b'].pk}/visits/new/").status_code == 404
    # searching the other grid's exact ID number or name finds nothing
    page = c.get("/residents/people/", {"q": b.id_number}).content.decode()
    assert "李四" not in page
    page = c.get("/residents/people/", {"q": "ls"}).content.decode()
    assert "李四" not in page


def test_api_scope_list_detail_search(client, w):
    c = _signed_in(client, w["grid_worker_a"])
    a, b = w["person_a"], w["person_b"]
    listed = c.get("/api/residents/people").json()
    assert [p["id"] for p in listed["items"]] == [a.pk]
    assert c.get(f"/api/residents/people/{b.pk}").status_code == 404
    assert c.get("/api/residents/people", {"q": b.id_number}).json()["count"] == 0
    assert c.get("/api/residents/people", {"q": b.phone}).json()["count"] == 0
    found = c.post("/api/residents/people/search", {"q": a.id_number}, content_type="application/json").json()
    assert [p["id"] for p in found["items"]] == [a.pk]
    assert c.post("/api/residents/people/search", {"q": b.id_number}, content_type="application/json").json()["count"] == 0
    assert c.get(f"/api/residents/households/{w['household_b'].pk}").status_code == 404
    households = c.get("/api/residents/households").json()
    assert [h["id"] for h in households["items"]] == [w["household_a"].pk]
    assert c.post(f"/api/residents/households/{w['household_b'].pk}/visits", {"findings": "x"},
                  content_type="application/json").status_code == 404
    assert c.post(f"/api/residents/people/{b.pk}/reveal", {}, content_type="application/json").status_code in (403, 404)


def test_export_is_scoped_masked_and_audited(client, w):
    staff_a = user("community_staff", nodes=[w["community"]])
    c = _signed_in(client, staff_a)
    response = c.post("/residents/export/", {})
    assert response.status_code == 200
    text = _xlsx_text(response.content)
    assert "张三" in text and "李四" in text
    _no_pii(text, w["person_a"], w["person_b"])
    assert w["person_a"].id_number_masked in text
    assert AuditEvent.objects.filter(action="residents.person.export", actor=staff_a).count() == 1
    # a revealed export carries the full numbers (permission) and says so in the audit log
    text = _xlsx_text(c.post("/residents/export/", {"reveal": "1"}).content)
    assert w["person_a"].id_number in text
    assert AuditEvent.objects.filter(action="residents.person.export", after__revealed=True).count() == 1


def test_export_by_narrow_scope_and_grid_workers_cannot_export(client, w):
    # grid workers do not export
    c = _signed_in(client, w["grid_worker_a"])
    assert c.post("/residents/export/", {}).status_code == 403
    assert c.get("/api/residents/export").status_code == 403
    # a street staff member of another street sees nobody of this one
    from gongzhi.areas.tests.factories import child

    other_street = child(w["district"], name="别的街道")
    stranger = user("street_staff", nodes=[other_street])
    c2 = _signed_in(client, stranger)
    text = _xlsx_text(c2.get("/api/residents/export").content)
    assert "张三" not in text and "李四" not in text


def test_no_full_values_in_pages_or_api_without_reveal(client, w):
    staff = w["community_staff"]
    a, b = w["person_a"], w["person_b"]
    services.person_tag_add(actor=staff, person=a, kind="elderly_alone")
    c = _signed_in(client, staff)
    for url in [
        "/residents/", "/residents/people/", f"/residents/people/{a.pk}/", f"/residents/households/{w['household_a'].pk}/",
        f"/residents/people/{a.pk}/edit/", "/api/residents/people", f"/api/residents/people/{a.pk}",
        f"/api/residents/households/{w['household_a'].pk}", "/api/residents/households",
    ]:
        response = c.get(url)
        assert response.status_code == 200, url
        _no_pii(response.content.decode(), a, b)
    # searching by the full number returns the person, masked
    body = c.get("/api/residents/people", {"q": a.id_number}).content.decode()
    assert json.loads(body)["count"] == 1
    _no_pii(body, a)


def test_reveal_page_and_api_show_values_and_log(client, w):
    c = _signed_in(client, w["community_staff"])
    a = w["person_a"]
    response = c.post(f"/residents/people/{a.pk}/reveal/", {"reason": "核实"}, HTTP_HX_REQUEST="true")
    assert a.id_number in response.content.decode() and "no-store" in response["Cache-Control"]
    body = c.post(f"/api/residents/people/{a.pk}/reveal", {"fields": ["phone"]}, content_type="application/json").json()
    assert body["phone"] == a.phone and body["id_number"] is None
    assert AuditEvent.objects.filter(action="residents.person.reveal").count() == 2
    # a grid worker is refused, in the page and in the API
    g = _signed_in(client, w["grid_worker_a"])
    assert g.post(f"/residents/people/{a.pk}/reveal/").status_code == 403
    assert g.post(f"/api/residents/people/{a.pk}/reveal", {}, content_type="application/json").status_code == 403


def test_error_responses_do_not_echo_numbers(client, w, caplog):
    c = _signed_in(client, w["community_staff"])
    a = w["person_a"]
    bad_id = a.id_number[:-1] + ("1" if a.id_number[-1] != "1" else "2")
    payload = {"household_id": w["household_a"].pk, "name": "赵六", "id_number": bad_id, "phone": "1391234567899"}
    with caplog.at_level("DEBUG"):
        response = c.post("/api/residents/people", payload, content_type="application/json")
        assert response.status_code == 400
        assert bad_id not in response.content.decode() and "1391234567899" not in response.content.decode()
        # a duplicate of someone else's number: masked too
        payload.update(id_number=a.id_number, phone="")
        response = c.post("/api/residents/people", payload, content_type="application/json")
        assert response.status_code == 400
        _no_pii(response.content.decode(), a)
        # the page form, too
        page = c.post(f"/residents/households/{w['household_a'].pk}/people/new/",
                      {**payload, "residence_type": "registered", "relation": "child"})
        assert page.status_code == 200
        _no_pii(page.content.decode(), a)
    _no_pii(caplog.text, a)
    assert bad_id not in caplog.text


def test_log_lines_with_search_terms_are_redacted(w, caplog):
    import logging

    from gongzhi.core.pii import RedactingLogFilter

    a = w["person_a"]
    logger = logging.getLogger("django.server")
    handler = logging.Handler()
    records = []
    handler.emit = records.append
    handler.addFilter(RedactingLogFilter())
    logger.addHandler(handler)
    try:
        logger.warning('"GET /api/residents/people?q=%s HTTP/1.1" 200', a.id_number)
        logger.warning("phone %s", a.phone)
    finally:
        logger.removeHandler(handler)
    text = " ".join(r.getMessage() for r in records)
    _no_pii(text, a)
    assert a.id_number_masked in text


def test_people_of_other_roles_and_anonymous_are_kept_out(client, w):
    resident = user("resident")
    c = _signed_in(client, resident)
    assert c.get("/residents/").status_code == 403
    assert c.get("/api/residents/people").status_code == 403  # as the page (was an empty list, issue 10)
    client.logout()
    assert client.get("/residents/").status_code == 302
    assert client.get("/api/residents/people").status_code == 401


def test_person_created_in_other_grid_is_refused(w):
    from gongzhi.core.errors import NotFound

    with pytest.raises(NotFound):
        services.person_create(actor=w["grid_worker_a"], household=w["household_b"], name="王五")
    p = person(w["household_a"])
    assert p.household == w["household_a"]


@pytest.mark.parametrize("path", ["/api/residents/people", "/api/residents/households", "/api/residents/visits/follow-up"])
def test_a_role_without_the_registry_gets_the_same_refusal_from_the_api_as_from_the_page(client, w, path):
    # given a supervision committee member (bound to the community, but not a user of the registry)
    client.force_login(user("supervision", nodes=[w["community"]]))
    # when they open the people page and ask the API for the same lists
    page = client.get("/residents/people/")
    answer = client.get(path)
    # then both refuse (403), instead of the page refusing and the API answering an empty list
    assert page.status_code == 403
    assert answer.status_code == 403 and answer.json()["code"] == "forbidden"
