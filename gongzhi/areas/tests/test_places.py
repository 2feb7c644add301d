"""Places people recognise: addresses read the way people say them, the place picker's search
(names and pinyin initials) and next levels, the offline map's data, outlines — all scoped."""

import pytest
from django.urls import reverse

from gongzhi.accounts.tests.factories import user
from gongzhi.areas import selectors, services
from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.areas.tests.factories import ACTOR, child, district
from gongzhi.core.errors import InvalidInput

pytestmark = pytest.mark.django_db

SQUARE = [[103.76, 36.05], [103.77, 36.05], [103.77, 36.06], [103.76, 36.06]]


def estate_tree(name="铁建丽苑", community_name="瓜州路社区"):
    d = district()
    street = child(d, name="西站街道")
    community = child(street, name=community_name)
    grid = child(community, name="第1网格")
    estate = services.estate_save(actor=ACTOR, community=community, name=name)
    buildings = []
    for number in (1, 2, 3, 10):
        b = services.area_node_create(actor=ACTOR, parent=grid, kind=AreaKind.BUILDING, code=f"{grid.code}{number:03d}",
                                      name=f"{number}号楼", estate=estate, latitude=36.055, longitude=103.765)
        buildings.append(b)
    three = buildings[2]
    units = [child(three, name=f"{u}单元") for u in (1, 2)]
    flat = child(units[1], name="301室")
    return {"district": d, "street": street, "community": community, "grid": grid, "estate": estate,
            "buildings": buildings, "three": three, "units": units, "flat": flat}


def test_an_address_reads_the_way_people_say_it():
    t = estate_tree()
    # then the unit reads street, community, grid, estate, building and unit — never a code
    assert t["units"][1].full_name == "西站街道 瓜州路社区 第1网格 铁建丽苑 3号楼2单元"
    assert AreaNode.objects.get(pk=t["flat"].pk).full_name == "西站街道 瓜州路社区 第1网格 铁建丽苑 3号楼2单元301室"
    assert t["community"].full_name == "西站街道 瓜州路社区"
    # and many addresses come in one go, with the short form for lists inside a community
    many = selectors.addresses([t["flat"], t["three"]])
    assert many[t["three"].pk] == "西站街道 瓜州路社区 第1网格 铁建丽苑 3号楼"
    assert selectors.addresses([t["flat"]], short=True)[t["flat"].pk] == "铁建丽苑 3号楼2单元301室"


@pytest.mark.parametrize("query", ["tjly", "铁建", "TJLY", "铁建 3", "tjly3"])
def test_a_resident_finds_the_estate_and_its_building_by_name_or_pinyin_initials(client, query):
    t = estate_tree()
    estate_tree(name="金港城", community_name="建西东路社区")
    resident = user("resident")
    client.force_login(resident)
    # when they search
    found = client.get(reverse("api:area_places"), {"q": query}).json()
    labels = [p["label"] for p in found]
    # then the estate (or its building 3) is there, with the address people know; no other estate
    assert "铁建丽苑" in labels or "铁建丽苑 3号楼" in labels
    assert not any("金港城" in label for label in labels)
    three = next((p for p in found if p["id"] == t["three"].pk), None)
    if three:
        assert three["address"] == "西站街道 瓜州路社区 第1网格 铁建丽苑 3号楼"


def test_the_picker_goes_estate_building_unit_flat_in_natural_order(client):
    t = estate_tree()
    client.force_login(user("resident"))
    places = reverse("api:area_places")
    buildings = client.get(places, {"estate": t["estate"].pk}).json()
    assert [b["label"] for b in buildings] == ["1号楼", "2号楼", "3号楼", "10号楼"]
    units = client.get(places, {"parent": t["three"].pk}).json()
    assert [(u["label"], u["address"]) for u in units] == [
        ("1单元", "西站街道 瓜州路社区 第1网格 铁建丽苑 3号楼1单元"), ("2单元", "西站街道 瓜州路社区 第1网格 铁建丽苑 3号楼2单元")]
    flats = client.get(places, {"parent": t["units"][1].pk}).json()
    assert [f["label"] for f in flats] == ["301室"]


