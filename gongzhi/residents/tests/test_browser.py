"""In a real browser: a grid worker records a door visit on a phone; community staff reveal a
person's full numbers with the (htmx) button, and the page shows them only after that."""

import pytest

from gongzhi.core.tests.browser import (
    PHONE,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
    submit_and_wait,
    wait_for,
)

from .factories import world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_grid_worker_records_a_visit_on_a_phone(browser, live_server):
    from selenium.webdriver.common.by import By

    from gongzhi.residents.models import Visit

    w = world()
    set_viewport(browser, *PHONE)
    login(browser, live_server, w["grid_worker_a"], next_url="/residents/")
    assert "A1号楼" in browser.page_source and "B1号楼" not in browser.page_source
    browser.get(f"{live_server.url}/residents/households/{w['household_a'].pk}/visits/new/")
    # the form fits the phone's width
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE[0] + 1
    browser.find_element(By.CSS_SELECTOR, "input[name=people_met]").click()
    browser.find_element(By.NAME, "findings").send_keys("老人反映暖气不热")
    browser.find_element(By.NAME, "follow_up_needed").click()
    save_screenshot(browser, "residents-visit-form-phone")
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form button.primary"))
    assert "/visits/new/" not in browser.current_url
    assert "老人反映暖气不热" in browser.page_source
    assert Visit.objects.get().visitor == w["grid_worker_a"]
    assert w["person_a"].id_number not in browser.page_source


def test_staff_reveal_full_numbers_with_the_button(browser, live_server):
    from selenium.webdriver.common.by import By

    w = world()
    person = w["person_a"]
    login(browser, live_server, w["community_staff"], next_url=f"/residents/people/{person.pk}/")
    assert person.id_number_masked in browser.page_source
    assert person.id_number not in browser.page_source
    browser.find_element(By.NAME, "reason").send_keys("核实低保")
    browser.find_element(By.CSS_SELECTOR, "#pii button").click()
    wait_for(browser, lambda d: person.id_number in d.page_source)
    path = save_screenshot(browser, "residents-person-revealed")
    assert_png(path)
