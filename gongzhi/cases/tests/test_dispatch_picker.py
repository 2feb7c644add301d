"""The dispatch dialog's picker: instead of typing a node id, staff choose among the valid targets
for the case — its street, community and grids within their own area (departments too for a
department-level matter) — labelled by name and code; dispatching through it moves the case."""

import pytest

from gongzhi.areas.tests.factories import child
from gongzhi.cases import services
from gongzhi.cases.models import Case, State
from gongzhi.cases.tests.factories import submit, world
from gongzhi.cases.tests.test_pages import as_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    w = world()
    # a second community of the same street, with its own grid
    w.nodes["other_community"] = child(w.street, name="敦煌路社区")
    w.nodes["grid_c"] = child(w.nodes["other_community"], name="第C网格")
    return w


def accepted(w, code: str = "shared-bikes", **extra) -> Case:
    case = submit(w, code, **extra)
    return services.case_accept(actor=w.cstaff, case=case)


def picker(client, case: Case) -> str:
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'name="target"' in page, "the dispatch dialog has no picker"
    start = page.index('name="target"')
    return page[start:page.index("</select>", start)]


def test_the_picker_lists_the_cases_grids_by_name_and_code_not_another_communitys(client, w):
    case = accepted(w)
    as_user(client, w.cstaff)
    options = picker(client, case)
    for grid in (w.grid_a, w.grid_b):
        assert grid.name in options and grid.code in options
        assert f'value="node:{grid.pk}"' in options
    assert f'value="node:{w.community.pk}"' in options
    assert w.nodes["grid_c"].name not in options
    assert w.nodes["other_community"].name not in options
    # the street lies outside a community's staff's area: not offered
    assert f'value="node:{w.street.pk}"' not in options
    # a grid-level matter offers no departments
    assert "department:" not in options
    assert 'name="node"' not in client.get(f"/cases/{case.pk}/").content.decode()  # no more typing ids


def test_street_staff_also_see_the_street_but_still_only_this_communitys_grids(client, w):
    case = accepted(w)
    as_user(client, w.sstaff)
    options = picker(client, case)
    assert f'value="node:{w.street.pk}"' in options and w.street.code in options
    assert f'value="node:{w.grid_a.pk}"' in options
    assert f'value="node:{w.nodes["grid_c"].pk}"' not in options


def test_a_department_level_matter_also_offers_the_districts_departments(client, w):
    case = accepted(w, "food-safety")
    as_user(client, w.cstaff)
    options = picker(client, case)
    market = w.departments["scjg"]
    assert f'value="department:{market.pk}"' in options and market.name in options
    assert f'value="node:{w.grid_a.pk}"' in options


def test_dispatching_through_the_picker_sends_the_case_to_the_chosen_grid(client, w):
    case = accepted(w)  # located in grid A
    as_user(client, w.cstaff)
    response = client.post(f"/cases/{case.pk}/act/dispatch/", {"target": f"node:{w.grid_b.pk}", "note": "B网格就近处理"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.level, case.area) == (State.DISPATCHED, "grid", w.grid_b)

    # the worker of grid B finds it to claim
    as_user(client, w.worker_b)
    assert case.title in client.get("/cases/?box=to_claim").content.decode()


def test_dispatching_to_a_department_through_the_picker(client, w):
    case = accepted(w, "food-safety")
    as_user(client, w.cstaff)
    client.post(f"/cases/{case.pk}/act/dispatch/", {"target": f"department:{w.departments['scjg'].pk}"})
    case.refresh_from_db()
    assert (case.state, case.level, case.department) == (State.DISPATCHED, "department", w.departments["scjg"])


def test_the_catalogue_route_is_the_default(client, w):
    case = accepted(w)
    as_user(client, w.cstaff)
    client.post(f"/cases/{case.pk}/act/dispatch/", {"target": "", "note": ""})
    case.refresh_from_db()
    assert (case.state, case.area) == (State.DISPATCHED, w.grid_a)


def test_a_forged_target_outside_the_area_or_malformed_changes_nothing(client, w):
    case = accepted(w)
    as_user(client, w.cstaff)
    forged = client.post(f"/cases/{case.pk}/act/dispatch/", {"target": f"node:{w.nodes['grid_c'].pk}"})
    assert forged.status_code == 404
    response = client.post(f"/cases/{case.pk}/act/dispatch/", {"target": "grid-a"}, follow=True)
    assert list(response.context["messages"])
    case.refresh_from_db()
    assert (case.state, case.area) == (State.ACCEPTED, w.community)
