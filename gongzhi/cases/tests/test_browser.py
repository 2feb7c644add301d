"""The whole loop in a real browser: a resident files on a phone, the community dispatches, the
grid worker handles, the community verifies, the resident rates, the case closes. Screenshots of
each step land in test-artifacts/screenshots/cases-*.png."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from gongzhi.cases.models import Case, Category, State
from gongzhi.cases.tests.factories import world
from gongzhi.core.tests.browser import (
    DESKTOP,
    PHONE,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
    submit_and_wait,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, user):
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, user)


def pick_place(browser, query, node):
    """Name the place in the form's picker: search, then tap the result."""
    from gongzhi.core.tests.browser import wait_for

    browser.find_element(By.ID, "place-search").send_keys(query)
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".place-result"))
    browser.find_elements(By.CSS_SELECTOR, ".place-result")[0].click()
    wait_for(browser, lambda d: d.find_element(By.ID, "location").get_attribute("value") == str(node.pk))


def act(browser, live_server, case, action, **fields):
    """Open the case page, open the action's dialog, fill it in and send it."""
    browser.get(f"{live_server.url}/cases/{case.pk}/")
    form = browser.find_element(By.CSS_SELECTOR, f"form[action$='/act/{action}/']")
    browser.execute_script("arguments[0].closest('details').open = true", form)
    for name, value in fields.items():
        element = form.find_element(By.NAME, name)
        if element.tag_name == "select":
            Select(element).select_by_value(value)
        else:
            element.send_keys(value)
    # the old page goes away once the action has been posted and answered
    submit_and_wait(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def test_resident_files_grid_worker_handles_community_verifies_resident_rates(browser, live_server):
    w = world()
    manhole = Category.objects.get(code="manhole-cover")  # a grid matter that needs verification

    # given a resident on a phone
    set_viewport(browser, *PHONE)
    sign_in(browser, live_server, w.resident)
    # when they file a request for a missing manhole cover in building A1
    browser.get(f"{live_server.url}/cases/new/")
    Select(browser.find_element(By.NAME, "category")).select_by_value(str(manhole.pk))
    browser.find_element(By.NAME, "title").send_keys("井盖丢了")
    browser.find_element(By.NAME, "description").send_keys("A1号楼门口井盖缺失，晚上很危险")
    pick_place(browser, "A1号楼", w.building_a)
    assert_png(save_screenshot(browser, "cases-1-resident-files-phone"))
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.card button[type=submit]"))
    assert "/cases/new/" not in browser.current_url
    case = Case.objects.get()
    assert "井盖丢了" in browser.find_element(By.TAG_NAME, "h1").text

    # then the community accepts and dispatches it to grid A
    set_viewport(browser, *DESKTOP)
    sign_in(browser, live_server, w.cstaff)
    browser.get(f"{live_server.url}/cases/?box=triage")
    assert "井盖丢了" in browser.page_source
    assert_png(save_screenshot(browser, "cases-2-community-triage"))
    act(browser, live_server, case, "accept")
    act(browser, live_server, case, "dispatch")
    case.refresh_from_db()
    assert case.area == w.grid_a

    # the grid worker claims, calls the resident, and resolves with feedback
    sign_in(browser, live_server, w.worker_a)
    browser.get(f"{live_server.url}/cases/?box=to_claim")
    assert "井盖丢了" in browser.page_source
    act(browser, live_server, case, "claim")
    act(browser, live_server, case, "contact", note="已电话联系居民，已设置警示")
    act(browser, live_server, case, "resolve", result="solved", feedback="已更换新井盖")
    assert_png(save_screenshot(browser, "cases-3-grid-worker-resolved"))
    case.refresh_from_db()
    assert case.state == State.VERIFYING

    # the community verifies
    sign_in(browser, live_server, w.cstaff)
    act(browser, live_server, case, "verify_pass", note="现场核查，井盖已更换")

    # the resident sees the feedback and rates it on the phone
    set_viewport(browser, *PHONE)
    sign_in(browser, live_server, w.resident)
    browser.get(f"{live_server.url}/cases/{case.pk}/")
    assert "已更换新井盖" in browser.page_source
    assert_png(save_screenshot(browser, "cases-4-resident-rates-phone"))
    act(browser, live_server, case, "rate", rating="satisfied", solved="yes")
    case.refresh_from_db()
    assert case.state == State.CLOSED
    browser.get(f"{live_server.url}/cases/{case.pk}/")
    assert "已办结" in browser.find_element(By.TAG_NAME, "h1").text
    assert_png(save_screenshot(browser, "cases-5-closed-timeline-phone"))
