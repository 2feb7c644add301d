"""The pages: the period with its units and scores, the drill-down, the plan form (locked: the
reason beside the lines), the export (audited), out of scope 404."""

import io

import pytest
from openpyxl import load_workbook

from gongzhi.areas.tests.factories import tree
from gongzhi.core.models import AuditEvent
from gongzhi.targets.services import periods as period_services

from .factories import cases_at, indicator, period, plan, world

pytestmark = pytest.mark.django_db


def test_the_period_page_ranks_and_the_unit_page_drills_down(client):
    w = world()
    requests = indicator()
    cases_at(w, "building_a", 3)
    p = period(w)
    plan(w, p, w.nodes["community"], [(requests, 100, 4)])
    client.force_login(w.sstaff)
    page = client.get(f"/targets/periods/{p.pk}/").content.decode()
    assert "75.00" in page and "1 / 1" in page
    unit = client.get(f"/targets/periods/{p.pk}/units/{w.nodes['community'].pk}/").content.decode()
    assert "指标requests" in unit and "75.00" in unit and f"/cases/figures/?node={w.nodes['community'].pk}" in unit


def test_the_plan_form_saves_and_refuses_beside_the_field_once_locked(client):
    w = world()
    requests = indicator()
    p = period(w)
    client.force_login(w.sstaff)
    url = f"/targets/periods/{p.pk}/units/{w.nodes['community'].pk}/plan/"
    bad = client.post(url, {f"weight_{requests.pk}": "80", f"target_{requests.pk}": "3"})
    assert bad.status_code == 400 and 'id="lines-error"' in bad.content.decode()
    ok = client.post(url, {f"weight_{requests.pk}": "100", f"target_{requests.pk}": "3"})
    assert ok.status_code == 302
    period_services.open_period(actor=w.admin, period=p)
    locked = client.post(url, {f"weight_{requests.pk}": "100", f"target_{requests.pk}": "9"})
    body = locked.content.decode()
    assert locked.status_code == 400 and 'id="lines-error"' in body
    assert p.plans.get().lines.get().target == 3


def test_the_export_is_a_workbook_and_audited(client):
    w = world()
    requests = indicator()
    p = period(w)
    plan(w, p, w.nodes["community"], [(requests, 100, 4)])
    client.force_login(w.admin)
    response = client.get(f"/targets/periods/{p.pk}/export/")
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 2
    assert AuditEvent.objects.filter(action="targets.scores.export").count() == 1


def test_out_of_scope_is_404(client):
    w = world()
    other = tree()
    requests = indicator()
    p = period(w)
    plan(w, p, w.nodes["community"], [(requests, 100, 4)])
    # a community's staff do not see the other community of their street, nor another district
    client.force_login(w.cstaff)
    assert client.get(f"/targets/periods/{p.pk}/units/{w.nodes['community_2'].pk}/").status_code == 404
    assert client.get(f"/targets/periods/{p.pk}/units/{other['community'].pk}/").status_code == 404
    client.force_login(w.admin)
    from gongzhi.accounts.tests.factories import user

    stranger = user("district_admin", nodes=[other["district"]])
    client.force_login(stranger)
    assert client.get(f"/targets/periods/{p.pk}/").status_code == 404
    assert client.get(f"/api/targets/periods/{p.pk}/scores").status_code == 404


@pytest.mark.parametrize("path", ["/targets/", "/targets/indicators/", "/targets/templates/", "/targets/stars/",
                                  "/targets/stars/published/"])
def test_the_lists_open(client, path):
    w = world()
    indicator()
    client.force_login(w.admin)
    assert client.get(path).status_code == 200