def test_staff_search_and_pick_only_in_their_scope_and_outside_is_404(client):
    mine, other = estate_tree(), estate_tree(name="金港城", community_name="建西东路社区")
    staff = user("community_staff", nodes=[mine["community"]])
    client.force_login(staff)
    places = reverse("api:area_places")
    assert client.get(places, {"q": "jgc"}).json() == []  # 金港城 lies outside
    assert client.get(places, {"q": "tjly"}).json()
    assert client.get(places, {"parent": other["three"].pk}).status_code == 404
    assert client.get(places, {"estate": other["estate"].pk}).status_code == 404
    assert client.get(places, {"parent": 99_999_999}).status_code == 404
    assert client.get(reverse("api:area_map"), {"node": other["three"].pk}).status_code == 404


def test_the_map_data_holds_outlines_and_buildings_and_nothing_from_outside():
    t = estate_tree()
    services.area_node_update(actor=ACTOR, node=t["grid"], name="第1网格", outline=SQUARE)
    services.estate_save(actor=ACTOR, estate=t["estate"], outline=SQUARE)
    data = selectors.place_map(user=user("resident"), node=t["three"])
    assert data["community"]["name"] == "瓜州路社区"
    assert data["grids"] == [{"id": t["grid"].pk, "name": "第1网格", "outline": SQUARE}]
    assert [e["name"] for e in data["estates"]] == ["铁建丽苑"]
    three = next(b for b in data["buildings"] if b["id"] == t["three"].pk)
    assert three["label"] == "铁建丽苑 3号楼" and three["grid"] == t["grid"].pk and three["children"] == 2


@pytest.mark.parametrize("outline", [[[1, 2]], [[103.7, 36.0], [103.8, "x"], [103.8, 36.1]],
                                     [[200, 36.0], [103.8, 36.0], [103.8, 36.1]], "not a list"])
def test_a_bad_outline_is_refused_naming_the_field(outline):
    t = estate_tree()
    with pytest.raises(InvalidInput) as caught:
        services.area_node_update(actor=ACTOR, node=t["grid"], name="第1网格", outline=outline)
    assert "outline" in caught.value.fields
    t["grid"].refresh_from_db()
    assert t["grid"].outline == []


def test_the_admin_edits_a_grids_outline(client):
    from gongzhi.accounts.tests.factories import superuser

    t = estate_tree()
    client.force_login(superuser())
    url = reverse("admin:areas_areanode_change", args=[t["grid"].pk])
    form = {"parent": t["community"].pk, "kind": "grid", "code": t["grid"].code, "name": "第1网格", "is_active": "on",
            "outline": '[[103.76, 36.05], [103.77, 36.05], [103.77, 36.06]]'}
    assert client.post(url, form).status_code == 302
    t["grid"].refresh_from_db()
    assert t["grid"].outline == SQUARE[:3]
    # a broken outline stays on the form with its error beside the field
    form["outline"] = "[[1, 2]]"
    response = client.post(url, form)
    assert response.status_code == 200
    assert "outline" in response.context["adminform"].form.errors


def test_the_area_page_gives_the_address_and_lists_buildings_with_their_estate(client):
    t = estate_tree()
    client.force_login(user("community_staff", nodes=[t["community"]]))
    page = client.get(reverse("areas:node", args=[t["grid"].pk])).content.decode()
    assert "<td>西站街道 瓜州路社区 第1网格</td>" in page
    assert "铁建丽苑 3号楼</a>" in page


def test_a_grid_worker_gets_the_map_of_their_community_with_only_their_grid():
    t = estate_tree()
    other_grid = child(t["community"], name="第2网格")
    services.area_node_create(actor=ACTOR, parent=other_grid, kind=AreaKind.BUILDING, code=f"{other_grid.code}001",
                              name="1号楼", latitude=36.056, longitude=103.766)
    worker = user("grid_worker", nodes=[t["grid"]])
    data = selectors.place_map(user=worker)
    assert data["community"]["name"] == "瓜州路社区"
    assert [g["name"] for g in data["grids"]] == ["第1网格"]
    assert {b["grid"] for b in data["buildings"]} == {t["grid"].pk}
