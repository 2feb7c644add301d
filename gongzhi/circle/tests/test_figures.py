"""The service circle figures as their users see them: the page, the .xlsx and the API give the same
numbers; only what the user's scope holds is counted; a node outside it is 404; the export is
audited; the dashboard's provider gives the key figures."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.circle.selectors.figures import circle_figures, dashboard_figures, period_of
from gongzhi.core.components import figure_providers
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


def test_given_orders_of_two_districts_when_the_community_counts_then_only_its_own_are_in_the_figures(w):
    start, end = period_of()
    total = circle_figures(user=w["community_staff"], start=start, end=end, with_coverage=False).total
    assert total.orders == 4 and total.done == 2 and total.state("cancelled") == 1 and total.overdue == 1
    assert (total.hours_to_dispatch, total.hours_to_accept, total.hours_to_deliver) == (2.0, 2.0, 2.0)
    assert total.average_stars == 4.0 and total.satisfied_share == 0.5
    assert (total.bookings, total.checked_in, total.booking_no_shows) == (2, 1, 1)
    assert (total.appointments, total.served) == (1, 1)


def test_given_the_street_when_counting_per_community_then_the_rows_add_up_to_the_total(w):
    start, end = period_of()
    result = circle_figures(user=w["street_staff"], start=start, end=end, with_coverage=False)
    assert [r.name for r in result.rows] == ["瓜州路社区"]
    assert result.rows[0].orders == result.total.orders == 4
    assert [p.name for p in result.points if p.bookings] == ["瓜州路社区新时代文明实践站"]


def test_given_a_period_before_the_orders_when_counting_then_nothing_is_counted(w):
    long_ago = timezone.localdate() - dt.timedelta(days=90)
    total = circle_figures(user=w["community_staff"], start=long_ago, end=long_ago + dt.timedelta(days=10),
                           with_coverage=False).total
    assert total.orders == 0 and total.bookings == 0


def test_given_the_community_staff_when_opening_the_page_then_the_tables_show_the_numbers(w):
    page = _client(w["community_staff"]).get(reverse("circle:figures"))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="nodes"' in text and 'id="points"' in text and 'id="coverage"' in text
    assert "瓜州路社区新时代文明实践站" in text and reverse("circle:figures-export") in text


def test_given_a_resident_when_opening_the_figures_then_refused(w):
    assert _client(w["resident"]).get(reverse("circle:figures")).status_code in (403, 404)
    assert _client(w["resident"]).get("/api/circle/figures").status_code == 403


def test_given_a_node_of_district_one_when_staff_of_district_two_ask_then_404(w):
    client = _client(w["other"]["community_staff"])
    assert client.get(reverse("circle:figures"), {"node_id": w["community"].pk}).status_code == 404
    assert client.get(reverse("circle:figures-export"), {"node_id": w["community"].pk}).status_code == 404
    assert client.get("/api/circle/figures", {"node_id": w["community"].pk}).status_code == 404


def test_given_a_bad_period_when_asking_then_the_error_names_the_field(w):
    page = _client(w["community_staff"]).get(reverse("circle:figures"), {"start": "2026-05-01", "end": "2026-04-01"})
    assert page.status_code == 400 and 'id="end-error"' in page.content.decode()
    api = _client(w["community_staff"]).get("/api/circle/figures", {"level": "building"})
    assert api.status_code == 400 and "level" in api.json()["fields"]


def test_given_the_community_staff_when_downloading_then_the_xlsx_holds_the_numbers_and_is_audited(w):
    answer = _client(w["community_staff"]).get(reverse("circle:figures-export"), {"node_id": w["community"].pk})
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content), read_only=True)
    per_area = [row for row in book.worksheets[0].iter_rows(values_only=True) if row and len(row) > 2]
    assert any(row[1] == 4 and row[2] == 2 for row in per_area)
    assert AuditEvent.objects.filter(action="circle.figures.export").count() == 1


def test_given_the_api_when_asked_then_it_gives_the_page_numbers(w):
    data = _client(w["community_staff"]).get("/api/circle/figures").json()
    assert data["total"]["orders"] == 4 and data["total"]["orders_overdue"] == 1
    assert data["total"]["average_stars"] == 4.0


def test_given_the_dashboard_when_it_reads_the_provider_then_the_key_figures_come(w):
    assert "circle.summary" in {p.key for _, p in figure_providers()}
    today = timezone.localdate()
    figures = {row["key"]: row["value"] for row in dashboard_figures(
        user=w["community_staff"], node=None, start=today - dt.timedelta(days=30), end=today + dt.timedelta(days=1))}
    assert figures["circle.orders"] == 4 and figures["circle.orders_done"] == 2
    assert figures["circle.no_shows"] == 1
    assert dashboard_figures(user=w["resident"], node=None, start=today, end=today) == []
