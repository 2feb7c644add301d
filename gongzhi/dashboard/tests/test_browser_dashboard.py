"""In a real browser: a street leader opens the street's dashboard, sees every figure drawn as a
chart beside its table, drills down street → community → grid by the ranking, downloads a table as
.xlsx (the same numbers as the page), on a desktop and on a phone."""

import io

import pytest
from django.conf import settings
from django.test import Client

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import child
from gongzhi.cases import services
from gongzhi.cases.models import Rating, Result
from gongzhi.cases.tests.factories import submit, world
from gongzhi.core.tests.browser import (
    PHONE,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
    wait_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP_WIDE = (1366, 900)
# The charts drawn without animation, so a screenshot shows them finished.
REDUCED_MOTION = [{"name": "prefers-reduced-motion", "value": "reduce"}]

# Collected before the page's own scripts run: anything the Content-Security-Policy blocked.
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || ''));
});
"""


def handled(w, case, *, worker, rating=Rating.SATISFIED):
    """The worker calls the requester, solves the request, and the requester rates it."""
    services.case_record_contact(actor=worker, case=case, method="phone", note="已联系")
    services.case_resolve(actor=worker, case=case, result=Result.SOLVED, feedback="已处理")
    return services.case_rate(actor=w.resident, case=case, rating=rating, solved=True)


def street_with_two_communities():
    """The test world's street with a second community (one grid, one building), requests this
    month in both: 瓜州路社区 three handled and rated, one open; 敦煌路社区 one handled, one open."""
    w = world()
    second = child(w.street, name="敦煌路社区")
    grid = child(second, name="第一网格")
    w.nodes.update({"community_c": second, "grid_c": grid, "building_c": child(grid, name="C1号楼")})
    w.users.update({"cstaff_c": user("community_staff", nodes=[second]),
                    "worker_c": user("grid_worker", nodes=[grid])})
    for where, staff, worker in [("building_a", w.cstaff, w.worker_a), ("building_a", w.cstaff, w.worker_a),
                                  ("building_b", w.cstaff, w.worker_b)]:
        handled(w, taken(w, where, staff=staff, worker=worker), worker=worker)
    submit(w, where="building_b")
    handled(w, taken(w, "building_c", staff=w.cstaff_c, worker=w.worker_c), worker=w.worker_c, rating=Rating.BASIC)
    submit(w, where="building_c")
    return w


def taken(w, where, *, staff, worker):
    """A request filed at `where`, accepted and dispatched by the community, claimed by its grid worker."""
    case = submit(w, where=where)
    services.case_accept(actor=staff, case=case)
    return services.case_claim(actor=worker, case=services.case_dispatch(actor=staff, case=case))


def charts_drawn(driver):
    """Every chart box on the page has finished drawing an SVG."""
    return driver.execute_script("""
      const boxes = [...document.querySelectorAll('.chart[data-table]')];
      return boxes.length > 0 && boxes.every(b => b.dataset.drawn === '1' && b.querySelector('svg'));
    """)


def open_dashboard(driver, url):
    driver.get(url)
    wait_for(driver, charts_drawn)


def ranking_cells(driver):
    """The ranking table as the page shows it: {area name: {column label: cell text}}."""
    return driver.execute_script("""
      const table = document.querySelector('#table-ranking table');
      const labels = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
      const rows = {};
      for (const tr of table.querySelectorAll('tbody tr')) {
        const cells = [...tr.querySelectorAll('td')].map(td => td.textContent.trim());
        rows[cells[1]] = Object.fromEntries(labels.map((label, i) => [label, cells[i]]));
      }
      return {labels: labels, rows: rows};
    """)


def test_a_street_leader_reads_the_charts_drills_down_and_exports_a_table(browser, live_server):
    from openpyxl import load_workbook
    from selenium.webdriver.common.by import By

    # given a street with two communities and requests this month in both
    w = street_with_two_communities()
    watch = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_WATCH})
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": REDUCED_MOTION})
    try:
        set_viewport(browser, *DESKTOP_WIDE)
        login(browser, live_server, w.sstaff)
        # when the street's leader opens the dashboard
        open_dashboard(browser, f"{live_server.url}/dashboard/")
        # then it is the street's, with the headline of the month and every chart drawn as SVG
        assert "西站街道" in browser.find_element(By.TAG_NAME, "h1").text
        assert browser.find_element(By.CSS_SELECTOR, "#headline-open .stat-value").text == "2"
        assert browser.find_element(By.CSS_SELECTOR, "#headline-resolution_rate .stat-value").text == "100.0%"
        boxes = browser.find_elements(By.CSS_SELECTOR, ".chart[data-table]")
        assert {b.get_attribute("data-table") for b in boxes} >= {"trend", "levels", "by_theme", "ranking", "now"}
        for box in boxes:
            assert box.get_attribute("role") == "img" and box.get_attribute("aria-label")
            assert box.find_elements(By.CSS_SELECTOR, "svg path, svg rect")
        # and the Content-Security-Policy blocked nothing the charts do
        assert browser.execute_script("return window.__cspViolations") == []
        # and each chart sits beside its table on a desktop
        chart = browser.find_element(By.CSS_SELECTOR, "#table-now .chart").rect
        table = browser.find_element(By.CSS_SELECTOR, "#table-now table").rect
        assert table["x"] >= chart["x"] + chart["width"] - 1
        # and the ranking names both communities with their figures
        page = ranking_cells(browser)
        assert set(page["rows"]) == {"瓜州路社区", "敦煌路社区"}
        assert_png(save_screenshot(browser, "dashboard-street-desktop"))
        browser.execute_script("document.getElementById('table-ranking').scrollIntoView()")
        assert_png(save_screenshot(browser, "dashboard-street-ranking-desktop"))
        # (the whole page in one picture, for review)
        set_viewport(browser, DESKTOP_WIDE[0], browser.execute_script("return document.documentElement.scrollHeight"))
        wait_for(browser, charts_drawn)
        assert_png(save_screenshot(browser, "dashboard-street-full-desktop"))
        set_viewport(browser, *DESKTOP_WIDE)

        # on paper: the charts and tables print, the navigation, the month form and the links to export do not
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print", "features": REDUCED_MOTION})
        shown = browser.execute_script("""
          const seen = s => [...document.querySelectorAll(s)].some(e => getComputedStyle(e).display !== 'none');
          return {nav: seen('.topbar'), form: seen('.dash-month'), export: seen('a.export'),
                  charts: seen('.chart svg'), tables: seen('#table-ranking table')};
        """)
        assert shown == {"nav": False, "form": False, "export": False, "charts": True, "tables": True}
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": REDUCED_MOTION})

        # when they download the ranking as .xlsx with their own session
        href = browser.find_element(By.CSS_SELECTOR, "#table-ranking a.export").get_attribute("href")
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = browser.get_cookie(settings.SESSION_COOKIE_NAME)["value"]
        response = client.get(href.removeprefix(live_server.url))
        # then it is a workbook with the same header and the same numbers as the page's table
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        header = next(i for i, row in enumerate(rows) if [str(c) for c in row[: len(page["labels"])]] == page["labels"])
        requests_label = page["labels"][2]
        by_name = {row[1]: row for row in rows[header + 1:] if row[1]}
        for name, cells in page["rows"].items():
            assert str(by_name[name][2]) == cells[requests_label]
        assert str(by_name["瓜州路社区"][2]) == "4"

        # when they drill down by the ranking: the community, then its grid
        browser.find_element(By.LINK_TEXT, "瓜州路社区").click()
        wait_for(browser, lambda d: "瓜州路社区" in d.find_element(By.TAG_NAME, "h1").text)
        wait_for(browser, charts_drawn)
        assert "?month=" in browser.current_url
        # then the breadcrumb leads back up to the street
        assert "西站街道" in browser.find_element(By.CSS_SELECTOR, "nav.dash-crumbs").text
        assert set(ranking_cells(browser)["rows"]) == {"第A网格", "第B网格"}
        assert_png(save_screenshot(browser, "dashboard-community-desktop"))
        browser.find_element(By.LINK_TEXT, "第A网格").click()
        wait_for(browser, lambda d: "第A网格" in d.find_element(By.TAG_NAME, "h1").text)
        wait_for(browser, charts_drawn)
        assert browser.find_element(By.CSS_SELECTOR, "#headline-open .stat-value").text == "0"
        assert not browser.find_elements(By.ID, "table-ranking")  # a grid has nothing below to rank
        browser.find_element(By.LINK_TEXT, "西站街道").click()
        wait_for(browser, lambda d: "西站街道" in d.find_element(By.TAG_NAME, "h1").text)

        # on a phone: the charts drawn to its width, tables as cards, nothing sideways
        set_viewport(browser, *PHONE)
        open_dashboard(browser, f"{live_server.url}/dashboard/")
        chart = browser.find_element(By.CSS_SELECTOR, "#table-trend .chart").rect
        assert chart["width"] <= PHONE[0]
        assert_png(save_screenshot(browser, "dashboard-street-phone"))
        browser.execute_script("document.getElementById('table-ranking').scrollIntoView()")
        assert_png(save_screenshot(browser, "dashboard-street-ranking-phone"))
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": watch["identifier"]})
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
