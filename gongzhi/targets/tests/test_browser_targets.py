"""The assessment's pages in a real browser, at 390 px and on a desktop: nothing wider than the
screen (`save_screenshot` checks it), Chinese throughout; a street sets a community's plan on a
phone, and after the period starts the form says beside the lines that it is locked.
Screenshots land in test-artifacts/screenshots/targets-*.png."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from gongzhi.core.tests.browser import DESKTOP, PHONE, assert_png, login, save_screenshot, set_viewport
from gongzhi.targets.models import Plan
from gongzhi.targets.services import periods as period_services
from gongzhi.targets.services import stars as star_services

from .factories import cases_at, indicator, period, plan, world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RAW_CODES = ("quarter", "closed", "draft", "proposed", "higher", "cases.summary")


def test_the_assessment_pages_fit_a_phone_and_a_desktop(browser, live_server):
    w = world()
    requests = indicator()
    cases_at(w, "building_a", 2)
    p = period(w)
    plan(w, p, w.nodes["community"], [(requests, 100, 4)])
    closed = period(w, kind="quarter", year=2025, quarter=4)
    plan(w, closed, w.nodes["community"], [(requests, 100, 1)])
    period_services.open_period(actor=w.admin, period=closed)
    period_services.close_period(actor=w.admin, period=closed)
    star_round = star_services.propose(actor=w.admin, district=w.nodes["district"], year=2025)
    pages = [
        ("periods", "/targets/"), ("period", f"/targets/periods/{p.pk}/"),
        ("closed", f"/targets/periods/{closed.pk}/"),
        ("unit", f"/targets/periods/{p.pk}/units/{w.nodes['community'].pk}/"),
        ("plan", f"/targets/periods/{p.pk}/units/{w.nodes['community'].pk}/plan/"),
        ("indicators", "/targets/indicators/"), ("templates", "/targets/templates/"), ("stars", "/targets/stars/"),
        ("round", f"/targets/stars/{star_round.pk}/"), ("published", "/targets/stars/published/"),
    ]
    for size_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        set_viewport(browser, *size)
        for who in (w.admin, w.sstaff):
            browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
            login(browser, live_server, who)
            for name, url in pages:
                browser.get(f"{live_server.url}{url}")
                text = browser.find_element(By.TAG_NAME, "main").text
                assert "Server Error" not in browser.page_source and "Not Found" not in browser.title, url
                if name != "indicators":  # the catalogue shows each figure's key, for who keeps the indicators
                    assert not [code for code in RAW_CODES if code in text], (url, text)
                assert_png(save_screenshot(browser, f"targets-{size_name}-{who.role}-{name}"))


def test_a_street_sets_a_plan_on_a_phone_and_is_told_once_it_is_locked(browser, live_server):
    w = world()
    requests = indicator()
    p = period(w)
    set_viewport(browser, *PHONE)
    login(browser, live_server, w.sstaff)
    url = f"{live_server.url}/targets/periods/{p.pk}/units/{w.nodes['community'].pk}/plan/"
    browser.get(url)
    browser.find_element(By.NAME, f"weight_{requests.pk}").send_keys("100")
    browser.find_element(By.NAME, f"target_{requests.pk}").send_keys("3")
    browser.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: "/plan/" not in d.current_url)
    assert "方案已保存" in browser.find_element(By.TAG_NAME, "body").text
    assert Plan.objects.get().lines.get().target == 3
    period_services.open_period(actor=w.admin, period=p)
    browser.get(url)
    assert "已锁定" in browser.find_element(By.ID, "locked").text
    assert_png(save_screenshot(browser, "targets-phone-plan-locked"))
