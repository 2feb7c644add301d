"""The wall screen in a real browser: it fills a 1920×1080 wall, counts a new request at its next
refresh without a reload, and stacks its panels on a phone without sideways scrolling. Screenshots
in test-artifacts/screenshots/dashboard-wall-*.png."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from selenium.webdriver.common.by import By

from gongzhi.areas import services as area_services
from gongzhi.areas.tests.factories import ACTOR, child
from gongzhi.cases.tests.factories import in_progress, submit, world
from gongzhi.core.tests.browser import PHONE, assert_png, login, save_screenshot, set_viewport, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WALL = (1920, 1080)


def block(column: int, row: int) -> list[list[float]]:
    lng, lat = 103.76 + column * 0.004, 36.055 - row * 0.003
    return [[lng, lat], [lng + 0.004, lat], [lng + 0.004, lat + 0.003], [lng, lat + 0.003]]


def _world():
    """The community with three grids on the map, a few requests this month and one long overdue."""
    w = world()
    for node, shape in ((w.grid_a, block(0, 0)), (w.grid_b, block(1, 0))):
        area_services.area_node_update(actor=ACTOR, node=node, name=node.name, outline=shape)
    third = child(w.community, name="第C网格")
    area_services.area_node_update(actor=ACTOR, node=third, name=third.name, outline=block(0, 1))
    for _ in range(3):
        submit(w)
    in_progress(w, "blocked-drain", where="building_b")
    submit(w, "debris", where="building_b", now=timezone.now() - dt.timedelta(days=40))
    return w


def today_count(driver) -> str:
    return driver.find_element(By.CSS_SELECTOR, '[data-kpi="today"] .kpi-value').text


def test_the_wall_fills_the_screen_and_counts_a_new_request_at_its_next_refresh(browser, live_server, settings):
    settings.DASHBOARD_WALL_REFRESH_SECONDS = 1
    w = _world()
    login(browser, live_server, w.cstaff)
    set_viewport(browser, *WALL)
    browser.get(live_server.url + reverse("dashboard:wall", args=[w.community.pk]))
    # the wall is one screen: nothing to scroll, the map drawn with its three grids
    assert browser.execute_script("return document.documentElement.scrollHeight") <= WALL[1]
    assert browser.execute_script("return document.documentElement.scrollWidth") <= WALL[0]
    assert len(browser.find_elements(By.CSS_SELECTOR, ".map-svg .map-area")) == 3
    before = int(today_count(browser))
    assert_png(save_screenshot(browser, "dashboard-wall-1920"), min_bytes=20000)
    # when a resident files a new request
    submit(w, where="building_b")
    # then the wall counts it at its next refresh, without a reload
    browser.execute_script("window.__sameWall = true")
    wait_for(browser, lambda d: today_count(d) == str(before + 1), timeout=20)
    assert browser.execute_script("return window.__sameWall === true")
    assert not browser.find_element(By.ID, "wall-stale").is_displayed()
    # and when the server cannot be reached it keeps the last figures, says so, and tries again
    live_url = browser.execute_script("return document.body.dataset.liveUrl")
    browser.execute_script("document.body.dataset.liveUrl = '/dashboard/0/wall/live/'")
    wait_for(browser, lambda d: d.find_element(By.ID, "wall-stale").is_displayed())
    assert today_count(browser) == str(before + 1)
    assert_png(save_screenshot(browser, "dashboard-wall-1920-stale"), min_bytes=20000)
    browser.execute_script("document.body.dataset.liveUrl = arguments[0]", live_url)
    wait_for(browser, lambda d: not d.find_element(By.ID, "wall-stale").is_displayed())


def test_the_wall_stacks_its_panels_on_a_phone(browser, live_server):
    w = _world()
    login(browser, live_server, w.sstaff)
    set_viewport(browser, *PHONE)
    browser.get(live_server.url + reverse("dashboard:wall", args=[w.community.pk]))
    assert browser.find_element(By.TAG_NAME, "h1").text.strip()
    assert_png(save_screenshot(browser, "dashboard-wall-phone"), min_bytes=5000)  # checks the fit first
