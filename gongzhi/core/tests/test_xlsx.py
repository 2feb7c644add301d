"""Every .xlsx gongzhi writes is made for people: a title row, the scope and the period, a bold
header frozen under them, set column widths and number formats (rates as percentages). Each
export is downloaded as its users get it and opened with openpyxl."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from gongzhi.cases.tests import factories as cf
from gongzhi.core import xlsx
from gongzhi.residents.tests.factories import person

pytestmark = pytest.mark.django_db


def _open(content: bytes):
    return load_workbook(io.BytesIO(content))


def _made_for_people(sheet, *, scope: str = "", period: str = "") -> None:
    assert sheet["A1"].value and sheet["A1"].font.b, "a bold title in the first row"
    meta = str(sheet["A2"].value)
    assert scope in meta and period in meta, meta
    assert sheet.freeze_panes == f"A{xlsx.HEADER_ROW + 1}", "the header stays in view"
    header = [c for c in sheet[xlsx.HEADER_ROW] if c.value is not None]
    assert header and all(c.font.b for c in header), "a bold header"
    widths = [sheet.column_dimensions[c.column_letter].width for c in header]
    assert all(w and w >= 6 for w in widths), widths


def test_the_writer_formats_rates_dates_and_counts_and_keeps_text_as_text():
    content = xlsx.write_table(
        name="三率", title="三率统计", scope="西站街道 瓜州路社区", period="2026-12-01 — 2026-12-04",
        columns=[xlsx.Column("指标", 20), xlsx.Column("数值", 12, xlsx.PERCENT), xlsx.Column("日期", 12, xlsx.DATE)],
        rows=[["响应率", Decimal("0.5263"), dt.date(2026, 12, 1)], ["件数", xlsx.Value(19, xlsx.INTEGER), None],
              ["说明", "无\x07\x1b", None]],
    )
    sheet = _open(content).active
    _made_for_people(sheet, scope="瓜州路社区", period="2026-12-01 — 2026-12-04")
    assert sheet["B4"].value == 0.5263 and sheet["B4"].number_format == xlsx.PERCENT
    assert sheet["C4"].number_format == xlsx.DATE
    assert sheet["B5"].value == 19 and sheet["B5"].number_format == xlsx.INTEGER
    assert sheet["B6"].value == "无"  # control characters pasted into free text are dropped, not a 500
    assert sheet.column_dimensions["A"].width == 20


def test_the_three_rates_export_shows_rates_as_percentages_with_area_and_period(client):
    w = cf.world()
    cf.submit(w)
    client.force_login(w.cstaff)
    response = client.get("/cases/figures/", {"node": w.community.pk, "start": "2026-11-01", "end": "2026-11-30",
                                              "format": "xlsx"})
    sheet = _open(response.content).active
    _made_for_people(sheet, scope="西站街道 瓜州路社区", period="2026-11-01 — 2026-11-30")
    rates = list(sheet.iter_rows(min_row=xlsx.HEADER_ROW + 1, max_row=xlsx.HEADER_ROW + 4))
    assert all(row[1].number_format == xlsx.PERCENT for row in rates)


def test_the_residents_export_names_its_scope_and_keeps_the_template_headers(client):
    from gongzhi.residents.tests.factories import world

    w = world()
    client.force_login(w["community_staff"])
    response = client.post("/residents/export/", {})
    sheet = _open(response.content).active
    _made_for_people(sheet, scope="瓜州路社区")
    from gongzhi.residents import xlsx as template

    assert [c.value for c in sheet[xlsx.HEADER_ROW]][: len(template.HEADERS)] == template.HEADERS
    assert sheet.column_dimensions["C"].width >= 20  # the ID number column fits 18 digits
    assert w["person_a"].id_number not in str(list(sheet.values))


def test_the_case_list_export_formats_its_times(client):
    w = cf.world()
    cf.dispatched(w, "street-lights", title="路灯坏了")
    client.force_login(w.cstaff)
    sheet = _open(client.get("/cases/", {"box": "to_claim", "format": "xlsx"}).content).active
    _made_for_people(sheet, scope="瓜州路社区")
    row = sheet[xlsx.HEADER_ROW + 1]
    assert isinstance(row[12].value, dt.datetime) and row[12].number_format == xlsx.DATETIME


def test_the_person_export_and_the_import_report_are_made_for_people(client):
    from gongzhi.residents import xlsx as residents_xlsx

    w = cf.world()
    someone = person(w.household_a, name="张三", relation="head")
    client.force_login(w.cstaff)
    book = _open(client.get(f"/api/privacy/people/{someone.pk}/export", {"reason": "本人申请"}).content)
    for sheet in book.worksheets:
        _made_for_people(sheet)
    report = _open(residents_xlsx.report_bytes([(7, {"name": "李四", "id_number": "620102199001011234"},
                                                 ["公民身份号码校验码不对"])])).active
    _made_for_people(report)
    assert report.cell(row=xlsx.HEADER_ROW + 1, column=1).value == 7
    assert "620102199001011234" not in str(list(report.values))
