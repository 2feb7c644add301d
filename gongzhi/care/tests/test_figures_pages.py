"""The care figures page, its .xlsx and the API as their users see them: the same numbers in all
three, a node outside one's scope is 404, the export is audited."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.care.selectors.figures import care_figures, period_of
from gongzhi.core.models import AuditEvent

from . import factories_figures as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.world()


def _client(u) -> Client:
    client = Client()
    client.force_login(u)
    return client


def test_given_the_community_staff_when_opening_the_page_then_the_three_tables_show_the_numbers(w):
    page = _client(w["community_staff"]).get(reverse("care:figures"))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="nodes"' in text and 'id="branches"' in text and 'id="carers"' in text
    assert "第A网格" in text and "第B网格" in text and "王建国" in text and "李秀兰" in text
    assert "5.5" in text and "table-scroll" in text and "data-label=" in text
    assert reverse("care:figures-export") in text


def test_given_a_node_of_district_one_when_a_staff_of_district_two_asks_then_404(w):
    other = f.factories.care_world()
    client = _client(other["community_staff"])
    assert client.get(reverse("care:figures"), {"node_id": w["community"].pk}).status_code == 404
    assert client.get(reverse("care:figures-export"), {"node_id": w["community"].pk}).status_code == 404
    assert client.get("/api/care/figures", {"node_id": w["community"].pk}).status_code == 404
    own = client.get(reverse("care:figures")).content.decode()
    assert "王建国" not in own and "李秀兰" not in own


def test_given_a_bad_period_when_opening_the_page_then_the_error_shows_beside_the_field(w):
    page = _client(w["community_staff"]).get(reverse("care:figures"), {"start": "2026-05-01", "end": "2026-04-01"})
    assert page.status_code == 400
    assert 'id="end-error"' in page.content.decode()
    api = _client(w["community_staff"]).get("/api/care/figures", {"level": "building"})
    assert api.status_code == 400 and "level" in api.json()["fields"]


def test_given_the_community_staff_when_downloading_then_the_xlsx_holds_the_numbers_and_is_audited(w):
    answer = _client(w["community_staff"]).get(reverse("care:figures-export"), {"node_id": w["community"].pk})
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    assert len(book.sheetnames) == 3
    areas = [list(r) for r in book.worksheets[0].iter_rows(min_row=4, values_only=True)]
    grid_a = next(r for r in areas if r[0] == "第A网格")
    # area, tagged, with a plan, coverage, plans, due, done, share done, missed, visits, average days
    assert grid_a[1:3] == [1, 1] and grid_a[4:7] == [2, 3, 2] and grid_a[8:11] == [1, 5, 5.5]
    people = {r[0]: r[3:7] for r in book.worksheets[2].iter_rows(min_row=4, values_only=True)}
    assert people["王建国"] == (2, 1, 1, 2) and people["李秀兰"] == (1, 1, 0, 3)
    assert AuditEvent.objects.filter(action="care.figures.export").count() == 1


def test_given_the_branch_secretary_when_opening_the_page_or_the_api_then_403(w):
    client = _client(w["secretary"])
    assert client.get(reverse("care:figures")).status_code == 403
    assert client.get(reverse("care:figures-export")).status_code == 403
    assert client.get("/api/care/figures").status_code == 403


def test_given_the_community_staff_when_asking_the_api_then_it_returns_what_the_page_counts(w):
    answer = _client(w["community_staff"]).get("/api/care/figures", {"node_id": w["community"].pk})
    assert answer.status_code == 200
    data = answer.json()
    start, end = period_of()
    expected = care_figures(user=w["community_staff"], node=w["community"], start=start, end=end).as_data()
    assert data == expected
    grid_a = next(r for r in data["nodes"] if r["name"] == "第A网格")
    assert (grid_a["households_tagged"], grid_a["households_tagged_with_plan"], grid_a["turns_due"],
            grid_a["turns_done"], grid_a["turns_missed"], grid_a["average_days_between_visits"]) == (1, 1, 3, 2, 1, 5.5)
    assert data["total"]["coverage"] == 0.5
    assert {c["name"]: c["turns_missed"] for c in data["carers"]} == {"王建国": 1, "李秀兰": 0}
