"""In real browsers on phones (390 × 844): the chair opens the sign-in and keeps the screen with the
code and QR up; the secretary, on her own phone, signs in with the code and marks the heating
company's manager (an outside party without an account) present; the chair's screen — without
being touched — counts them and shows the quorum met."""

import datetime as dt
import shutil

import pytest
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.tests.browser import (
    DESKTOP,
    PHONE,
    _make_driver,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
    submit_and_wait,
    wait_for,
)
from gongzhi.meetings.models import Attendance, AttendanceStatus, Meeting
from gongzhi.meetings.services import sessions
from gongzhi.meetings.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(driver) -> bool:
    return driver.execute_script("return document.documentElement.scrollWidth") <= PHONE[0] + 1


def test_the_chair_opens_the_sign_in_an_invitee_signs_in_and_the_secretary_marks_a_party(browser, live_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    nodes = tree()
    chair = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]], display_name="王主任")
    secretary = user(Role.PARTY_MEMBER, display_name="李干事")
    body = factories.body_with_members(nodes["community"], chair=chair, secretary=secretary, members=0,
                                       name="瓜州路社区四位一体联席会")
    meeting = factories.meeting(body, title="3号楼供暖协调会", location="社区二楼会议室",
                                starts_at=timezone.now() + dt.timedelta(minutes=15))
    sessions.agenda_item_save(actor=chair, meeting=meeting, title="3号楼暖气不热的原因和排查安排")
    guest = factories.outside_party(meeting, name="赵经理", organization="兰州热力公司")
    assert Meeting.objects.get(pk=meeting.pk).expected_count == 3

    # The chair, on a phone, opens the sign-in from the meeting page and keeps the chair's screen up.
    set_viewport(browser, *PHONE)
    login(browser, live_server, chair, next_url=f"/meetings/{meeting.pk}/")
    assert _fits(browser)
    save_screenshot(browser, "meetings-meeting-page-phone")
    open_button = browser.find_element(By.XPATH, "//form[input[@value='open']]//button")
    submit_and_wait(browser, open_button)
    browser.get(f"{live_server.url}/meetings/{meeting.pk}/chair/")
    code = browser.find_element(By.ID, "signin-code").text.strip()
    assert len(code) == 6 and code == Meeting.objects.get(pk=meeting.pk).signin_code
    qr = browser.find_element(By.CSS_SELECTOR, "img.signin-qr")
    wait_for(browser, lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", qr))
    assert browser.find_element(By.ID, "present-count").text == "0"
    assert _fits(browser)
    assert_png(save_screenshot(browser, "meetings-chair-screen-phone"))

    # The secretary, on her own phone (another browser), signs in with the code she reads off it.
    other, profile = _make_driver()
    try:
        set_viewport(other, *PHONE)
        login(other, live_server, secretary, next_url="/meetings/sign-in/")
        other.find_element(By.NAME, "code").send_keys("ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY")
        submit_and_wait(other, other.find_element(By.CSS_SELECTOR, "form.signin-form button"))
        assert other.find_element(By.ID, "code-error").text  # a wrong code is refused beside the field
        field = other.find_element(By.NAME, "code")
        field.clear()
        field.send_keys(code.lower())
        submit_and_wait(other, other.find_element(By.CSS_SELECTOR, "form.signin-form button"))
        assert other.find_element(By.ID, "signed-in").is_displayed()
        assert _fits(other)
        assert_png(save_screenshot(other, "meetings-signed-in-phone"))

        # She marks the heating company's manager present on the meeting page.
        other.get(f"{live_server.url}/meetings/{meeting.pk}/#attendance")
        row = other.find_element(By.CSS_SELECTOR, f"li[data-attendance='{guest.pk}']")
        Select(row.find_element(By.NAME, "status")).select_by_value("present")
        submit_and_wait(other, row.find_element(By.CSS_SELECTOR, "form.mark button"))
        assert Attendance.objects.get(pk=guest.pk).status == AttendanceStatus.PRESENT
        assert _fits(other)
        save_screenshot(other, "meetings-attendance-marked-phone")
    finally:
        other.quit()
        shutil.rmtree(profile, ignore_errors=True)

    # The chair's screen updates itself (the static script polls the count): 2 of 3, quorum met.
    wait_for(browser, lambda d: d.find_element(By.ID, "present-count").text == "2", timeout=15)
    assert "quorum-met" in browser.find_element(By.ID, "quorum").get_attribute("class")
    assert_png(save_screenshot(browser, "meetings-chair-screen-quorum-phone"))

    # On a desktop the meeting page shows the attendance and the quorum.
    set_viewport(browser, *DESKTOP)
    browser.get(f"{live_server.url}/meetings/{meeting.pk}/")
    page = browser.page_source
    assert "赵经理" in page and "quorum-met" in page
    assert_png(save_screenshot(browser, "meetings-meeting-page-desktop"))


def test_the_secretary_writes_the_minutes_and_the_chair_approves_them_on_a_phone(browser, live_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from gongzhi.meetings.models import Minutes

    nodes = tree()
    chair = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]], display_name="王主任")
    secretary = user(Role.PARTY_MEMBER, display_name="李干事")
    body = factories.body_with_members(nodes["community"], chair=chair, secretary=secretary, members=2,
                                       name="瓜州路社区居民议事会")
    meeting = sessions.meeting_open(actor=chair, meeting=factories.meeting(body, title="居民议事会第三次会议"))
    set_viewport(browser, *PHONE)
    # The chair calls a hearing from the body on the phone too.
    login(browser, live_server, chair, next_url=f"/meetings/bodies/{body.pk}/meetings/new/")
    assert _fits(browser)
    browser.find_element(By.NAME, "title").send_keys("1单元加装电梯听证会")
    Select(browser.find_element(By.NAME, "kind")).select_by_value("hearing")
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form button.primary"))
    hearing = Meeting.objects.get(title="1单元加装电梯听证会")
    assert hearing.kind == "hearing" and browser.current_url.endswith(f"/meetings/{hearing.pk}/")
    save_screenshot(browser, "meetings-hearing-called-phone")
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, secretary, next_url=f"/meetings/{meeting.pk}/minutes/")
    browser.find_element(By.NAME, "text").send_keys(
        "一、热力公司通报3号楼管网排查情况。\n二、议定：物业公司三日内清理楼道堆物，社区跟踪落实。")
    submit_and_wait(browser, browser.find_element(By.XPATH, "//form[input[@value='write']]//button"))
    assert Minutes.objects.get(meeting=meeting).state == "draft"
    assert _fits(browser)
    save_screenshot(browser, "meetings-minutes-draft-phone")
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, chair, next_url=f"/meetings/{meeting.pk}/minutes/")
    submit_and_wait(browser, browser.find_element(By.XPATH, "//form[input[@value='approve']]//button"))
    assert Minutes.objects.get(meeting=meeting).state == "approved"
    assert "物业公司三日内清理楼道堆物" in browser.find_element(By.ID, "current").text
    assert _fits(browser)
    assert_png(save_screenshot(browser, "meetings-minutes-approved-phone"))
