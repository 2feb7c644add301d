"""In a real browser: the community's staff read the meeting figures on a phone and on a desktop,
drill down from a level's kind of body to its bodies, and change the year."""

import datetime as dt

import pytest

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
    wait_for,
)
from gongzhi.meetings.models import Body, BodyKind, Cadence, DecisionState, MeetingKind
from gongzhi.meetings.tests import factories

from .test_figures import YEAR, at, decide, held

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world():
    nodes = tree()
    council = factories.body_with_members(nodes["community"], kind=BodyKind.ALLIANCE, name="瓜州路社区大党委",
                                          cadence=Cadence.BIMONTHLY, members=4)
    branch = factories.body(nodes["grid_a"], kind=BodyKind.PARTY_BRANCH, name="第A网格党支部")
    Body.objects.update(created_at=at(12, 1, year=YEAR - 1))
    for month in (2, 4, 6, 8, 10):
        m = held(council, at(month, 12), period=(dt.date(YEAR, month - 1, 1), dt.date(YEAR, month, 28)), present=5)
        decide(m, deadline=dt.date(YEAR, month, 28), state=DecisionState.DONE, done_at=at(month, 20))
    for month in range(1, 12):
        held(branch, at(month, 25), kind=MeetingKind.THEME_DAY,
             period=(dt.date(YEAR, month, 1), dt.date(YEAR, month, 28)), agenda=1, fixed=4)
    return nodes, user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])


def test_staff_read_the_figures_on_a_phone_and_drill_down(browser, live_server):
    from selenium.webdriver.common.by import By

    nodes, staff = _world()
    set_viewport(browser, *PHONE)
    login(browser, live_server, staff)
    browser.get(f"{live_server.url}/meetings/figures/?node_id={nodes['community'].pk}&year={YEAR}")
    assert browser.find_element(By.ID, "held-due").text == "16 / 50"
    # the page fits the phone: wide tables scroll inside their cards, the page does not
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE[0] + 1
    assert_png(save_screenshot(browser, "meetings-figures-phone"))
    # drill down from the community level's alliances to the bodies
    browser.find_element(By.CSS_SELECTOR, "#level-community a").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "bodies"))
    assert "瓜州路社区大党委" in browser.find_element(By.ID, "bodies").text
    assert "第A网格党支部" not in browser.find_element(By.ID, "bodies").text
    browser.execute_script("document.getElementById('level-community').scrollIntoView()")
    assert_png(save_screenshot(browser, "meetings-figures-phone-tables"))
    # a year that is not a year: the error beside the field, the figures of this year
    field = browser.find_element(By.NAME, "year")
    field.clear()
    field.send_keys("1850")
    field.submit()
    wait_for(browser, lambda d: d.find_elements(By.ID, "year-error"))
    set_viewport(browser, *DESKTOP)
    browser.get(f"{live_server.url}/meetings/figures/?node_id={nodes['community'].pk}&year={YEAR}")
    assert_png(save_screenshot(browser, "meetings-figures-desktop"))
