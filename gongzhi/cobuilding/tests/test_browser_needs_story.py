"""In a real browser, the story of issue 17 item 11: a unit's liaison publishes a resource, a
resident raises a wish (微心愿), an in-service party member reported in to the community claims it
and reports it done, the resident confirms it was met — on a phone (390 px), then the staff's needs
list and the need with its matching resources on a desktop. Screenshots land in
test-artifacts/screenshots/cobuilding-needs-*.png."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from gongzhi.cobuilding.models import Need, NeedState, Resource
from gongzhi.core.tests.browser import (
    DESKTOP,
    PHONE,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
    submit_and_wait,
)

from .factories_needs import world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, who):
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, who)


def fill(browser, name: str, value: str):
    box = browser.find_element(By.NAME, name)
    box.clear()
    box.send_keys(value)


def choose(browser, name: str, text: str):
    Select(browser.find_element(By.NAME, name)).select_by_visible_text(text)


def press(browser, css: str):
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, css))


def test_a_unit_publishes_a_resident_wishes_a_member_claims_and_the_resident_confirms(browser, live_server):
    w = world()
    set_viewport(browser, *PHONE)

    # the school's liaison publishes volunteer hours of its teachers
    sign_in(browser, live_server, w.liaison)
    browser.get(f"{live_server.url}/cobuilding/resources/new/")
    Select(browser.find_element(By.NAME, "kind")).select_by_value("hours")
    choose(browser, "category", "助老助餐")
    fill(browser, "title", "教师志愿者陪伴服务")
    fill(browser, "capacity", "30")
    choose(browser, "capacity_unit", "小时")
    fill(browser, "availability", "周末上午")
    press(browser, "form.form button[type=submit]")
    assert Resource.objects.filter(title="教师志愿者陪伴服务").exists()
    assert_png(save_screenshot(browser, "cobuilding-needs-phone-1-resource"))

    # a resident makes a wish for their household
    sign_in(browser, live_server, w.resident)
    browser.get(f"{live_server.url}/cobuilding/needs/wish/")
    choose(browser, "category", "助老助餐")
    fill(browser, "title", "老伴腿脚不便，想请人陪同去医院复查")
    press(browser, "form.form button[type=submit]")
    need = Need.objects.get()
    assert "老伴腿脚不便" in browser.find_element(By.TAG_NAME, "h1").text
    assert_png(save_screenshot(browser, "cobuilding-needs-phone-2-wish"))

    # the member reported in to the community finds it among the needs to claim and claims it
    sign_in(browser, live_server, w.member_user)
    browser.get(f"{live_server.url}/cobuilding/needs/claimable/")
    assert "老伴腿脚不便" in browser.find_element(By.ID, "claimable").text
    assert_png(save_screenshot(browser, "cobuilding-needs-phone-3-claimable"))
    browser.get(f"{live_server.url}/cobuilding/needs/{need.pk}/")
    press(browser, "#claim")
    assert "张建国" in browser.find_element(By.ID, "need-claimant").text
    fill(browser, "note", "周三上午已陪同到二院复查")
    press(browser, "#complete")
    need.refresh_from_db()
    assert need.state == NeedState.DONE

    # the resident confirms it was met
    sign_in(browser, live_server, w.resident)
    browser.get(f"{live_server.url}/cobuilding/needs/{need.pk}/")
    assert "周三上午已陪同到二院复查" in browser.page_source
    assert_png(save_screenshot(browser, "cobuilding-needs-phone-4-confirm"))
    press(browser, "#confirm")
    need.refresh_from_db()
    assert need.state == NeedState.CONFIRMED

    # on a desktop, the staff's needs list and an open need with its matching resources
    set_viewport(browser, *DESKTOP)
    second = Need.objects.create(area=w.community, community_path=w.community.path, category=w.meals,
                                 title="独居老人助餐", raised_by=w.staff)
    sign_in(browser, live_server, w.staff)
    browser.get(f"{live_server.url}/cobuilding/needs/")
    assert "独居老人助餐" in browser.page_source
    assert_png(save_screenshot(browser, "cobuilding-needs-desktop-1-list"))
    browser.get(f"{live_server.url}/cobuilding/needs/{second.pk}/")
    assert "教师志愿者陪伴服务" in browser.find_element(By.ID, "matches").text
    assert_png(save_screenshot(browser, "cobuilding-needs-desktop-2-matches"))
