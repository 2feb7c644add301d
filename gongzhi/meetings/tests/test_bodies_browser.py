"""A branch's page in a real browser, on a phone (390 px) and on a desktop: members with masked
phones, the 三会一课 and theme day (4+X), the calendar, meetings and attendance — no sideways
scrolling on the phone, and the branch adds its own X from it. Screenshots land in
test-artifacts/screenshots/meetings-body-*.png."""

import datetime as dt

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.tests.browser import (
    DESKTOP,
    PHONE,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
    submit_and_wait,
)
from gongzhi.meetings.models import (
    Attendance,
    AttendanceStatus,
    BodyKind,
    Meeting,
    MeetingKind,
    MeetingState,
    MemberRole,
)
from gongzhi.meetings.services import bodies, schedule
from gongzhi.meetings.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOUR = ["学习习近平新时代中国特色社会主义思想", "重温入党誓词", "按时交纳党费", "开展为民服务志愿活动"]


def _branch():
    nodes = tree()
    staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]], display_name="马晓燕")
    for position, title in enumerate(FOUR, start=1):
        bodies.theme_day_content_save(actor=factories.ACTOR, district=nodes["district"], position=position, title=title)
    branch = factories.body(nodes["grid_a"], kind=BodyKind.PARTY_BRANCH, name="瓜州路社区第一网格党支部")
    factories.member(branch, capacity=MemberRole.CHAIR, name="王建华", title="支部书记", phone="13893112345")
    factories.member(branch, capacity=MemberRole.SECRETARY, name="李秀兰", title="组织委员", phone="13919254321")
    for name in ("张桂英", "刘德明", "陈志强", "杨丽娟"):
        factories.member(branch, name=name)
    factories.member(branch, capacity=MemberRole.OBSERVER, name="赵红", title="社区居委会委员")
    schedule.plan_periods(actor=factories.ACTOR, today=timezone.localdate())
    held = factories.meeting(branch, kind=MeetingKind.BRANCH_ASSEMBLY, title="瓜州路社区第一网格党支部 党员大会",
                             starts_at=timezone.now() - dt.timedelta(days=20))
    for name, status in {"王建华": "present", "李秀兰": "present", "张桂英": "excused", "刘德明": "present",
                         "陈志强": "absent", "杨丽娟": "present"}.items():
        Attendance.objects.filter(meeting=held, name=name).update(status=getattr(AttendanceStatus, status.upper()))
    Meeting.objects.filter(pk=held.pk).update(state=MeetingState.HELD, present_count=4, expected_count=6)
    return staff, branch


def test_a_branch_page_on_a_phone_and_a_desktop(browser, live_server):
    staff, branch = _branch()
    set_viewport(browser, *PHONE)
    login(browser, live_server, staff)
    browser.get(f"{live_server.url}/meetings/bodies/")
    assert "瓜州路社区第一网格党支部" in browser.page_source
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE[0] + 1
    assert_png(save_screenshot(browser, "meetings-body-list-phone"))

    browser.get(f"{live_server.url}/meetings/bodies/{branch.pk}/")
    page = browser.page_source
    assert "138****2345" in page and "13893112345" not in page
    for title in FOUR:
        assert title in page
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE[0] + 1
    # the branch adds its own item (X) to the coming theme day, from the phone
    form = browser.find_element(By.CSS_SELECTOR, "form[action$='/items/']")
    form.find_element(By.NAME, "title").send_keys("走访慰问网格内困难党员")
    submit_and_wait(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "走访慰问网格内困难党员" in browser.page_source
    theme_day = Meeting.objects.get(body=branch, kind=MeetingKind.THEME_DAY,
                                    period_start=timezone.localdate().replace(day=1))
    assert theme_day.agenda.filter(title="走访慰问网格内困难党员", is_fixed_content=False).exists()
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE[0] + 1
    set_viewport(browser, PHONE[0], 4200)
    assert_png(save_screenshot(browser, "meetings-body-phone"))

    # the forms fit the phone too: a new member, moving a meeting, the district's fixed contents
    set_viewport(browser, *PHONE)
    for url, name in ((f"/meetings/bodies/{branch.pk}/members/new/", "member"),
                      (f"/meetings/schedule/{theme_day.pk}/move/", "move"), ("/meetings/bodies/new/", "new")):
        browser.get(f"{live_server.url}{url}")
        assert browser.find_element(By.CSS_SELECTOR, "form.form")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE[0] + 1, url
        assert_png(save_screenshot(browser, f"meetings-body-{name}-phone"))

    set_viewport(browser, DESKTOP[0], 2600)
    browser.get(f"{live_server.url}/meetings/bodies/{branch.pk}/")
    assert_png(save_screenshot(browser, "meetings-body-desktop"))
