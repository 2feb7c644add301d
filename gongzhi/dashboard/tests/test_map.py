"""The map of a node's children: one linked, shaded shape per child with an outline, the others
listed under it, nothing outside the user's scope, a wrong measure refused beside the picker, and a
grid's own outline with its buildings."""

import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from gongzhi.areas import services as area_services
from gongzhi.areas.tests.factories import ACTOR, child
from gongzhi.cases.tests.factories import submit
from gongzhi.core.errors import InvalidInput
from gongzhi.dashboard import maps, selectors
from gongzhi.dashboard.periods import this_month

pytestmark = pytest.mark.django_db


def square(column: int, row: int = 0) -> list[list[float]]:
    lng, lat = 103.76 + column * 0.004, 36.055 - row * 0.003
    return [[lng, lat], [lng + 0.004, lat], [lng + 0.004, lat + 0.003], [lng, lat + 0.003]]


def outline(node, shape):
    return area_services.area_node_update(actor=ACTOR, node=node, name=node.name, outline=shape)


def street_map(w, user=None, shade="filed"):
    data = selectors.overview(user=user or w.sstaff, node=w.street, month=this_month())
    return maps.map_for(overview=data, shade=shade, month=this_month(), user=user or w.sstaff)


def paths(svg: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" class="map-link"><path class="map-area ([\w-]+)"', str(svg))


def test_each_child_with_an_outline_is_one_linked_shaded_shape_and_the_rest_are_listed(w):
    # given a street with three communities: two drawn on the map, one without an outline yet
    outline(w.community, square(0))
    second = outline(child(w.street, name="建西东路社区"), square(1))
    third = child(w.street, name="武威路社区")
    for _ in range(4):
        submit(w)  # four requests in the first community this month, none in the second
    # when the street's staff read the map shaded by volume
    result = street_map(w)
    # then each outlined community is one shape linking to its own dashboard of the same month and measure
    drawn = paths(result.svg)
    month = this_month().key
    assert [url for url, _css in drawn] == [
        f"{reverse('dashboard:node', args=[w.community.pk])}?month={month}&amp;shade=filed",
        f"{reverse('dashboard:node', args=[second.pk])}?month={month}&amp;shade=filed",
    ]
    # and the busier community is in the darkest class, the quiet one in the lightest
    assert [css for _url, css in drawn] == ["shade-4", "shade-0"]
    assert f"<title>{w.community.name}: 4</title>" in str(result.svg)
    assert f">{second.name}</text>" in str(result.svg)
    # and the community without an outline is listed under the map as a link
    assert [m["name"] for m in result.missing] == [third.name]
    assert result.legend[0]["css"] == "shade-0" and result.legend[-1]["label"] == "4及以上"


def test_rates_are_shaded_against_fixed_bounds_and_no_figures_is_its_own_class():
    classify, legend = maps._classes("rate", [Decimal("0.95"), Decimal("0.55"), None])
    assert [classify(v) for v in (Decimal("0.95"), Decimal("0.85"), Decimal("0.7"), Decimal("0.55"), None)] == [
        "shade-4", "shade-3", "shade-2", "shade-0", "shade-none"]
    assert [item["css"] for item in legend] == ["shade-0", "shade-1", "shade-2", "shade-3", "shade-4", "shade-none"]


def test_a_child_without_figures_is_drawn_with_no_data_when_shaded_by_a_rate(w):
    outline(w.community, square(0))
    result = street_map(w, shade="satisfaction_rate")
    assert [css for _url, css in paths(result.svg)] == ["shade-none"]
    assert f"<title>{w.community.name}: —</title>" in str(result.svg)


def test_children_outside_the_users_scope_are_not_drawn(w, client):
    # given the street's two communities, each with its grids on the map
    outline(w.community, square(0))
    other = outline(child(w.street, name="建西东路社区"), square(1))
    other_grid = outline(child(other, name="第1网格"), square(1, 1))
    outline(w.grid_a, square(0, 1))
    outline(w.grid_b, square(0, 2))
    # when the first community's staff read their community's map
    data = selectors.overview(user=w.cstaff, node=w.community, month=this_month())
    svg = str(maps.map_for(overview=data, shade="filed", month=this_month(), user=w.cstaff).svg)
    # then their two grids are drawn and nothing of the other community
    assert len(paths(svg)) == 2
    assert other.name not in svg and f"/dashboard/{other_grid.pk}/" not in svg
    # while the street's staff see both communities
    assert len(paths(street_map(w).svg)) == 2
    # and the other community's map is not theirs to open
    client.force_login(w.cstaff)
    assert client.get(reverse("dashboard:node", args=[other.pk])).status_code == 404


def test_a_wrong_measure_is_refused_beside_the_picker(w, client, rf):
    outline(w.community, square(0))
    client.force_login(w.sstaff)
    page = client.get(reverse("dashboard:node", args=[w.street.pk]), {"shade": "salary"})
    assert page.status_code == 400
    # the map itself shows the error beside the picker and keeps the default shading
    request = rf.get("/", {"shade": "salary"})
    request.user = w.sstaff
    data = selectors.overview(user=w.sstaff, node=w.street, month=this_month())
    result = maps.map_from_request(request, data)
    html = render_to_string("dashboard/_map.html", {"map": result})
    assert result.invalid and result.shade == "filed"
    assert 'aria-describedby="shade-error"' in html and 'id="shade-error"' in html
    assert "请从列表中选择一项指标。" in html
    with pytest.raises(InvalidInput):
        maps.parse_shade("salary")


def test_the_picker_keeps_the_month_and_offers_every_measure(w):
    outline(w.community, square(0))
    html = render_to_string("dashboard/_map.html", {"map": street_map(w, shade="composite")})
    assert f'name="month" value="{this_month().key}"' in html
    assert '<option value="composite" selected>' in html
    assert html.count("<option") == 5
    assert 'style="' not in html


def test_a_grid_shows_its_own_outline_and_its_buildings(w):
    # given grid A with an outline and its building placed on the map
    grid = outline(w.grid_a, square(0))
    area_services.area_node_update(actor=ACTOR, node=w.building_a, name=w.building_a.name,
                                   latitude=Decimal("36.0565"), longitude=Decimal("103.7620"))
    # when its grid worker reads the grid's map
    data = selectors.overview(user=w.worker_a, node=grid, month=this_month())
    result = maps.map_for(overview=data, shade="filed", month=this_month(), user=w.worker_a)
    svg = str(result.svg)
    # then the grid's outline is drawn (not linked) with its one building as a dot
    assert svg.count("<path") == 1 and "map-link" not in svg
    assert svg.count('<circle class="map-building"') == 1
    assert f"<title>{w.building_a.name}</title>" in svg


def test_a_grid_without_an_outline_says_so(w):
    data = selectors.overview(user=w.worker_b, node=w.grid_b, month=this_month())
    result = maps.map_for(overview=data, shade="filed", month=this_month(), user=w.worker_b)
    assert not result.svg and result.note == "该网格尚未设置边界。"
