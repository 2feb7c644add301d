"""On a phone (390×844) and a desktop (1366×900): the roster, the people search and the
household card fit the screen — lists as cards with what a grid worker needs (name, phone,
address; members with relation and age) — and fail the test when anything overflows."""

import pytest

from gongzhi.core.tests.browser import (
    PHONE,
    assert_fits_viewport,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
)

from .factories import person, world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = (1366, 900)


def test_the_registry_lists_fit_a_phone_and_a_desktop(browser, live_server):
    # Given a household of four with long names of groups and a long note
    w = world()
    home = w["household_a"]
    person(home, name="欧阳建国", relation="spouse")
    person(home, name="张小明", relation="child")
    person(home, name="司马晓燕", relation="child_in_law")
    pages = {
        "roster": "/residents/",
        "people": "/residents/people/?q=张",
        "household": f"/residents/households/{home.pk}/",
    }
    login(browser, live_server, w["grid_worker_a"], next_url="/residents/")
    for label, size in (("phone", PHONE), ("desktop", WIDE)):
        set_viewport(browser, *size)
        for name, path in pages.items():
            # When the grid worker opens each page
            browser.get(f"{live_server.url}{path}")
            # Then it fits the screen (no sideways scrolling, no column cut off, no cell one character wide)
            assert_fits_viewport(browser)
            assert_png(save_screenshot(browser, f"{label}-residents-{name}"))
    # and the phone's people search shows the masked phone and the address on each card
    set_viewport(browser, *PHONE)
    browser.get(f"{live_server.url}/residents/people/?q=张")
    text = browser.find_element("css selector", "table.cards").text
    assert w["person_a"].phone_masked in text and "A1号楼" in text
    assert w["person_a"].phone not in browser.page_source
