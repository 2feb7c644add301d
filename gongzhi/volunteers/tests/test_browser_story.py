"""In a real browser on a phone, the story of issue 16 end to end: a volunteer signs up for an
activity, checks in with the code shown on the organiser's phone, checks out (hours capped by the
activity, points from the earning rules in the ledger), redeems goods in the points store and gets
a pick-up code; the staff publish the month's points publicity and anyone reads it on the public
page. Screenshots land in test-artifacts/screenshots/volunteers-*.png."""

import datetime as dt

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.tests.browser import (
    PHONE,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
    submit_and_wait,
)
from gongzhi.points.selectors import balance
from gongzhi.volunteers.models import Order, Signup, SignupState
from gongzhi.volunteers.tests import factories as vf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, who):
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, who)


def the_code_on_the_organisers_phone(browser, live_server, organiser, activity) -> str:
    sign_in(browser, live_server, organiser)
    browser.get(f"{live_server.url}/volunteers/activities/{activity.pk}/screen/")
    code = browser.find_element(By.CSS_SELECTOR, ".checkin-code").text.strip()
    assert code.isdigit() and len(code) == 6
    return code


def enter_code(browser, code: str):
    box = browser.find_element(By.NAME, "code")
    box.clear()
    box.send_keys(code)
    submit_and_wait(browser, box.find_element(By.XPATH, "./ancestor::form//button[@type='submit']"))


def test_sign_up_check_in_by_code_earn_redeem_and_see_the_monthly_publicity(browser, live_server):
    # given a community with its staff, a volunteer with an account, the earning rules, goods in the
    # store, and an activity tomorrow
    nodes = tree()
    staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    resident = user(Role.RESIDENT)
    volunteer = vf.volunteer(nodes["household_a"], name="李秀兰", user=resident, phone="13919312345")
    vf.earning_rules()
    vf.goods(nodes["community"], name="洗衣液", price=20, stock=3)
    now = timezone.now()
    activity = vf.activity(nodes["community"], title="楼道清扫", starts_at=now + dt.timedelta(days=1), hours=3,
                           organiser=staff)
    set_viewport(browser, *PHONE)

    # when the volunteer signs up on the activity's page
    sign_in(browser, live_server, resident)
    browser.get(f"{live_server.url}/volunteers/activities/{activity.pk}/")
    assert "楼道清扫" in browser.find_element(By.TAG_NAME, "h1").text
    submit_and_wait(browser, browser.find_element(By.XPATH, "//form[contains(@action,'sign-up')]//button"))
    assert Signup.objects.get(activity=activity, volunteer=volunteer).state == SignupState.SIGNED_UP
    assert_png(save_screenshot(browser, "volunteers-phone-1-signed-up"))

    # and, on the day (the activity began two and a half hours ago, ends in half an hour), checks in
    # with the code the organiser's phone shows
    activity.starts_at, activity.ends_at = now - dt.timedelta(hours=2, minutes=30), now + dt.timedelta(minutes=30)
    activity.save(update_fields=["starts_at", "ends_at"])
    code = the_code_on_the_organisers_phone(browser, live_server, staff, activity)
    assert_png(save_screenshot(browser, "volunteers-phone-2-check-in-screen"))
    sign_in(browser, live_server, resident)
    browser.get(f"{live_server.url}/volunteers/activities/{activity.pk}/")
    enter_code(browser, "000000" if code != "000000" else "111111")  # a wrong code first
    assert Signup.objects.get(activity=activity, volunteer=volunteer).state == SignupState.SIGNED_UP
    enter_code(browser, code)
    signup = Signup.objects.get(activity=activity, volunteer=volunteer)
    assert signup.state == SignupState.CHECKED_IN

    # and, the work done (they had been there since the start), checks out with the code again
    Signup.objects.filter(pk=signup.pk).update(checked_in_at=activity.starts_at)
    code = the_code_on_the_organisers_phone(browser, live_server, staff, activity)
    sign_in(browser, live_server, resident)
    browser.get(f"{live_server.url}/volunteers/activities/{activity.pk}/")
    enter_code(browser, code)

    # then the hours are counted from the start to now, and the ledger holds the points of the rule
    signup.refresh_from_db()
    assert signup.state == SignupState.DONE and 150 <= signup.minutes <= 155
    earned = balance(programme="volunteers", holder=volunteer)
    assert earned == signup.minutes * 10 // 60
    browser.get(f"{live_server.url}/volunteers/")
    assert browser.find_element(By.ID, "my-balance").text == str(earned)
    assert_png(save_screenshot(browser, "volunteers-phone-3-home"))

    # when they redeem the washing liquid in the points store
    browser.get(f"{live_server.url}/volunteers/store/")
    form = browser.find_element(By.XPATH, "//form[contains(@action,'redeem')]")
    submit_and_wait(browser, form.find_element(By.CSS_SELECTOR, "button[type='submit']"))
    # then a pick-up code is shown, the stock and the points went down together
    order = Order.objects.get(volunteer=volunteer)
    assert browser.find_element(By.CSS_SELECTOR, ".pickup-code").text.strip() == order.pickup_code
    assert balance(programme="volunteers", holder=volunteer) == earned - 20
    assert order.goods.__class__.objects.get(pk=order.goods_id).stock == 2
    assert_png(save_screenshot(browser, "volunteers-phone-4-pick-up-code"))

    # when the staff open the month's publicity and publish it
    month = timezone.localdate().strftime("%Y-%m")
    sign_in(browser, live_server, staff)
    browser.get(f"{live_server.url}/volunteers/publicity/?area={nodes['community'].pk}&month={month}")
    table = browser.find_element(By.TAG_NAME, "table").text
    assert "李秀兰" in table and str(earned) in table
    submit_and_wait(browser, browser.find_element(By.XPATH, "//form[contains(@action,'publish')]//button"))
    assert_png(save_screenshot(browser, "volunteers-phone-5-publicity"))

    # then anyone reads it on the community's public page, matching the ledger
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    browser.get(f"{live_server.url}/volunteers/public/{nodes['community'].code}/points/{month}/")
    public = browser.find_element(By.TAG_NAME, "main").text
    assert "李秀兰" in public and str(earned) in public and str(earned - 20) in public
    assert_png(save_screenshot(browser, "volunteers-phone-6-public"))
