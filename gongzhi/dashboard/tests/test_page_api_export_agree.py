"""One fixture read three ways — the dashboard page, the API and the .xlsx export of a table — gives
the same numbers (a rate is 66.7% on the page, 0.6667 in the API and in the spreadsheet)."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.areas.tests.factories import child
from gongzhi.cases import services
from gongzhi.cases.models import Rating, Result
from gongzhi.cases.tests.factories import in_progress, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def street(w):
    """Two communities of the street with requests: the first with three (one handled and rated
    satisfied, one rated not solved, one still open), the second with one."""
    second = child(w.street, name="敦煌路社区")
    grid = child(second, name="第一网格")
    building = child(grid, name="9号楼")
    for rating, solved in ((Rating.SATISFIED, True), (Rating.UNSATISFIED, False)):
        case = in_progress(w)
        services.case_record_contact(actor=w.worker_a, case=case, method="phone", note="已联系")
        services.case_resolve(actor=w.worker_a, case=case, result=Result.SOLVED, feedback="已处理")
        services.case_rate(actor=w.resident, case=case, rating=rating, solved=solved)
    submit(w)
    w.nodes["building_c"] = building
    submit(w, where="building_c")
    return w


def page_rows(html: str, key: str) -> list[list[str]]:
    section = html.split(f'id="table-{key}"', 1)[1].split("</section>", 1)[0]
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for tr in re.findall(r"<tr.*?</tr>", body, flags=re.S):
        rows.append([re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", tr, flags=re.S)])
    return rows


def test_the_ranking_reads_the_same_on_the_page_in_the_api_and_in_the_export(street, client):
    w = street
    client.force_login(w.sstaff)
    # the API
    api = client.get(f"/api/dashboard/nodes/{w.street.pk}/tables/ranking").json()
    by_name = {row["name"]: row for row in api["rows"]}
    first = by_name[w.community.name]
    assert first["cases"] == 3 and first["response_rate"] is not None
    # the page: the same counts, the rates as percentages of the same shares
    html = client.get(reverse("dashboard:node", args=[w.street.pk])).content.decode()
    page = {row[1]: row for row in page_rows(html, "ranking")}
    keys = [c["key"] for c in api["columns"]]
    for name, row in by_name.items():
        cells = page[name]
        assert cells[keys.index("cases")] == str(row["cases"])
        for rate in ("response_rate", "resolution_rate", "satisfaction_rate", "composite"):
            shown = cells[keys.index(rate)]
            assert shown == ("—" if row[rate] is None else f"{row[rate] * 100:.1f}%"), (name, rate)
    # the export: the same values under the same headers, rates formatted as percentages
    xlsx = client.get(reverse("dashboard:table-export", args=[w.street.pk, "ranking"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    lines = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, line in enumerate(lines) if line and line[0] == api["columns"][0]["label"])
    header = list(lines[header_at])
    compared = 0
    for line in lines[header_at + 1:]:
        if not line or line[header.index(api["columns"][1]["label"])] not in by_name:
            continue
        row = by_name[line[header.index(api["columns"][1]["label"])]]
        assert line[keys.index("cases")] == row["cases"]
        for rate in ("response_rate", "resolution_rate", "satisfaction_rate"):
            assert line[keys.index(rate)] == row[rate]
        compared += 1
    assert compared == len(by_name) == 2


def test_the_headline_of_the_api_is_the_page_s(street, client):
    w = street
    client.force_login(w.sstaff)
    api = client.get(f"/api/dashboard/nodes/{w.street.pk}").json()
    assert api["headline"]["counts"]["cases"] == 4
    html = client.get(reverse("dashboard:node", args=[w.street.pk])).content.decode()
    shown = re.search(r'id="headline-resolution_rate".*?class="stat-value">([^<]+)<', html, flags=re.S).group(1)
    assert shown == f"{api['headline']['resolution_rate'] * 100:.1f}%"


def test_the_api_refuses_a_bad_month_on_its_field_and_hides_other_areas(street, client):
    w = street
    client.force_login(w.cstaff)
    bad = client.get(f"/api/dashboard/nodes/{w.community.pk}", {"month": "2026-13"})
    assert bad.status_code == 400 and "month" in bad.json()["fields"]
    assert client.get(f"/api/dashboard/nodes/{w.street.pk}").status_code == 404
    assert client.get(f"/api/dashboard/nodes/{w.community.pk}/tables/nothing").status_code == 404
    assert [n["id"] for n in client.get("/api/dashboard/nodes").json()][0] == w.community.pk
