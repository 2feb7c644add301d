"""点单 → 派单 → 接单 → 评单 on a phone, in a real browser: the resident finds the locksmith of
`circle_world()` within a 10-minute walk of home and orders from it (the order goes straight to it), the locksmith accepts and delivers with a manual
check-in, and the resident rates. Every page fits 390 px; screenshots in
test-artifacts/screenshots/circle-orders-*.png."""

import pytest
from selenium.webdriver.common.by import By

from gongzhi.circle import menu_data
from gongzhi.circle.models import Order, OrderState
from gongzhi.core.tests.browser import (
    PHONE,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
    submit_and_wait,
)

from . import factories
from .factories import near, next_weekday

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _state(browser) -> str:
    return browser.find_element(By.ID, "order-state").get_attribute("data-state")


def test_a_resident_orders_from_the_locksmith_who_accepts_delivers_and_is_rated(browser, live_server):
    menu_data.load()  # a transactional test starts from an empty database
    w = factories.circle_world()
    set_viewport(browser, *PHONE)

    # the resident looks for a locksmith within a 10-minute walk of home and finds 老王开锁
    login(browser, live_server, w["resident"])
    browser.get(f"{live_server.url}/circle/near/?service=locksmith")
    found = browser.find_elements(By.CSS_SELECTOR, "#found .near-item")
    assert [item.get_attribute("data-id") for item in found] == [str(w["locksmith"].pk)]
    assert "老王开锁" in found[0].text and "分钟" in found[0].text
    assert_png(save_screenshot(browser, "circle-orders-phone-near"))
    found[0].find_element(By.CSS_SELECTOR, ".actions a.button").click()
    assert "/circle/orders/new/" in browser.current_url and f"provider={w['locksmith'].pk}" in browser.current_url
    assert browser.find_element(By.ID, "chosen-provider")
    wanted = next_weekday(10).strftime("%Y-%m-%dT%H:%M")
    browser.execute_script("document.getElementById('id_wanted_at').value = arguments[0]", wanted)
    browser.find_element(By.ID, "id_description").send_keys("门锁坏了，钥匙拧不动。")
    assert_png(save_screenshot(browser, "circle-orders-phone-new"))
    submit_and_wait(browser, browser.find_element(By.ID, "order-submit"))
    order = Order.objects.get()
    assert browser.current_url.endswith(f"/circle/orders/{order.pk}/")
    assert _state(browser) == OrderState.DISPATCHED
    assert_png(save_screenshot(browser, "circle-orders-phone-ordered"))

    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, w["provider_user"])
    browser.get(f"{live_server.url}/circle/provider/")
    assert_png(save_screenshot(browser, "circle-orders-phone-provider"))
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, f"#order-{order.pk} .accept-button"))
    order.refresh_from_db()
    assert order.state == OrderState.ACCEPTED
    lat, lng = near(110, 50)  # where the locksmith stands: 10 m from household A
    row = browser.find_element(By.ID, f"order-{order.pk}")
    row.find_element(By.CSS_SELECTOR, "input[name=latitude]").send_keys(str(lat))
    row.find_element(By.CSS_SELECTOR, "input[name=longitude]").send_keys(str(lng))
    row.find_element(By.CSS_SELECTOR, "input[name=note]").send_keys("换了锁芯")
    assert_png(save_screenshot(browser, "circle-orders-phone-deliver"))
    submit_and_wait(browser, row.find_element(By.CSS_SELECTOR, ".deliver-button"))
    order.refresh_from_db()
    assert order.state == OrderState.DELIVERED and order.checkin_distance_m <= 20

    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, w["resident"])
    browser.get(f"{live_server.url}/circle/orders/{order.pk}/")
    assert _state(browser) == OrderState.DELIVERED
    browser.find_element(By.CSS_SELECTOR, "#rate-form input[name=stars][value='5']").click()
    browser.find_element(By.ID, "id_comment").send_keys("来得很快，谢谢王师傅")
    submit_and_wait(browser, browser.find_element(By.ID, "action-rate"))
    assert _state(browser) == OrderState.RATED
    assert browser.find_element(By.ID, "order-stars").get_attribute("data-stars") == "5"
    assert_png(save_screenshot(browser, "circle-orders-phone-rated"))
    order.refresh_from_db()
    assert (order.state, order.stars) == (OrderState.RATED, 5)
