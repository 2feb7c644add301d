"""Co-building figures per street and community on a small world: the page, the API, the .xlsx
(read back) and scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import child, tree
from gongzhi.cobuilding.models import NeedState, ProjectState, ServiceLog
from gongzhi.cobuilding.selectors.figures import figures, period_of
from gongzhi.cobuilding.tests import factories as f
from gongzhi.core.models import AuditEvent
from gongzhi.party.tests.factories import organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def small():
    """Two communities of one street: 瓜州路社区 (2 members, one active; one unit; needs 2 raised, 1
    met; resources 3/10 and 2/5; a project under way and one planned) and 秀川社区 (1 member)."""
    nodes = tree()
    second = child(nodes["street"], name="秀川社区")
    org = organization(None, kind="district_committee", area=nodes["district"], name="区委")
    today = timezone.localdate()
    active = f.member_report(f.in_service_member(org, name="甲"), nodes["community"])
    f.member_report(f.in_service_member(org, name="乙"), nodes["community"])
    f.member_report(f.in_service_member(org, name="丙"), second)
    ServiceLog.objects.create(report=active, served_on=today, hours=2, what="入户走访")
    ServiceLog.objects.create(report=active, served_on=today, hours=1, what="清理楼道")
    school = f.unit(nodes["community"], name="七里河区第二小学")
    unit_report = f.unit_report(school, nodes["community"])
    f.resource(unit_report, capacity=10, used=3)
    f.resource(unit_report, title="志愿服务", capacity=5, used=2)
    f.need(nodes["grid_a"])
    met = f.need(nodes["grid_a"], title="楼道灯维修", state=NeedState.CONFIRMED)
    met.confirmed_at = timezone.now()
    met.save()
    f.project(nodes["community"], school)
    running = f.project(nodes["grid_a"], school, title="加装路灯")
    running.state = ProjectState.ACTIVE
    running.save()
    staff = user("street_staff", nodes=[nodes["street"]])
    return {**nodes, "second": second, "staff": staff, "today": today}


def test_given_a_small_world_then_the_figures_count_per_community_and_street(small):
    start, end = period_of()
    result = figures(user=small["staff"], node=None, start=start, end=end)
    [street] = result.streets
    rows = {r.name: r for r in street.rows}
    g = rows["瓜州路社区"]
    assert (g.members, g.active_members, g.units, g.needs_raised, g.needs_met) == (2, 1, 1, 2, 1)
    assert (g.resources_used, g.resources_capacity) == (5, 15)
    assert g.projects == {ProjectState.PLANNED: 1, ProjectState.ACTIVE: 1}
    assert rows["秀川社区"].members == 1 and rows["秀川社区"].active_members == 0
    assert street.total.members == 3 and street.total.needs_met == 1


def test_given_a_past_year_then_nothing_of_this_quarter_counts_as_active_or_raised(small):
    year = small["today"].year - 1
    result = figures(user=small["staff"], node=None, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    total = result.streets[0].total
    assert (total.active_members, total.needs_raised, total.needs_met) == (0, 0, 0)
    assert total.members == 3  # registrations as they stand today


def test_given_the_figures_the_queries_do_not_grow_with_communities(small, django_assert_max_num_queries):
    for n in range(5):
        child(small["street"], name=f"新社区{n}")
    start, end = period_of()
    with django_assert_max_num_queries(14):
        figures(user=small["staff"], node=None, start=start, end=end)


def test_given_the_page_then_it_shows_rows_and_the_street_total(client, small):
    client.force_login(small["staff"])
    page = client.get(reverse("cobuilding:figures")).content.decode()
    assert "瓜州路社区" in page and "秀川社区" in page and "西站街道" in page and "5 / 15" in page


def test_given_the_api_then_it_answers_the_same_figures(client, small):
    client.force_login(small["staff"])
    data = client.get("/api/cobuilding/figures").json()
    street = data["streets"][0]
    assert street["total"]["members"] == 3 and street["total"]["needs_met"] == 1
    assert street["total"]["projects"]["active"] == 1


def test_given_the_export_then_the_xlsx_reads_back_and_is_audited(client, small):
    client.force_login(small["staff"])
    response = client.get(reverse("cobuilding:figures-export"), {"year": small["today"].year})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    body = {r[1]: r for r in rows[3:]}
    assert body["瓜州路社区"][2:9] == [2, 1, 1, 2, 1, 5, 15]
    assert any(str(name).endswith("西站街道") or "西站街道" in str(name) for name in body)
    assert AuditEvent.objects.filter(action="cobuilding.figures.export", actor=small["staff"]).count() == 1


def test_given_a_bad_period_then_it_is_refused_beside_the_field(client, small):
    client.force_login(small["staff"])
    response = client.get(reverse("cobuilding:figures"), {"start": "2026-05-01", "end": "2026-04-01"})
    assert response.status_code == 400 and 'id="end-error"' in response.content.decode()
    api = client.get("/api/cobuilding/figures", {"year": 1900})
    assert api.status_code in (400, 422) and "year" in api.json()["fields"]


def test_given_a_node_of_another_district_then_404(client, small):
    other = tree()
    client.force_login(small["staff"])
    assert client.get(reverse("cobuilding:figures"), {"node_id": other["community"].pk}).status_code == 404
    assert client.get(reverse("cobuilding:figures-export"), {"node_id": other["community"].pk}).status_code == 404
    assert client.get("/api/cobuilding/figures", {"node_id": other["community"].pk}).status_code == 404
