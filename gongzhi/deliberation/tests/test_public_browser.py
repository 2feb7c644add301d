"""In a real browser: a member of the residents' supervision committee, on a phone, raises a
rectification on a resolution; a resident without an account follows it on the community's public
page on a phone, and on a desktop. Screenshots land in
test-artifacts/screenshots/deliberation-resolutions-*.png."""

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from gongzhi.areas.tests.factories import UnitFactory
from gongzhi.core.tests.browser import (
    DESKTOP,
    PHONE,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
    submit_and_wait,
)
from gongzhi.deliberation.models import Rectification
from gongzhi.deliberation.services import resolutions
from gongzhi.deliberation.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63f8cfc0000003010100"
    "c9fe92ef0000000049454e44ae426082"
)


def test_the_committee_raises_a_rectification_and_residents_follow_on_the_public_page(browser, live_server):
    # given a published resolution carried out by the property company, with a plan and money spent
    w = f.world()
    resolution = f.resolved_topic(w).resolution
    unit = UnitFactory(area=w.community, name="瓜州物业公司")
    resolutions.owner_add(actor=w.cstaff, resolution=resolution, owner=unit)
    resolutions.resolution_plan(actor=w.cstaff, resolution=resolution, budget_fen=1_280_000,
                                deadline=timezone.localdate() + dt.timedelta(days=60))
    resolutions.milestone_add(actor=w.cstaff, resolution=resolution, title="采购空调",
                              due_on=timezone.localdate() + dt.timedelta(days=10))
    resolutions.spending_record(actor=w.cstaff, resolution=resolution, amount_fen=650_050, spent_on=None,
                                purpose="空调采购")

    # and the community staff report progress with a photo from a phone
    set_viewport(browser, *PHONE)
    login(browser, live_server, w.cstaff)
    browser.get(f"{live_server.url}/deliberation/resolutions/{resolution.pk}/")
    browser.find_element(By.NAME, "text").send_keys("空调已到货，下周安装")
    progress = browser.find_element(By.NAME, "progress")
    progress.clear()
    progress.send_keys("40")
    with tempfile.TemporaryDirectory() as folder:
        photo = Path(folder) / "到货.png"
        photo.write_bytes(PNG)
        browser.find_element(By.NAME, "photos").send_keys(str(photo))
        submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#report-form button[type=submit]"))
    assert_png(save_screenshot(browser, "deliberation-resolutions-1-staff-phone"))
    resolution.refresh_from_db()
    assert resolution.progress == 40

    # when a member of the supervision committee, on a phone, raises a rectification
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, w.supervisor)
    browser.get(f"{live_server.url}/deliberation/resolutions/{resolution.pk}/")
    browser.find_element(By.CSS_SELECTOR, "#supervision details summary").click()
    browser.find_element(By.NAME, "problem").send_keys("空调外机未加防护罩，存在安全隐患")
    browser.find_element(By.CSS_SELECTOR, "#rectify-owner option:nth-child(2)").click()
    deadline = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    browser.execute_script("document.getElementById('rectify-deadline').value = arguments[0]", deadline)
    assert_png(save_screenshot(browser, "deliberation-resolutions-2-committee-raises-phone"))
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#rectify-form button[type=submit]"))
    # then it is recorded with its owner and deadline, and listed on the committee's page
    rectification = Rectification.objects.get(resolution=resolution)
    assert rectification.owner_name == "瓜州物业公司" and rectification.deadline.isoformat() == deadline
    browser.get(f"{live_server.url}/deliberation/resolutions/rectifications/")
    assert "空调外机未加防护罩" in browser.page_source
    assert_png(save_screenshot(browser, "deliberation-resolutions-3-committee-list-phone"))

    # and a resident without an account follows it on the community's public page, on a phone
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    browser.get(f"{live_server.url}/deliberation/public/{w.community.code}/")
    page = browser.page_source
    assert "加装电梯机房空调" in page and "40%" in page and "6,500.50" in page
    assert_png(save_screenshot(browser, "deliberation-resolutions-4-public-phone"))
    browser.find_element(By.CSS_SELECTOR, "#public-resolutions h2 a").click()
    assert "空调外机未加防护罩" in browser.page_source and "ab" * 32 in browser.page_source
    assert browser.find_elements(By.CSS_SELECTOR, "#public-progress img")
    assert_png(save_screenshot(browser, "deliberation-resolutions-5-public-resolution-phone"))

    # and on a desktop
    set_viewport(browser, *DESKTOP)
    browser.get(f"{live_server.url}/deliberation/public/resolutions/{resolution.pk}/")
    assert_png(save_screenshot(browser, "deliberation-resolutions-6-public-resolution-desktop"))


def test_staff_follow_the_area_s_resolutions_on_a_desktop(browser, live_server):
    # given two resolutions, one with an overdue milestone
    from gongzhi.deliberation.models import Milestone

    w = f.world()
    late = f.resolved_topic(w).resolution
    f.resolved_topic(w, title="增设非机动车棚")
    milestone = resolutions.milestone_add(actor=w.cstaff, resolution=late, title="采购空调", due_on=timezone.localdate())
    Milestone.objects.filter(pk=milestone.pk).update(due_on=timezone.localdate() - dt.timedelta(days=2))
    # when the community staff filter the list by overdue milestones on a desktop
    login(browser, live_server, w.cstaff)
    browser.get(f"{live_server.url}/deliberation/resolutions/")
    browser.find_element(By.NAME, "overdue").click()
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]"))
    # then only the late one is listed, flagged
    rows = browser.find_elements(By.CSS_SELECTOR, "#resolutions tbody tr")
    assert len(rows) == 1 and "加装电梯机房空调" in rows[0].text
    assert_png(save_screenshot(browser, "deliberation-resolutions-7-list-desktop"))
    # and on a phone the same list turns into cards
    set_viewport(browser, *PHONE)
    browser.refresh()
    assert_png(save_screenshot(browser, "deliberation-resolutions-8-list-phone"))
    browser.get(f"{live_server.url}/deliberation/resolutions/{late.pk}/")
    set_viewport(browser, *DESKTOP)
    browser.refresh()
    assert "采购空调" in browser.page_source
    assert_png(save_screenshot(browser, "deliberation-resolutions-9-resolution-desktop"))
