"""In a real browser, on a phone and on a desktop: community staff call a coordination meeting from
the case page, record what it decided, and the property company's liaison finds the decision in
"my decisions" and reports progress with a photo. Screenshots land in
test-artifacts/screenshots/meetings-decisions-*.png."""

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import UnitFactory
from gongzhi.cases.tests.factories import submit, world
from gongzhi.core.tests.browser import (
    DESKTOP,
    PHONE,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
    submit_and_wait,
)
from gongzhi.meetings.models import Decision, DecisionUpdate
from gongzhi.meetings.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A small real PNG (1×1, red).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63f8cfc0000003010100"
    "c9fe92ef0000000049454e44ae426082"
)


def sign_in(browser, live_server, who):
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, who)


def test_a_coordination_meeting_decides_and_the_owner_reports_back(browser, live_server):
    w = world()
    unit = UnitFactory(area=w.community, name="瓜州物业公司")
    liaison = user(Role.UNIT_LIAISON, unit=unit, display_name="钱经理")
    case = submit(w, title="3号楼暖气不热", description="入冬以来3号楼暖气一直不热，室温只有十四度。")

    # given the community's staff on a phone, on the case page
    set_viewport(browser, *PHONE)
    sign_in(browser, live_server, w.cstaff)
    browser.get(f"{live_server.url}/cases/{case.pk}/")
    panel = browser.find_element(By.ID, "meetings-panel")
    assert_png(save_screenshot(browser, "meetings-decisions-1-case-panel-phone"))
    # when they call a coordination meeting with the heating company and the property company
    panel.find_element(By.CSS_SELECTOR, "a.button").click()
    starts = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    browser.execute_script("document.getElementById('starts_at').value = arguments[0]", starts)
    browser.find_element(By.NAME, "location").send_keys("瓜州路社区二楼会议室")
    browser.find_element(By.NAME, "party_name_0").send_keys("赵经理")
    browser.find_element(By.NAME, "party_org_0").send_keys("兰州热力公司")
    browser.find_element(By.NAME, "party_phone_0").send_keys("13912345678")
    browser.find_element(By.NAME, "party_name_1").send_keys("钱经理")
    browser.find_element(By.NAME, "party_org_1").send_keys("瓜州物业公司")
    assert_png(save_screenshot(browser, "meetings-decisions-2-call-phone"))
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#coordination-form button[type=submit]"))
    meeting = case.meetings.get()
    assert meeting.attendances.filter(organization="兰州热力公司", phone_masked="139****5678").exists()

    # and, the meeting held, record its decision with the property company as owner
    factories.held(meeting)
    browser.get(f"{live_server.url}/meetings/decisions/record/{meeting.pk}/")
    browser.find_element(By.NAME, "text").send_keys("物业公司三日内更换3号楼暖气阀门，热力公司配合排查管网")
    deadline = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    browser.execute_script("document.getElementById('deadline').value = arguments[0]", deadline)
    browser.find_element(By.CSS_SELECTOR, f"input[name=owner][value='unit:{unit.pk}']").click()
    browser.find_element(By.NAME, "owner_names").send_keys("兰州热力公司")
    assert_png(save_screenshot(browser, "meetings-decisions-2b-record-phone"))
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#decision-form button[type=submit]"))
    decision = Decision.objects.get(meeting=meeting)
    assert "瓜州物业公司" in browser.page_source

    # then the decision is on the case's timeline
    browser.get(f"{live_server.url}/cases/{case.pk}/")
    assert "协调会议定" in browser.page_source

    # and the liaison finds it in "my decisions" and reports progress with a photo, on a phone
    sign_in(browser, live_server, liaison)
    browser.get(f"{live_server.url}/meetings/mine/decisions/")
    assert "物业公司三日内更换3号楼暖气阀门" in browser.page_source
    assert_png(save_screenshot(browser, "meetings-decisions-3-my-decisions-phone"))
    browser.find_element(By.CSS_SELECTOR, "#my-decisions a").click()
    browser.find_element(By.NAME, "text").send_keys("阀门已到货，明天上午更换")
    with tempfile.TemporaryDirectory() as folder:
        photo = Path(folder) / "阀门.png"
        photo.write_bytes(PNG)
        browser.find_element(By.NAME, "photos").send_keys(str(photo))
        submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form[action$='/report/'] button[type=submit]"))
    assert DecisionUpdate.objects.filter(decision=decision, photos__isnull=False).exists()
    assert browser.find_elements(By.CSS_SELECTOR, ".photos img")
    assert_png(save_screenshot(browser, "meetings-decisions-4-decision-phone"))
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= PHONE[0]

    # and on a desktop the same page reads well
    set_viewport(browser, *DESKTOP)
    browser.refresh()
    assert_png(save_screenshot(browser, "meetings-decisions-5-decision-desktop"))
    # and the convener's "my meetings" lists the coordination meeting they chair
    sign_in(browser, live_server, w.cstaff)
    browser.get(f"{live_server.url}/meetings/mine/")
    assert meeting.title in browser.page_source
    assert browser.find_elements(By.CSS_SELECTOR, f"a[href$='/decisions/record/{meeting.pk}/']")
    assert_png(save_screenshot(browser, "meetings-decisions-6-my-meetings-desktop"))
