"""The monthly reports' pages and API: the list of the scope, the download (audited, 404 outside
the scope), making a report now, a bad month or area refused beside the field."""

import pytest
from django.urls import reverse

from gongzhi.cases.tests.factories import submit
from gongzhi.core.actors import SystemActor
from gongzhi.core.models import AuditEvent
from gongzhi.dashboard.models import MonthlyReport
from gongzhi.dashboard.periods import this_month
from gongzhi.dashboard.services import reports

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor(label="test")


def test_the_list_shows_the_scope_and_the_download_is_audited(w, client):
    submit(w)
    report = reports.make_report(actor=SYSTEM, node=w.community, month=this_month())
    street = reports.make_report(actor=SYSTEM, node=w.street, month=this_month())
    client.force_login(w.cstaff)
    page = client.get(reverse("dashboard:reports"), {"month": this_month().key})
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("dashboard:report-download", args=[report.pk, "pdf"]) in html
    assert reverse("dashboard:report-download", args=[street.pk, "pdf"]) not in html  # above their scope
    got = client.get(reverse("dashboard:report-download", args=[report.pk, "xlsx"]))
    assert got.status_code == 200 and b"".join(got.streaming_content)[:2] == b"PK"
    assert AuditEvent.objects.filter(action="dashboard.report.download").count() == 1
    # the street's report is outside the community staff's scope
    assert client.get(reverse("dashboard:report-download", args=[street.pk, "pdf"])).status_code == 404


def test_a_bad_month_or_area_is_refused_beside_the_field(w, client):
    client.force_login(w.sstaff)
    page = client.get(reverse("dashboard:reports"), {"month": "2026-13"})
    assert page.status_code == 400 and 'id="month-error"' in page.content.decode()
    page = client.get(reverse("dashboard:reports"), {"area": "abc"})
    assert page.status_code == 400 and 'id="area-error"' in page.content.decode()
    api = client.get("/api/dashboard/reports", {"month": "x"})
    assert api.status_code == 400 and "month" in api.json()["fields"]


def test_staff_make_their_report_now_and_the_api_gives_the_file_urls(w, client):
    client.force_login(w.sstaff)
    made = client.post(reverse("dashboard:report-make", args=[w.street.pk]), {"month": this_month().key})
    assert made.status_code == 302
    assert MonthlyReport.objects.get().node == w.street
    api = client.post(f"/api/dashboard/nodes/{w.community.pk}/reports", {"month": this_month().key},
                      content_type="application/json")
    assert api.status_code == 201
    body = client.get(f"/api/dashboard/reports/{api.json()['id']}").json()
    assert body["pdf_url"] == reverse("dashboard:report-download", args=[body["id"], "pdf"])
    listed = client.get("/api/dashboard/reports").json()
    assert {r["node_name"] for r in listed} == {w.street.name, w.community.name}


def test_a_grid_worker_may_not_have_a_report_made(w, client):
    client.force_login(w.cstaff)
    # a grid is not a street or community
    api = client.post(f"/api/dashboard/nodes/{w.nodes['grid_a'].pk}/reports", {}, content_type="application/json")
    assert api.status_code in (400, 422) and "node" in api.json()["fields"]
