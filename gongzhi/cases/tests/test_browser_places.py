"""On a phone, a resident names the place the way people do: types “tjly” or “铁建”, picks
铁建丽苑 / 3号楼 / 2单元, or taps the building on the offline map; the case page then shows the
readable address. Screenshots: test-artifacts/screenshots/places-*.png."""

from decimal import Decimal

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from gongzhi.areas import services as area_services
from gongzhi.areas.tests.factories import ACTOR
from gongzhi.cases.models import Case, Category
from gongzhi.cases.tests.factories import world
from gongzhi.core.tests.browser import (
    PHONE,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
    submit_and_wait,
    wait_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def estate_in(grid, community):
    """铁建丽苑 in grid A: buildings 1–3 (3号楼 with two entrance units), grid and estate outlines."""
    outline = [[103.760, 36.050], [103.764, 36.050], [103.764, 36.053], [103.760, 36.053]]
    area_services.area_node_update(actor=ACTOR, node=grid, name=grid.name, outline=outline)
    estate = area_services.estate_save(actor=ACTOR, community=community, name="铁建丽苑", outline=outline)
    buildings = area_services.area_children_bulk_create(actor=ACTOR, parent=grid, children=[
        {"kind": "building", "code": f"{grid.code}{n + 10:03d}", "name": f"{n}号楼", "estate": estate,
         "latitude": Decimal("36.0515"), "longitude": Decimal(str(103.7605 + n * 0.0008))} for n in (1, 2, 3)])
    three = buildings[2]
    units = area_services.area_children_bulk_create(actor=ACTOR, parent=three, children=[
        {"kind": "unit", "code": f"{three.code}0{u}", "name": f"{u}单元"} for u in (1, 2)])
    return three, units[1]


def fill(browser, title):
    Select(browser.find_element(By.NAME, "category")).select_by_value(str(Category.objects.get(code="shared-bikes").pk))
    browser.find_element(By.NAME, "title").send_keys(title)
    browser.find_element(By.NAME, "description").send_keys("单元门口堆满共享单车，轮椅推不过去")


def chip(browser, label):
    wait_for(browser, lambda d: [c for c in d.find_elements(By.CSS_SELECTOR, ".chip") if c.text.strip() == label])
    return [c for c in browser.find_elements(By.CSS_SELECTOR, ".chip") if c.text.strip() == label][0]


def chosen(browser):
    return browser.find_element(By.ID, "place-chosen").text


def file_and_open(browser):
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.card button[type=submit]"))
    assert "/cases/new/" not in browser.current_url


@pytest.mark.parametrize("typed", ["tjly", "铁建"])
def test_a_resident_on_a_phone_picks_estate_building_unit_by_typing(browser, live_server, typed):
    w = world()
    three, unit2 = estate_in(w.nodes["grid_a"], w.nodes["community"])
    set_viewport(browser, *PHONE)
    login(browser, live_server, w.resident)
    browser.get(f"{live_server.url}/cases/new/")
    fill(browser, "单车堵门")
    # when they type the estate's initials (or its first characters) and pick it
    browser.find_element(By.ID, "place-search").send_keys(typed)
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".place-result"))
    estate = browser.find_elements(By.CSS_SELECTOR, ".place-result")[0]
    assert estate.text.startswith("铁建丽苑")
    estate.click()
    # then its buildings, then building 3's entrance units
    chip(browser, "3号楼").click()
    chip(browser, "2单元").click()
    wait_for(browser, lambda d: chosen(d) == "西站街道 瓜州路社区 第A网格 铁建丽苑 3号楼2单元")
    assert browser.find_element(By.ID, "location").get_attribute("value") == str(unit2.pk)
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE[0]
    assert_png(save_screenshot(browser, f"places-1-picked-by-typing-{'initials' if typed == 'tjly' else 'name'}-phone"))
    # and the filed case's page shows the address people say
    file_and_open(browser)
    assert Case.objects.get().location == unit2
    assert "西站街道 瓜州路社区 第A网格 铁建丽苑 3号楼2单元" in browser.find_element(By.TAG_NAME, "main").text
    assert_png(save_screenshot(browser, "places-2-case-page-address-phone"))


def test_a_resident_on_a_phone_taps_the_building_on_the_map(browser, live_server):
    w = world()
    three, unit2 = estate_in(w.nodes["grid_a"], w.nodes["community"])
    set_viewport(browser, *PHONE)
    login(browser, live_server, w.resident)
    browser.get(f"{live_server.url}/cases/new/")
    fill(browser, "单车堵门")
    # when they tap building 3 on the map (drawn from the tree's own data, no tiles)
    mark = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f".map-building[data-building='{three.pk}']"))[0]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
    mark.click()
    # then the building is picked and its units offered; they pick 2单元
    wait_for(browser, lambda d: "铁建丽苑 3号楼" in chosen(d))
    assert "is-picked" in mark.get_attribute("class")
    chip(browser, "2单元").click()
    wait_for(browser, lambda d: chosen(d).endswith("铁建丽苑 3号楼2单元"))
    assert browser.find_element(By.ID, "latitude").get_attribute("value") == "36.051500"
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE[0]
    assert_png(save_screenshot(browser, "places-3-picked-on-the-map-phone"))
    # and no request left for another host (offline map)
    hosts = browser.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return new URL(e.name).host; })")
    assert set(hosts) <= {live_server.url.split("//")[1]}
    file_and_open(browser)
    assert Case.objects.get().location == unit2
    assert "铁建丽苑 3号楼2单元" in browser.find_element(By.TAG_NAME, "main").text
