"""The whistle loop (吹哨报到) from the department's side, in a real browser: the street calls the
城管 department on a case it leads, the department's staff report in (报到) and report their part
from the case page's 操作 panel on a phone, and the community reads the department's report.
Screenshots land in test-artifacts/screenshots/cases-whistle-*.png (phone 390×844, desktop 1366×900)."""

import pytest
from selenium.webdriver.common.by import By

from gongzhi.cases.models import Level, WhistleCall
from gongzhi.cases.tests.factories import in_progress, world
from gongzhi.core.tests.browser import (
    PHONE,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
    submit_and_wait,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = (1366, 900)


def sign_in(browser, live_server, user):
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, user)


def actions_panel(browser):
    """The 操作 card of the case page."""
    return browser.find_element(By.XPATH, "//section[h2[normalize-space()='操作']]")


def no_horizontal_overflow(browser) -> bool:
    return browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_called_department_reports_in_and_reports_its_part_and_the_community_reads_it(browser, live_server):
    # given a street-level case (an early market on the pavement) the street leads
    w = world()
    case = in_progress(w, "market-order", title="早市占道", description="早市摊位占满人行道，行人只能走机动车道")
    assert case.level == Level.STREET

    # when the street staff call the city management department (吹哨) from the case page
    set_viewport(browser, *WIDE)
    sign_in(browser, live_server, w.sstaff)
    browser.get(f"{live_server.url}/cases/{case.pk}/")
    form = browser.find_element(By.CSS_SELECTOR, "form[action$='/act/whistle/']")
    browser.execute_script("arguments[0].closest('details').open = true", form)
    form.find_element(By.CSS_SELECTOR, f"input[name=departments][value='{w.departments['cg'].pk}']").click()
    form.find_element(By.NAME, "reason").send_keys("早市占道需要城管联合整治")
    submit_and_wait(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    call = WhistleCall.objects.get(case=case)
    assert call.department == w.departments["cg"]

    # then the department's staff find the call in their inbox, on a phone
    set_viewport(browser, *PHONE)
    sign_in(browser, live_server, w.cg)
    browser.get(f"{live_server.url}/cases/?box=whistle")
    assert "早市占道" in browser.page_source
    browser.get(f"{live_server.url}/cases/{case.pk}/")
    panel = actions_panel(browser)
    assert "报到" in panel.text and "早市占道需要城管联合整治" in panel.text
    assert no_horizontal_overflow(browser)
    assert_png(save_screenshot(browser, "cases-whistle-1-department-called-phone"))

    # when they report in (报到) from the 操作 panel
    report_in = panel.find_element(By.CSS_SELECTOR, "form[action$='/act/acknowledge/'] button")
    submit_and_wait(browser, report_in)
    assert "404" not in browser.title and "Not Found" not in browser.page_source
    call.refresh_from_db()
    assert call.acknowledged_at is not None and call.acknowledged_by == w.cg
    assert "已完成：报到" in browser.page_source

    # and report what the department did (报告部门办理情况)
    panel = actions_panel(browser)
    report = panel.find_element(By.CSS_SELECTOR, "form[action$='/act/report_part/']")
    report.find_element(By.NAME, "report").send_keys("已联合市场监管清理占道摊位，设置临时疏导区")
    submit_and_wait(browser, report.find_element(By.CSS_SELECTOR, "button"))
    call.refresh_from_db()
    assert call.reported_at is not None
    assert "已联合市场监管清理占道摊位" in browser.page_source
    assert no_horizontal_overflow(browser)
    assert_png(save_screenshot(browser, "cases-whistle-2-department-reported-phone"))

    # then the community, where the market is, reads the department's report and who gave it
    set_viewport(browser, *WIDE)
    sign_in(browser, live_server, w.cstaff)
    browser.get(f"{live_server.url}/cases/{case.pk}/")
    page = browser.find_element(By.TAG_NAME, "main").text if browser.find_elements(By.TAG_NAME, "main") \
        else browser.find_element(By.TAG_NAME, "body").text
    assert "已联合市场监管清理占道摊位" in page
    assert w.departments["cg"].name in page
    assert str(w.cg) in page  # the department's staff by name in the timeline
    assert_png(save_screenshot(browser, "cases-whistle-3-community-reads-desktop"))
    set_viewport(browser, *PHONE)
    browser.get(f"{live_server.url}/cases/{case.pk}/")
    assert no_horizontal_overflow(browser)
    assert_png(save_screenshot(browser, "cases-whistle-4-community-reads-phone"))
