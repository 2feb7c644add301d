"""The assessment's story on a phone, in a real browser: the street draws last month's sample, the
inspector calls back a household the grid worker says she visited and records a problem, the street
confirms it and recomputes this month (when it was confirmed); the grid worker finds the deduction on her score page and
appeals it (a reason first forgotten, the error beside the field), the street upholds the appeal
with a reason, and her month's score and pay share come back. Every page fits 390 px; screenshots
in test-artifacts/screenshots/assessment-story-*.png."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.utils import timezone
from selenium.webdriver.common.by import By

from gongzhi.assessment.models import Appeal, AppealState, ScoreLine, WorkerMonth
from gongzhi.core.tests.browser import (
    PHONE,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
    submit_and_wait,
)
from gongzhi.inspections.models import Finding, FindingState, Sample
from gongzhi.inspections.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _figures(browser) -> tuple[int, str]:
    return int(browser.find_element(By.ID, "total").text), browser.find_element(By.ID, "pay").text


def _sign_in_as(browser, live_server, user) -> None:
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, user)


def test_a_sampled_check_becomes_a_deduction_the_worker_appeals_and_the_street_upholds(browser, live_server):
    # given a grid worker's door visit last month, without a photo, and one inspector in the street
    # a transactional test starts from an empty database on PostgreSQL: the default rules and pay
    # formula the migration seeds are put back first
    importlib.import_module("gongzhi.assessment.migrations.0002_default_rules").seed(django_apps, None)
    w = f.world()  # loads the catalogue it needs
    w.inspectors[1].delete()
    month = f.last_month()
    this_month = timezone.localdate().replace(day=1)  # a problem confirmed now is deducted now
    f.visit(w.household_a, w.worker_a, when=f.at(month), photo=False, findings="入户了解独居老人情况，一切正常")
    set_viewport(browser, *PHONE)

    # when the street draws last month's sample
    login(browser, live_server, w.sstaff)
    browser.get(f"{live_server.url}/inspections/samples/")
    browser.execute_script("document.getElementById('id_month').value = arguments[0]", f"{month:%Y-%m}")
    submit_and_wait(browser, browser.find_element(By.ID, "draw"))
    item = Sample.objects.get().items.get()

    # and the inspector calls the household back and records that nobody came
    _sign_in_as(browser, live_server, w.inspector)
    browser.get(f"{live_server.url}/inspections/items/{item.pk}/")
    browser.find_element(By.CSS_SELECTOR, "input[name=method][value=call_back]").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=outcome][value=problem]").click()
    browser.find_element(By.CSS_SELECTOR, "select[name=problem_kind] option[value=not_visited]").click()
    browser.find_element(By.ID, "id_note").send_keys("电话回访王阿姨，她说上个月没有网格员上门")
    submit_and_wait(browser, browser.find_element(By.ID, "save-finding"))
    assert_png(save_screenshot(browser, "assessment-story-phone-check"))

    # and the street confirms the problem, then recomputes this month's scores (a
    # problem counts in the month it is confirmed: last month may already be closed)
    _sign_in_as(browser, live_server, w.sstaff)
    browser.get(f"{live_server.url}/inspections/review/")
    finding = Finding.objects.get()
    browser.find_element(By.ID, f"finding-{finding.pk}").click()
    submit_and_wait(browser, browser.find_element(By.ID, "action-confirm"))
    assert browser.find_element(By.ID, "finding-state").get_attribute("data-state") == FindingState.CONFIRMED
    browser.get(f"{live_server.url}/assessment/months/?month={this_month:%Y-%m}")
    submit_and_wait(browser, browser.find_element(By.ID, "compute"))
    assert_png(save_screenshot(browser, "assessment-story-phone-months"))

    # then the grid worker sees the deduction, traced to the inspection, on her score page
    deduction = ScoreLine.objects.get(kind="inspection.problem", worker_month__worker=w.worker_a)
    assert deduction.points < 0 and deduction.source == f"inspections.finding:{finding.pk}"
    _sign_in_as(browser, live_server, w.worker_a)
    browser.get(f"{live_server.url}/assessment/me/?month={this_month:%Y-%m}")
    total_before, pay_before = _figures(browser)
    assert browser.find_element(By.ID, f"line-{deduction.pk}")
    assert_png(save_screenshot(browser, "assessment-story-phone-score"))

    # when she appeals without a reason, the error shows beside the field and nothing is filed
    browser.find_element(By.ID, f"appeal-{deduction.pk}").click()
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#appeal-form button[type=submit]"))
    reason = browser.find_element(By.ID, "id_reason")
    assert reason.find_elements(By.XPATH, "./ancestor::div[1]//*[contains(@class,'error') or contains(@class,'errorlist')]")
    assert not Appeal.objects.exists()
    assert_png(save_screenshot(browser, "assessment-story-phone-appeal-error"))
    browser.find_element(By.ID, "id_reason").send_keys("9号下午我上门了，王阿姨当时在午睡，是她女儿开的门，有登记表为证")
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#appeal-form button[type=submit]"))
    appeal = Appeal.objects.get()
    assert appeal.state == AppealState.PENDING

    # and the street upholds it with a reason
    _sign_in_as(browser, live_server, w.sstaff)
    browser.get(f"{live_server.url}/assessment/appeals/")
    browser.find_element(By.CSS_SELECTOR, f"#appeal-{appeal.pk} a").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=decision][value=uphold]").click()
    browser.find_element(By.ID, "id_reason").send_keys("核对入户登记表，家属签字属实，撤销扣分")
    assert_png(save_screenshot(browser, "assessment-story-phone-decide"))
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#decide-form button[type=submit]"))
    appeal.refresh_from_db()
    assert appeal.state == AppealState.UPHELD

    # then her month's score and pay share are back up by the deducted points
    _sign_in_as(browser, live_server, w.worker_a)
    browser.get(f"{live_server.url}/assessment/me/?month={this_month:%Y-%m}")
    total_after, pay_after = _figures(browser)
    assert total_after == total_before - deduction.points
    row = WorkerMonth.objects.get(worker=w.worker_a, month=this_month)
    assert row.total == total_after and str(row.pay) == pay_after
    assert pay_after != pay_before or row.pay == 0
    assert_png(save_screenshot(browser, "assessment-story-phone-after"))
