"""Every service circle page in a real browser, at 390 px and on a desktop: nothing wider than the
screen (`save_screenshot` checks it), no raw codes, Chinese throughout; the near page's place picker
opens and draws its map. Screenshots land in test-artifacts/screenshots/circle-tour-*.png."""

import datetime as dt

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from gongzhi.circle.models import BookingState, RoomBooking
from gongzhi.circle.services import guide as guide_services
from gongzhi.circle.services import orders as order_services
from gongzhi.core.tests.browser import DESKTOP, PHONE, assert_png, login, save_screenshot, set_viewport

from . import factories as f
from .factories_guide import slot as hall_slot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RAW_CODES = ("civility_station", "convenience_room", "locksmith", "dispatched", "no_show", "checked_in", "business")


def test_every_circle_page_fits_a_phone_and_a_desktop_in_chinese(browser, live_server):
    w = f.circle_world()
    f.place(w["building_b"], north_m=-1400, east_m=50)  # a gap on the map
    guide_services.appointment_book(actor=w["resident"], matter=w["matter"], starts_at=hall_slot(w["hall"]))
    order = order_services.order_create(actor=w["resident"], service="locksmith", place=w["household_a"],
                                        description="门锁坏了", wanted_at=f.next_weekday(11), provider=w["locksmith"])
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time(10)))
    RoomBooking.objects.create(room=w["room"], booked_by=w["resident"], starts_at=start,
                               ends_at=start + dt.timedelta(hours=1), purpose="楼栋议事会", state=BookingState.BOOKED)
    staff_pages = [
        ("home", "/circle/"), ("points", "/circle/points/"), ("point", f"/circle/points/{w['station'].pk}/"),
        ("point-new", "/circle/points/new/"), ("providers", "/circle/providers/"),
        ("provider", f"/circle/providers/{w['locksmith'].pk}/"), ("themes", "/circle/themes/"),
        ("map", f"/circle/map/?community={w['community'].pk}&service=locksmith"),
        ("dispatch", "/circle/dispatch/"), ("order", f"/circle/orders/{order.pk}/"),
        ("guide", "/circle/guide/"), ("matter", f"/circle/guide/{w['matter'].pk}/"),
        ("queue", f"/circle/halls/{w['hall'].pk}/queue/"), ("point-bookings", f"/circle/points/{w['station'].pk}/bookings/"),
        ("figures", "/circle/figures/"),
    ]
    resident_pages = [
        ("home", "/circle/"), ("near", "/circle/near/?service=locksmith"), ("orders", "/circle/orders/"),
        ("order-new", "/circle/orders/new/?service=locksmith"), ("book", f"/circle/rooms/{w['room'].pk}/book/"),
        ("bookings", "/circle/bookings/"), ("appointments", "/circle/appointments/"),
    ]
    provider_pages = [("provider-orders", "/circle/provider/")]
    for size_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        set_viewport(browser, *size)
        for who, pages in ((w["community_staff"], staff_pages), (w["resident"], resident_pages),
                           (w["provider_user"], provider_pages)):
            browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
            login(browser, live_server, who)
            for name, url in pages:
                browser.get(f"{live_server.url}{url}")
                text = browser.find_element(By.TAG_NAME, "main").text
                assert "Server Error" not in browser.page_source and "Not Found" not in browser.title, url
                assert not [code for code in RAW_CODES if code in text], (url, text)
                assert_png(save_screenshot(browser, f"circle-tour-{size_name}-{name}"))

    # the near page's place picker opens and draws the community's map from the area tree
    set_viewport(browser, *PHONE)
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, w["community_staff"])
    browser.get(f"{live_server.url}/circle/near/?service=locksmith&place={w['household_a'].pk}")
    browser.find_element(By.CSS_SELECTOR, "details.near-elsewhere summary").click()
    assert browser.find_element(By.ID, "place-picker").is_displayed()
    assert_png(save_screenshot(browser, "circle-tour-phone-near-picker"))
