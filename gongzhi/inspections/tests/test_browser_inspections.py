"""An inspector's spot check on a phone, in a real browser: the street's staff draw last month's
sample, the inspector opens the record, first saves a problem without a note (the error shows beside
the note), then with it; the street confirms it. Every page fits 390 px; screenshots in
test-artifacts/screenshots/inspections-*.png."""

import pytest
from selenium.webdriver.common.by import By

from gongzhi.core.tests.browser import (
    PHONE,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
    submit_and_wait,
)
from gongzhi.inspections.models import Finding, FindingState, Sample

from . import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_inspectors_check_becomes_a_confirmed_problem(browser, live_server):
    w = f.world()  # loads the catalogue it needs: a transactional test starts from an empty database
    # one inspector only, so the record is hers
    w.inspectors[1].delete()
    month = f.last_month()
    f.visit(w.household_a, w.worker_a, when=f.at(month), photo=False, findings="入户了解独居老人情况")
    set_viewport(browser, *PHONE)

    login(browser, live_server, w.sstaff)
    browser.get(f"{live_server.url}/inspections/samples/")
    browser.find_element(By.ID, "id_month").clear()
    browser.execute_script("document.getElementById('id_month').value = arguments[0]", f"{month:%Y-%m}")
    assert_png(save_screenshot(browser, "inspections-phone-draw"))
    submit_and_wait(browser, browser.find_element(By.ID, "draw"))
    sample = Sample.objects.get()
    assert browser.current_url.endswith(f"/inspections/samples/{sample.pk}/")
    assert browser.find_element(By.ID, "seed").text == str(sample.seed)
    item = sample.items.get()

    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, w.inspector)
    browser.get(f"{live_server.url}/inspections/")
    assert_png(save_screenshot(browser, "inspections-phone-mine"))
    browser.find_element(By.ID, f"item-{item.pk}").click()
    assert "入户了解独居老人情况" in browser.find_element(By.ID, "record").text
    browser.find_element(By.CSS_SELECTOR, "input[name=method][value=call_back]").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=outcome][value=problem]").click()
    browser.find_element(By.CSS_SELECTOR, "select[name=problem_kind] option[value=not_visited]").click()
    submit_and_wait(browser, browser.find_element(By.ID, "save-finding"))
    note = browser.find_element(By.ID, "id_note")
    errors = note.find_elements(By.XPATH, "./ancestor::div[1]//*[contains(@class,'error') or contains(@class,'errorlist')]")
    assert errors and not Finding.objects.exists()
    assert_png(save_screenshot(browser, "inspections-phone-note-error"))
    browser.find_element(By.ID, "id_note").send_keys("回访老人，说上个月没有网格员来过家里")
    submit_and_wait(browser, browser.find_element(By.ID, "save-finding"))
    assert browser.find_element(By.ID, "finding-state").get_attribute("data-state") == FindingState.PENDING

    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, w.sstaff)
    browser.get(f"{live_server.url}/inspections/review/")
    finding = Finding.objects.get()
    browser.find_element(By.ID, f"finding-{finding.pk}").click()
    assert_png(save_screenshot(browser, "inspections-phone-decide"))
    submit_and_wait(browser, browser.find_element(By.ID, "action-confirm"))
    assert browser.find_element(By.ID, "finding-state").get_attribute("data-state") == FindingState.CONFIRMED
    finding.refresh_from_db()
    assert finding.state == FindingState.CONFIRMED
