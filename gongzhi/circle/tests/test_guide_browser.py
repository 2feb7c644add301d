"""In a real browser at 390 px (issue 21 item 3): a resident opens a matter of the hall's guide,
books a half hour, and the hall's keeper sees them in the day's queue, marks them arrived (ticket
1) and served. Screenshots land in test-artifacts/screenshots/circle-guide-*.png."""

import datetime as dt

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from gongzhi.circle.models import Appointment, AppointmentState, ServicePoint
from gongzhi.core.tests.browser import (
    PHONE,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
    submit_and_wait,
)

from . import factories_guide as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, who):
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, who)


def test_a_resident_books_a_slot_and_the_keeper_calls_them(browser, live_server):
    w = f.world()
    # a hall open every day, all day, so that a slot of today is still ahead whenever the test runs
    ServicePoint.objects.filter(pk=w["hall"].pk).update(
        hours=[{"days": [0, 1, 2, 3, 4, 5, 6], "opens": "00:00", "closes": "24:00"}])
    set_viewport(browser, *PHONE)

    sign_in(browser, live_server, w["resident"])
    browser.get(f"{live_server.url}/circle/guide/")
    assert_png(save_screenshot(browser, "circle-guide-1-guide"))
    submit_and_wait(browser, browser.find_element(By.ID, f"matter-{w['matter'].pk}"))
    assert "居民身份证" in browser.page_source
    choice = browser.find_element(By.CSS_SELECTOR, "input[name=starts_at]:not([disabled])")
    browser.execute_script("arguments[0].scrollIntoView(); arguments[0].click()", choice)
    assert_png(save_screenshot(browser, "circle-guide-2-matter"))
    submit_and_wait(browser, browser.find_element(By.ID, "book-slot"))
    made = Appointment.objects.get(person=w["resident"])
    assert made.state == AppointmentState.BOOKED and f"appointment-{made.pk}" in browser.page_source
    assert_png(save_screenshot(browser, "circle-guide-3-mine"))

    # the booking lands on a later day when today's slots are all past: move it to the next half hour
    # of today so that it is in today's queue (the keeper calls the day's queue)
    now = timezone.localtime()
    today_slot = now.replace(second=0, microsecond=0) + dt.timedelta(minutes=30 - now.minute % 30)
    if today_slot.date() == now.date():
        Appointment.objects.filter(pk=made.pk).update(starts_at=today_slot)
    else:  # just before midnight: keep it in today's list by a slot that began a moment ago
        Appointment.objects.filter(pk=made.pk).update(starts_at=today_slot - dt.timedelta(minutes=30))

    sign_in(browser, live_server, w["hall_keeper"])
    browser.get(f"{live_server.url}/circle/halls/{w['hall'].pk}/queue/")
    assert f"queue-{made.pk}" in browser.page_source
    assert_png(save_screenshot(browser, "circle-guide-4-queue"))
    submit_and_wait(browser, browser.find_element(By.ID, f"arrive-{made.pk}"))
    made.refresh_from_db()
    assert made.state == AppointmentState.ARRIVED and made.ticket == 1
    submit_and_wait(browser, browser.find_element(By.ID, f"serve-{made.pk}"))
    made.refresh_from_db()
    assert made.state == AppointmentState.SERVED
    assert_png(save_screenshot(browser, "circle-guide-5-served"))
