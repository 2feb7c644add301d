"""The monthly report of a street or community: its spreadsheet equals the overview, its PDF embeds
its font and renders Chinese with no system fonts, the worker makes it once on the first working day."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.utils.translation import gettext
from openpyxl import load_workbook

from gongzhi.cases.tests.factories import in_progress, submit
from gongzhi.core import calendar
from gongzhi.core.actors import SystemActor
from gongzhi.core.errors import InvalidInput
from gongzhi.core.models import AuditEvent
from gongzhi.dashboard import selectors
from gongzhi.dashboard.models import MonthlyReport
from gongzhi.dashboard.periods import month_of, this_month
from gongzhi.dashboard.services import reports

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor(label="test")


def _pdftotext(data: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode()


def test_the_community_report_spreadsheet_equals_the_overview(w):
    # given two requests this month in the community
    submit(w)
    in_progress(w)
    # when its report is made
    report = reports.make_report(actor=SYSTEM, node=w.community, month=this_month())
    # then the summary sheet and each table's sheet hold the overview's figures
    ov = selectors.overview(user=SYSTEM, node=w.community, month=this_month())
    wb = load_workbook(io.BytesIO(report.xlsx.read()))
    summary = {row[0]: row[1] for row in wb.worksheets[0].iter_rows(values_only=True)}
    assert summary[gettext("Requests")] == ov.headline["counts"]["cases"] == 2
    assert len(wb.worksheets) == 1 + len(ov.tables)
    trend = ov.table("trend")
    sheet = wb.worksheets[1 + ov.tables.index(trend)]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == str(trend.columns[0].label)
    assert rows[-1][1] == trend.rows[-1]["cases"] == 2
    assert report.figures["headline"]["counts"]["cases"] == 2


def test_the_pdf_embeds_its_font_and_holds_the_area_and_a_figure(w, tmp_path):
    submit(w)
    report = reports.make_report(actor=SYSTEM, node=w.community, month=this_month())
    data = report.pdf.read()
    assert b"/FontFile2" in data
    assert b"STSong" not in data  # no CID font the viewer must have
    text = _pdftotext(data, tmp_path)
    assert w.community.name in text


def test_the_pdf_renders_chinese_with_no_system_fonts(w, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed: cannot render the page")
    submit(w)
    report = reports.make_report(actor=SYSTEM, node=w.community, month=this_month())
    (tmp_path / "r.pdf").write_bytes(report.pdf.read())
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    f"<cachedir>{tmp_path}/cache</cachedir></fontconfig>")
    env = {"FONTCONFIG_FILE": str(conf), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "50", "-gray", str(tmp_path / "r.pdf"),
                    str(tmp_path / "p")], check=True, env=env, capture_output=True)
    from PIL import Image

    image = Image.open(next(tmp_path.glob("p*.pgm")))
    width, height = image.size
    # the title is centred in the top band of the page
    band = image.crop((0, 0, width, int(height * 0.12)))
    assert band.getextrema()[0] < 100


def test_the_street_report_compares_its_communities(w, tmp_path):
    submit(w)
    report = reports.make_report(actor=SYSTEM, node=w.street, month=this_month())
    ranking = next(t for t in report.figures["tables"] if t["key"] == "ranking")
    assert [r["name"] for r in ranking["rows"]] == [w.community.name]
    wb = load_workbook(io.BytesIO(report.xlsx.read()))
    assert any(w.community.name in [c.value for c in row] for ws in wb.worksheets for row in ws.iter_rows())
    text = _pdftotext(report.pdf.read(), tmp_path)
    assert w.community.name in text and w.street.name in text


def test_making_again_replaces_the_files_and_is_audited(w):
    first = reports.make_report(actor=SYSTEM, node=w.community, month=this_month())
    again = reports.make_report(actor=w.cstaff, node=w.community, month=this_month())
    assert first.pk == again.pk and MonthlyReport.objects.count() == 1
    assert AuditEvent.objects.filter(action="dashboard.report.generate").count() == 2


def test_a_grid_is_refused_beside_the_node(w):
    with pytest.raises(InvalidInput) as err:
        reports.make_report(actor=SYSTEM, node=w.nodes["grid_a"], month=this_month())
    assert "node" in err.value.fields


def test_the_worker_makes_last_months_reports_once_on_the_first_working_day():
    from gongzhi.cases.tests.factories import world

    world()
    month = month_of(dt.date(2026, 11, 1))
    first = calendar.next_working_day(month.end, include=True)
    # not on another day
    assert reports.make_due_reports(actor=SYSTEM, today=first + dt.timedelta(days=1)) == []
    made = reports.make_due_reports(actor=SYSTEM, today=first)
    assert {r.node.kind for r in made} == {"street", "community"}
    assert {r.month for r in made} == {month.start}
    # and once
    assert reports.make_due_reports(actor=SYSTEM, today=first) == []


def test_the_command_makes_one_nodes_report(w):
    call_command("dashboard_reports", "--node", w.community.code, "--month", this_month().key)
    assert MonthlyReport.objects.get().node == w.community


def test_the_communitys_staff_are_told_the_report_is_ready(w, django_capture_on_commit_callbacks):
    from gongzhi.core.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        reports.make_report(actor=SYSTEM, node=w.community, month=this_month())
    told = Notification.objects.filter(kind="dashboard.report_ready")
    assert [n.recipient for n in told] == [w.cstaff]
