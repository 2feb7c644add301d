"""文明积分 on a phone, in a real browser: the grid worker opens the building, checks the first
household (one standard met, one not, a photo) and goes straight on to the next; the community worker
records the first household's consent; the public building page names it and masks the other. Every
page fits 390 px; screenshots in test-artifacts/screenshots/civility-*.png."""

import pytest
from selenium.webdriver.common.by import By

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import child, tree
from gongzhi.civility.models import Check
from gongzhi.core.tests.browser import (
    PHONE,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
    submit_and_wait,
)

from . import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_grid_worker_checks_a_building_and_the_public_page_shows_it(browser, live_server, tmp_path):
    t = tree()
    second = child(t["unit_a"], name="102室")
    sanbao, louda = factories.only_standards(t["community"], ("门前三包", 3, 5), ("楼道无堆物", 2, 4))
    worker = user("grid_worker", nodes=[t["grid_a"]])
    staff = user("community_staff", nodes=[t["community"]])
    set_viewport(browser, *PHONE)

    login(browser, live_server, worker)
    browser.get(f"{live_server.url}/civility/buildings/{t['building_a'].pk}/")
    assert_png(save_screenshot(browser, "civility-phone-building"))
    browser.find_element(By.ID, "check-in-a-row").click()
    browser.find_element(By.CSS_SELECTOR, f"input[name=standard_{sanbao.pk}][value=met]").click()
    browser.find_element(By.CSS_SELECTOR, f"input[name=standard_{louda.pk}][value=not_met]").click()
    browser.find_element(By.ID, "id_note").send_keys("楼道里堆了两箱旧书")
    photo = tmp_path / "door.png"
    photo.write_bytes(factories.PNG)
    browser.find_element(By.ID, "id_photos").send_keys(str(photo))
    assert_png(save_screenshot(browser, "civility-phone-check"))
    submit_and_wait(browser, browser.find_element(By.ID, "save-next"))
    # the next household's form opens
    assert browser.current_url.endswith(f"/civility/households/{second.pk}/check/")
    assert Check.objects.filter(household=t["household_a"]).count() == 2
    browser.find_element(By.CSS_SELECTOR, f"input[name=standard_{sanbao.pk}][value=met]").click()
    submit_and_wait(browser, browser.find_element(By.ID, "save"))
    assert browser.current_url.endswith(f"/civility/households/{second.pk}/")
    assert browser.find_element(By.ID, "year-points").text == "3"

    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, staff)
    browser.get(f"{live_server.url}/civility/households/{t['household_a'].pk}/")
    browser.find_element(By.ID, "id_display_name").send_keys("王家")
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#consent-form button[type=submit]"))
    assert "王家" in browser.find_element(By.ID, "consent").text

    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    browser.get(f"{live_server.url}/civility/public/{t['building_a'].code}/")
    table = browser.find_element(By.ID, "standings").text
    assert "王家" in table and "某户" in table and "102室" not in table
    assert_png(save_screenshot(browser, "civility-phone-public"))
