"""The web shell in a real headless Chromium: sign-in, Chinese rendering, phone layout, language switch."""

import shutil

import pytest
from selenium.webdriver.common.by import By

from gongzhi.accounts.tests import factories as users
from gongzhi.areas.tests import factories as areas
from gongzhi.core.tests.browser import (
    CJK_FONT_CHECK,
    PHONE,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
    wait_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def grid_worker():
    tree = areas.tree()
    return users.user("grid_worker", nodes=[tree["grid_a"]], display_name="王网格", title="专职网格员")


def test_grid_worker_signs_in_and_sees_the_chinese_home_page_on_desktop_and_phone(
    browser, live_server, grid_worker
):
    # given a grid worker bound to a grid
    # when they open the site, then they are asked to sign in, in Chinese
    browser.get(live_server.url)
    wait_for(browser, lambda d: "/accounts/login/" in d.current_url)
    assert "登录" in browser.find_element(By.TAG_NAME, "h1").text
    assert_png(save_screenshot(browser, "login-desktop"))

    # when they sign in through the login form
    login(browser, live_server, grid_worker)

    # then they land on the home page, in Simplified Chinese, with the stylesheet applied
    assert browser.current_url == f"{live_server.url}/"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-hans"
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert "欢迎" in heading and "王网格" in heading
    nav = browser.find_element(By.CSS_SELECTOR, "nav.mainnav")
    assert "首页" in nav.text and "区域" in nav.text
    assert "网格员" in browser.find_element(By.CSS_SELECTOR, ".userbox").text
    assert "第A网格" in browser.find_element(By.CSS_SELECTOR, ".nodes").text
    topbar_colour = browser.execute_script(
        "return getComputedStyle(document.querySelector('.topbar')).backgroundColor"
    )
    assert topbar_colour == "rgb(183, 28, 28)", "app.css did not load"
    if shutil.which("fc-list") and _noto_cjk_installed():
        assert browser.execute_script(CJK_FONT_CHECK) is True
    desktop = save_screenshot(browser, "home-grid-worker-desktop")
    assert_png(desktop)

    # when the same page is seen on a phone
    set_viewport(browser, *PHONE)
    browser.refresh()
    wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".nav-button").is_displayed())

    # then the navigation is folded behind the ☰ button until it is tapped
    assert not nav_is_visible(browser)
    phone = save_screenshot(browser, "home-grid-worker-phone")
    assert_png(phone)
    browser.find_element(By.CSS_SELECTOR, ".nav-button").click()
    wait_for(browser, lambda d: nav_is_visible(d))
    assert_png(save_screenshot(browser, "home-grid-worker-phone-menu"))


def test_language_switch_turns_the_page_english_and_back(browser, live_server, grid_worker):
    # given a signed-in grid worker on the Chinese home page
    login(browser, live_server, grid_worker)
    assert "欢迎" in browser.find_element(By.TAG_NAME, "h1").text

    # when they press EN, then the same page is in English
    browser.find_element(By.CSS_SELECTOR, "form.lang button[value=en]").click()
    wait_for(browser, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
    assert browser.current_url == f"{live_server.url}/"
    assert "Welcome" in browser.find_element(By.TAG_NAME, "h1").text
    assert "Grid worker" in browser.find_element(By.CSS_SELECTOR, ".userbox").text
    assert_png(save_screenshot(browser, "home-grid-worker-desktop-en"))

    # when they press 中文, then it is Chinese again
    browser.find_element(By.CSS_SELECTOR, "form.lang button[value=zh-hans]").click()
    wait_for(browser, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-hans")
    assert "欢迎" in browser.find_element(By.TAG_NAME, "h1").text


def nav_is_visible(driver) -> bool:
    return driver.find_element(By.CSS_SELECTOR, "nav.mainnav").is_displayed()


def _noto_cjk_installed() -> bool:
    import subprocess

    out = subprocess.run(
        ["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True, check=False
    ).stdout
    return "Noto Sans CJK SC" in out
