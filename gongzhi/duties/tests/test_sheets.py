"""Duty sheets (明白纸): the district writes them per role, a change applies from its date as a new
version (the old kept), each person's home page shows the sheet of their role, and a sheet prints
on one A4 page."""

import datetime as dt
import subprocess
import tempfile

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.core.audit import AuditEvent
from gongzhi.core.errors import InvalidInput
from gongzhi.duties.models import Section, SheetVersion
from gongzhi.duties.selectors.sheets import section_blocks, sheet_of_user, version_on
from gongzhi.duties.services import sheets as services

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.world()


def _client(u) -> Client:
    client = Client()
    client.force_login(u)
    return client


def _pdfinfo(data: bytes) -> dict:
    """What poppler's pdfinfo says of a PDF (pages, page size)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        out = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True, check=True).stdout  # noqa: S603,S607
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def _texts(version, section):
    return [i.text for i in version.items.filter(section=section).order_by("number")]


def test_given_sheets_per_role_when_people_open_their_home_page_then_each_sees_the_sheet_of_their_role(w):
    # given the district's sheets for grid workers and for community staff
    f.sheet(Role.GRID_WORKER, title="网格员明白纸")
    f.sheet(Role.COMMUNITY_STAFF, title="社区工作者明白纸", content={
        Section.KEY_TASKS: ["牵头做好扫黑除恶线索摸排。"], Section.RED_LINES: ["不得推诿群众诉求。"],
        Section.ACCOUNTABILITY: ["群众诉求超期未办结的，约谈社区书记。"]})
    # when the grid worker and the community staff open their home pages
    worker_home = _client(w.worker_a).get("/").content.decode()
    staff_home = _client(w.cstaff).get("/").content.decode()
    # then each sees their own sheet, with its key tasks, red lines and rules and a link to print it
    assert "网格员明白纸" in worker_home and "不得泄露居民个人信息。" in worker_home
    assert "社区工作者明白纸" not in worker_home
    assert "社区工作者明白纸" in staff_home and "不得推诿群众诉求。" in staff_home
    assert "/pdf/" in worker_home and "/print/" in worker_home
    # and a resident's home page shows no sheet
    assert "明白纸" not in _client(w.resident).get("/").content.decode()


def test_given_a_sheet_for_a_street_then_its_grid_workers_see_it_instead_of_the_districts(w):
    f.sheet(Role.GRID_WORKER, title="全区网格员明白纸")
    street = f.sheet(Role.GRID_WORKER, area=w.nodes["street"], title="西站街道网格员明白纸")
    assert sheet_of_user(w.worker_a) == street
    assert sheet_of_user(w.outsider).title == "全区网格员明白纸"


def test_given_a_sheet_when_the_district_saves_a_change_from_a_later_date_then_it_applies_from_that_date(w):
    sheet = f.sheet(Role.GRID_WORKER)
    old = version_on(sheet)
    later = timezone.localdate() + dt.timedelta(days=10)
    # when the district saves new red lines applying in ten days
    services.section_save(actor=w.admin, sheet=sheet, section=Section.RED_LINES, valid_from=later,
                          items="1. 不得瞒报安全生产隐患。\n2、不得吃拿卡要。\n\n不得泄露居民个人信息。", note="增加廉洁要求")
    # then today the old version still applies, and from that date the new one, with the other sections copied
    assert version_on(sheet) == old
    new = version_on(sheet, later)
    assert new != old and new.valid_from == later
    assert _texts(new, Section.RED_LINES) == ["不得瞒报安全生产隐患。", "不得吃拿卡要。", "不得泄露居民个人信息。"]
    assert _texts(new, Section.KEY_TASKS) == _texts(old, Section.KEY_TASKS)
    assert _texts(old, Section.RED_LINES) == f.GRID_SHEET[Section.RED_LINES]  # the old one kept as it was
    assert AuditEvent.objects.filter(action="duties.sheet.save_section").count() == 1
    # and a change to the past is refused beside the date
    with pytest.raises(InvalidInput) as refused:
        services.section_save(actor=w.admin, sheet=sheet, section=Section.RED_LINES, items="x",
                              valid_from=timezone.localdate() - dt.timedelta(days=1))
    assert "valid_from" in refused.value.fields
    # and the version in force is never changed in place
    with pytest.raises(InvalidInput):
        services.section_save(actor=w.admin, sheet=sheet, section=Section.RED_LINES, items="x",
                              valid_from=old.valid_from)
    assert SheetVersion.objects.filter(sheet=sheet).count() == 2


def test_given_the_sheet_page_when_the_district_saves_a_section_with_too_long_an_item_then_the_error_is_beside_it(w):
    sheet = f.sheet(Role.GRID_WORKER)
    client = _client(w.admin)
    page = client.post(f"/duties/sheets/{sheet.pk}/", {
        "section": "key_tasks", "key_tasks-items": "长" * 101, "key_tasks-valid_from": timezone.localdate().isoformat()})
    assert page.status_code == 422
    assert "100" in page.content.decode()
    saved = client.post(f"/duties/sheets/{sheet.pk}/", {
        "section": "key_tasks", "key_tasks-items": "做好安全生产巡查。\n做好违建治理。",
        "key_tasks-valid_from": (timezone.localdate() + dt.timedelta(days=1)).isoformat()})
    assert saved.status_code == 302
    # and a grid worker may read the sheet but not change it
    worker = _client(w.worker_a)
    assert worker.get(f"/duties/sheets/{sheet.pk}/").status_code == 200
    assert worker.post(f"/duties/sheets/{sheet.pk}/", {"section": "key_tasks"}).status_code == 403


def test_given_the_demo_sized_sheet_when_printed_then_the_pdf_is_one_a4_page(w):
    # given the most a sheet may hold: twelve items of 100 characters in each section
    full = {section: [(f"第{n}条：" + "按照有权必有责、权责必相等、失职必追究的原则落实责任，" * 4)[:100] for n in range(12)]
            for section in (Section.KEY_TASKS, Section.RED_LINES, Section.ACCOUNTABILITY)}
    for content in (f.GRID_SHEET, full):
        sheet = f.sheet(Role.GRID_WORKER if content is f.GRID_SHEET else Role.STREET_STAFF, content=content)
        response = _client(w.worker_a).get(f"/duties/sheets/{sheet.pk}/pdf/")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        info = _pdfinfo(response.content)
        assert info["Pages"] == "1"
        assert info["Page size"].startswith("595.276 x 841.89")  # A4 in points
    assert AuditEvent.objects.filter(action="duties.sheet.print").count() == 2
    # and the print-friendly page shows the same content
    page = _client(w.worker_a).get(f"/duties/sheets/{sheet.pk}/print/").content.decode()
    assert f"/duties/sheets/{sheet.pk}/pdf/" in page and "第11条" in page


def test_given_another_districts_sheet_then_it_is_404(w):
    other = f.sheet(Role.GRID_WORKER, area=w.nodes["other_street"], title="别的街道")
    client = _client(w.worker_a)
    assert client.get(f"/duties/sheets/{other.pk}/").status_code == 404
    assert client.get(f"/duties/sheets/{other.pk}/pdf/").status_code == 404
    assert client.get(f"/api/duties/sheets/{other.pk}").status_code == 404
    assert _client(w.outsider).get(f"/api/duties/sheets/{other.pk}").status_code == 200


def test_given_the_api_when_the_district_makes_a_sheet_and_saves_sections_then_mine_shows_it(w):
    client = _client(w.admin)
    made = client.post("/api/duties/sheets", {"role": "grid_worker", "title": "网格员明白纸"},
                       content_type="application/json")
    assert made.status_code == 201, made.content
    sheet_id = made.json()["id"]
    bad = client.put(f"/api/duties/sheets/{sheet_id}/sections/red_lines", {"items": ["x"] * 13},
                     content_type="application/json")
    assert bad.status_code == 400 and "items" in str(bad.json())
    for section, items in f.GRID_SHEET.items():
        saved = client.put(f"/api/duties/sheets/{sheet_id}/sections/{section}", {"items": items},
                           content_type="application/json")
        assert saved.status_code == 200, saved.content
    mapped = client.put(f"/api/duties/sheets/{sheet_id}/mappings", {"source_kind": f.UNHEEDED, "rule_number": 1},
                        content_type="application/json")
    assert mapped.status_code == 200 and mapped.json() == [{"source_kind": f.UNHEEDED, "rule_number": 1}]
    mine = _client(w.worker_a).get("/api/duties/sheets/mine").json()
    blocks = {s["key"]: [i["text"] for i in s["items"]] for s in mine["sections"]}
    assert blocks["red_lines"] == f.GRID_SHEET[Section.RED_LINES]
    # and a grid worker may not make one
    assert _client(w.worker_a).post("/api/duties/sheets", {"role": "grid_worker", "title": "x"},
                                    content_type="application/json").status_code == 403


def test_section_blocks_are_in_the_sheets_order(w):
    sheet = f.sheet()
    assert [b["key"] for b in section_blocks(version_on(sheet))] == ["key_tasks", "red_lines", "accountability"]
