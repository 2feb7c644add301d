"""The dashboard of a node: the figures of the month read off the roll-ups, the ranking of the
children, the open cases now, and the scope boundary."""

import pytest
from django.urls import reverse

from gongzhi.cases import services
from gongzhi.cases.models import Rating, Result
from gongzhi.cases.tests.factories import in_progress, submit
from gongzhi.dashboard import selectors
from gongzhi.dashboard.periods import this_month

pytestmark = pytest.mark.django_db


def test_the_street_dashboard_counts_the_month_and_ranks_its_communities(w):
    # given two requests this month in the street's only community, one handled and rated
    submit(w)
    case = in_progress(w)
    services.case_record_contact(actor=w.worker_a, case=case, method="phone", note="已联系")
    services.case_resolve(actor=w.worker_a, case=case, result=Result.SOLVED, feedback="已清运")
    services.case_rate(actor=w.resident, case=case, rating=Rating.SATISFIED, solved=True)
    # when the street's staff read the street's dashboard
    data = selectors.overview(user=w.sstaff, node=w.street, month=this_month())
    # then the month's figures count both, and the community ranks first with its rates
    assert data.headline["counts"]["cases"] == 2
    assert data.headline["resolution_rate"] == 1
    ranking = data.table("ranking")
    assert [r["name"] for r in ranking.rows] == [w.community.name]
    assert ranking.rows[0]["cases"] == 2 and ranking.rows[0]["rank"] == 1
    assert data.table("now").rows[0]["count"] == 1  # one still open


def test_the_page_shows_the_dashboard_and_a_node_outside_scope_is_404(w, client):
    submit(w)
    client.force_login(w.cstaff)
    page = client.get(reverse("dashboard:node", args=[w.community.pk]))
    assert page.status_code == 200
    assert "table-trend" in page.content.decode()
    # the street above the community staff's scope is not theirs
    assert client.get(reverse("dashboard:node", args=[w.street.pk])).status_code == 404
    # and their home goes to their community
    assert client.get(reverse("dashboard:home")).url == reverse("dashboard:node", args=[w.community.pk])


def test_a_month_typed_wrong_is_refused_beside_the_field(w, client):
    client.force_login(w.sstaff)
    page = client.get(reverse("dashboard:node", args=[w.street.pk]), {"month": "2026-13"})
    assert page.status_code == 400
    assert 'id="month-error"' in page.content.decode()


def test_a_table_exports_as_xlsx_with_the_rows_of_the_page_and_is_audited(w, client):
    import io

    from openpyxl import load_workbook

    from gongzhi.core.models import AuditEvent

    submit(w)
    client.force_login(w.sstaff)
    response = client.get(reverse("dashboard:table-export", args=[w.street.pk, "ranking"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert any(w.community.name in (row or []) for row in values)
    assert AuditEvent.objects.filter(action="dashboard.table.export").count() == 1
    # a table of a node outside scope is 404
    client.force_login(w.cstaff)
    assert client.get(reverse("dashboard:table-export", args=[w.street.pk, "ranking"])).status_code == 404
