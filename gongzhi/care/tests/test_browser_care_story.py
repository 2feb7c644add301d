"""In a real browser, the story of issue 19 item 7: the community makes a care plan for a household
whose old woman lives alone, the branch secretary generates and publishes the roster, a volunteer
records a visit at the door by the code on the household's card — on a phone (390 px) — and the
hourly sweep flags a turn nobody made to its carer. Then the roster board, the plan and the care
home on a desktop. Screenshots land in test-artifacts/screenshots/care-*.png."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from gongzhi.care import tasks
from gongzhi.care.models import CarePlan, CareVisit, Roster, RosterState, Turn, TurnState
from gongzhi.core.models import Notification
from gongzhi.core.tests.browser import (
    DESKTOP,
    PHONE,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
    submit_and_wait,
)
from gongzhi.residents.models import PersonTag, TagKind
from gongzhi.residents.tests.factories import person

from . import factories_rosters as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, who):
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, who)


def press(browser, css: str):
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, css))


def set_value(browser, name: str, value: str):
    box = browser.find_element(By.NAME, name)
    browser.execute_script("arguments[0].value = arguments[1]", box, value)


def test_a_plan_is_made_a_roster_generated_a_visit_recorded_by_code_and_a_missed_turn_flagged(browser, live_server):
    w = f.world()
    home = f.household(w, "103室")
    PersonTag.objects.create(person=person(home, name="孙桂英"), kind=TagKind.ELDERLY_ALONE)
    set_viewport(browser, *PHONE)

    # the community's worker makes the plan: who is cared for, what she needs, every 3 days, the rota
    sign_in(browser, live_server, w["community_staff"])
    browser.get(f"{live_server.url}/care/plans/new/{home.pk}/")
    for box in browser.find_elements(By.CSS_SELECTOR, "input[name=people], input[name=carers]"):
        box.click()
    for need in ("groceries", "company"):
        browser.find_element(By.CSS_SELECTOR, f"input[name=needs][value={need}]").click()
    set_value(browser, "every_days", "3")
    assert_png(save_screenshot(browser, "care-phone-1-plan-form"))
    press(browser, "form.form button[type=submit]")
    plan = CarePlan.objects.get(household=home)
    assert plan.checkin_code in browser.page_source and "孙桂英" in browser.page_source
    assert_png(save_screenshot(browser, "care-phone-2-plan"))

    # the branch secretary generates a four-week roster that began a fortnight ago, and publishes it
    sign_in(browser, live_server, w["secretary"])
    browser.get(f"{live_server.url}/care/rosters/generate/")
    today = timezone.localdate()
    start = today - dt.timedelta(days=13)
    Select(browser.find_element(By.NAME, "branch")).select_by_value(str(w["care_branch"].pk))
    set_value(browser, "start_on", start.isoformat())
    set_value(browser, "end_on", (start + dt.timedelta(days=27)).isoformat())
    press(browser, "form.form button[type=submit]")
    roster = Roster.objects.get()
    assert "103室" in browser.page_source
    press(browser, "#publish")
    roster.refresh_from_db()
    assert roster.state == RosterState.PUBLISHED
    assert_png(save_screenshot(browser, "care-phone-3-roster"))

    # a carer with a turn at 103室 already due opens her turns and records the visit by the code on its card
    # (which of the three carers the fair share gives that turn to depends on the solver, not on the story)
    turn = (Turn.objects.filter(plan=plan, date__lte=today, state=TurnState.PLANNED, carer__user__isnull=False)
            .order_by("-date").first())
    carer_user = turn.carer.user
    sign_in(browser, live_server, carer_user)
    browser.get(f"{live_server.url}/care/my-turns/")
    assert "103室" in browser.page_source
    assert_png(save_screenshot(browser, "care-phone-4-my-turns"))
    browser.get(f"{live_server.url}/care/visits/plans/{turn.plan_id}/record/?turn={turn.pk}")
    code_box = browser.find_element(By.NAME, "check_in_code")
    code_box.send_keys("WRONG1")
    press(browser, "form.form button[type=submit]")
    assert "not the code" in browser.page_source or "签到码" in browser.page_source
    assert CareVisit.objects.count() == 0
    code_box = browser.find_element(By.NAME, "check_in_code")
    code_box.clear()
    code_box.send_keys(turn.plan.checkin_code.lower())
    browser.find_element(By.CSS_SELECTOR, "input[name=done][value=company]").click()
    press(browser, "form.form button[type=submit]")
    visit = CareVisit.objects.get()
    turn.refresh_from_db()
    assert visit.visitor == carer_user and turn.state == TurnState.DONE
    assert re.search(r"/care/visits/\d+/", browser.current_url)
    assert_png(save_screenshot(browser, "care-phone-5-visit"))

    # the hourly sweep marks the turns nobody made as missed and tells their carers
    tasks.sweep_missed.call()
    missed = Turn.objects.filter(state=TurnState.MISSED, flagged_carer_at__isnull=False)
    assert missed.exists()
    late = missed.first()
    assert Notification.objects.filter(recipient=late.carer.user, kind="care.turn_late").exists()
    sign_in(browser, live_server, late.carer.user)
    browser.get(f"{live_server.url}/care/my-turns/")
    assert_png(save_screenshot(browser, "care-phone-6-missed"))

    # on a desktop: the board, the plan, the care home of the community
    set_viewport(browser, *DESKTOP)
    sign_in(browser, live_server, w["community_staff"])
    browser.get(f"{live_server.url}/care/rosters/{roster.pk}/?month={today:%Y-%m}")
    assert "roster-grid" in browser.page_source
    assert_png(save_screenshot(browser, "care-desktop-1-board"))
    browser.get(f"{live_server.url}/care/plans/{plan.pk}/")
    assert_png(save_screenshot(browser, "care-desktop-2-plan"))
    browser.get(f"{live_server.url}/care/")
    assert_png(save_screenshot(browser, "care-desktop-3-home"))
