"""On a phone (390×844) and a desktop (1366×900): the case inboxes and "my requests" read as
cards that fit the screen, filters and the pager work, and a grid worker claims two cases with the
thumb from the bar at the bottom of the screen. Fails when any list page overflows the viewport
(`assert_fits_viewport`, run by `save_screenshot` on every phone-wide shot)."""

import pytest
from selenium.webdriver.common.by import By

from gongzhi.cases.models import State
from gongzhi.cases.tests.factories import dispatched, submit, world
from gongzhi.core.tests.browser import (
    PHONE,
    assert_fits_viewport,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
    submit_and_wait,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = (1366, 900)
LONG_TITLE = "小区东门外人行道上的共享单车和电动车长期乱停乱放，老人推轮椅出门都过不去，希望尽快清理并划定停放区域"


def sign_in(browser, live_server, user, next_url="/"):
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, user, next_url=next_url)


def test_a_grid_worker_works_the_inbox_on_a_phone_and_claims_with_the_thumb(browser, live_server):
    # Given a grid with cases to claim, one with a long title, and one in progress
    w = world()
    cases = [dispatched(w, title=LONG_TITLE), dispatched(w, "neighbour-noise", title="楼上半夜噪音不断"),
             dispatched(w, "garbage-collection", title="垃圾桶满了没人清运")]
    set_viewport(browser, *PHONE)
    sign_in(browser, live_server, w.worker_a, "/cases/?box=to_claim")
    # When the grid worker opens the inbox on a phone
    # Then the list fits the screen as cards, the tab says how many wait
    assert_fits_viewport(browser)
    assert browser.find_element(By.CSS_SELECTOR, ".tabs a.active .count").text == "3"
    assert_png(save_screenshot(browser, "phone-cases-inbox"))
    # and a search narrows it
    browser.find_element(By.NAME, "q").send_keys("噪音")
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form[role=search] > button.primary"))
    assert "楼上半夜噪音不断" in browser.page_source and "垃圾桶满了" not in browser.page_source
    save_screenshot(browser, "phone-cases-inbox-search")
    # When they tick two cards and press the claim bar
    browser.get(f"{live_server.url}/cases/?box=to_claim")
    for case in cases[:2]:
        tick = browser.find_element(By.CSS_SELECTOR, f"input[name=cases][value='{case.pk}']")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", tick)
        tick.click()
    bar = browser.find_element(By.CSS_SELECTOR, ".bulkbar button")
    # the button is on screen in its lower half, within the thumb's reach, and as wide as the screen
    box = browser.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom, r.width]", bar)
    assert PHONE[1] / 2 <= box[0] and box[1] <= PHONE[1] and box[2] >= PHONE[0] * 0.8
    submit_and_wait(browser, bar)
    # Then both are the worker's, the third still waits
    for case in cases[:2]:
        case.refresh_from_db()
        assert case.state == State.IN_PROGRESS and case.assignee == w.worker_a
    cases[2].refresh_from_db()
    assert cases[2].state == State.DISPATCHED
    save_screenshot(browser, "phone-cases-after-bulk-claim")
    browser.get(f"{live_server.url}/cases/?box=in_progress")
    assert_png(save_screenshot(browser, "phone-cases-in-progress"))
    # and the same pages on a desktop
    set_viewport(browser, *WIDE)
    browser.get(f"{live_server.url}/cases/?box=in_progress")
    assert_fits_viewport(browser)
    save_screenshot(browser, "desktop-cases-in-progress")


def test_community_staff_filter_the_triage_tab_on_a_phone(browser, live_server):
    w = world()
    for n in range(3):
        submit(w, title=f"{n + 1}号楼楼道灯坏了")
    submit(w, "neighbour-noise", title=LONG_TITLE)
    set_viewport(browser, *PHONE)
    sign_in(browser, live_server, w.cstaff, "/cases/?box=triage")
    save_screenshot(browser, "phone-cases-triage")
    browser.get(f"{live_server.url}/cases/?box=triage&sort=newest&light=green&since=2000-01-01")
    assert browser.find_element(By.CSS_SELECTOR, "details.more-filters").get_attribute("open") is not None
    save_screenshot(browser, "phone-cases-triage-filters")
    set_viewport(browser, *WIDE)
    browser.get(f"{live_server.url}/cases/?box=triage")
    assert_fits_viewport(browser)
    save_screenshot(browser, "desktop-cases-triage")


def test_a_resident_pages_through_more_than_thirty_requests_on_a_phone(browser, live_server):
    w = world()
    for n in range(33):
        submit(w, title=f"第{n + 1}次反映：楼下路灯不亮")
    set_viewport(browser, *PHONE)
    sign_in(browser, live_server, w.resident, "/cases/mine/")
    assert browser.page_source.count("楼下路灯不亮") == 30
    save_screenshot(browser, "phone-cases-mine")
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, ".pager a[rel=next]"))
    assert browser.page_source.count("楼下路灯不亮") == 3
    save_screenshot(browser, "phone-cases-mine-page-2")
