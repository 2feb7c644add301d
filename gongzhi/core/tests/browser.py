"""Browser tests: a real headless Chromium (Debian's `chromium` + `chromedriver`) against
pytest-django's `live_server`.

Registered for every app by the root conftest.py (`pytest_plugins`). Use it like this:

    @pytest.mark.browser
    def test_something(browser, live_server):
        user = factories.user("grid_worker", nodes=[grid])
        login(browser, live_server, user)
        save_screenshot(browser, "grid-worker-home")

When Chromium or chromedriver is missing, tests marked `browser` are skipped (with that reason)
and the run ends with one line saying so. Selenium Manager is never used: the driver path is given
explicitly, so nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[3]
SCREENSHOT_DIR = Path(
    os.environ.get("GONGZHI_SCREENSHOT_DIR", PROJECT_DIR / "test-artifacts" / "screenshots")
)
DESKTOP = (1280, 800)
PHONE = (390, 844)
CJK_FONT_CHECK = "return document.fonts.check('16px \"Noto Sans CJK SC\"')"

CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    # A phone in a Chinese city: the browser asks for Simplified Chinese first.
    "--lang=zh-CN",
)

SKIP_PREFIX = "browser test skipped: "


def _find(*candidates: str) -> str | None:
    for candidate in candidates:
        if not candidate:
            continue
        path = shutil.which(candidate) if os.sep not in candidate else candidate
        if path and os.access(path, os.X_OK):
            return path
    return None


def chromium_path() -> str | None:
    """CHROMIUM_BIN when set (only that), else Debian's chromium."""
    if os.environ.get("CHROMIUM_BIN"):
        return _find(os.environ["CHROMIUM_BIN"])
    return _find("/usr/bin/chromium", "chromium", "chromium-browser")


def chromedriver_path() -> str | None:
    """CHROMEDRIVER_BIN when set (only that), else Debian's chromedriver (package chromium-driver)."""
    if os.environ.get("CHROMEDRIVER_BIN"):
        return _find(os.environ["CHROMEDRIVER_BIN"])
    return _find("/usr/bin/chromedriver", "chromedriver")


def missing_reason() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    missing = []
    if chromium_path() is None:
        missing.append("chromium")
    if chromedriver_path() is None:
        missing.append("chromedriver (Debian package chromium-driver)")
    if missing:
        return SKIP_PREFIX + " and ".join(missing) + " not installed"
    return None


def pytest_collection_modifyitems(config, items):
    reason = missing_reason()
    if reason is None:
        return
    marker = pytest.mark.skip(reason=reason)
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(marker)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    # Counted from the reports, so it also works under pytest-xdist (workers collect, not the controller).
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and SKIP_PREFIX in str(report.longrepr[-1])
    ]
    if skipped:
        terminalreporter.write_line(
            f"NOTE: {len(skipped)} browser test(s) skipped because Chromium is not installed "
            "(apt-get install chromium chromium-driver fonts-noto-cjk; .ci/run installs them).",
            yellow=True,
            bold=True,
        )


def _make_driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium_path()
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    profile = tempfile.mkdtemp(prefix="gongzhi-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={DESKTOP[0]},{DESKTOP[1]}")
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    service = Service(executable_path=chromedriver_path())
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    return driver, profile


@pytest.fixture(scope="session")
def _browser_session(live_server):
    # Depends on live_server so Chromium quits (closing its keep-alive connections) before the
    # server stops; the other way round the server's request threads fail on the shared SQLite
    # connection.
    reason = missing_reason()
    if reason is not None:
        pytest.skip(reason)
    driver, profile = _make_driver()
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def browser(_browser_session, live_server):
    """A headless Chromium with a desktop viewport and no cookies (one Chromium per test worker)."""
    driver = _browser_session
    set_viewport(driver, *DESKTOP)
    yield driver
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.get("about:blank")


def set_viewport(driver, width: int, height: int, *, mobile: bool | None = None) -> None:
    """Make the page's viewport exactly width × height CSS pixels; a narrow one behaves as a phone
    (touch, mobile viewport). Reload the page afterwards if it is already open."""
    mobile = width < 600 if mobile is None else mobile
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": mobile})


def wait_for(driver, condition, timeout: float = 10):
    """Wait until condition(driver) is truthy; elements vanishing mid-navigation just mean "not yet"."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(driver, timeout, ignored_exceptions=ignored).until(condition)


def submit_and_wait(driver, button, timeout: float = 10) -> None:
    """Click a submit button and wait for the page that answers it to have loaded.

    The old document is tagged before the click and the wait is for a document without the tag, so
    nothing holds a reference to a node that Chromium is tearing down (polling such a node can fail
    with "Node with given id does not belong to the document" mid-navigation)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_script("window.__gongzhiOldPage = true")
    button.click()
    WebDriverWait(driver, timeout, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script(
            "return !window.__gongzhiOldPage && document.readyState === 'complete'"
        )
    )


def login(driver, live_server, user, password: str | None = None, next_url: str = "/") -> None:
    """Sign in through the real login form, then wait for the page after it."""
    from selenium.webdriver.common.by import By

    from gongzhi.accounts.tests.factories import PASSWORD

    driver.get(f"{live_server.url}/accounts/login/?next={next_url}")
    driver.find_element(By.ID, "id_username").send_keys(user.username)
    driver.find_element(By.ID, "id_password").send_keys(password or PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.login button[type=submit]").click()
    wait_for(
        driver,
        lambda d: (
            "/accounts/login/" not in d.current_url
            and d.execute_script("return document.readyState") == "complete"
        ),
    )


# What "does not fit a phone" means, measured in the page: the document wider than the viewport
# (sideways scrolling), a table cell reaching past the right edge (a column cut off inside a
# scrolling box), or a cell with text narrower than two characters (Chinese broken one character
# per line).
OVERFLOW_CHECK = """
const problems = [];
const width = window.innerWidth;
const page = document.documentElement.scrollWidth;
if (page > width + 1) problems.push(`the page is ${page}px wide in a ${width}px viewport`);
for (const cell of document.querySelectorAll('td, th')) {
  const box = cell.getBoundingClientRect();
  let text = (cell.innerText || '').trim();
  for (const hidden of cell.querySelectorAll('.visually-hidden')) text = text.replace(hidden.innerText.trim(), '').trim();
  const style = getComputedStyle(cell);
  // a cell laid out inline (a stacked row on a phone) is as wide as its words: nothing to squeeze
  if (!box.width || text.length < 2 || style.display.startsWith('inline')) continue;
  const inner = box.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  if (inner < 2 * parseFloat(style.fontSize)) problems.push(`cell "${text.slice(0, 20)}" is ${Math.round(inner)}px wide`);
  if (box.right > width + 1) problems.push(`cell "${text.slice(0, 20)}" ends at ${Math.round(box.right)}px`);
}
return problems;
"""


def overflow_problems(driver) -> list[str]:
    """What on the open page does not fit the viewport (empty when everything fits)."""
    return driver.execute_script(OVERFLOW_CHECK)


def assert_fits_viewport(driver) -> None:
    problems = overflow_problems(driver)
    assert not problems, f"{driver.current_url} does not fit the viewport: " + "; ".join(problems[:10])


def save_screenshot(driver, name: str, *, check_fit: bool = True) -> Path:
    """Save a full-window PNG under test-artifacts/screenshots/ and return its path. On a phone-wide
    viewport the page must fit it first (`assert_fits_viewport`): every page a browser test
    photographs on a phone is checked."""
    if check_fit and driver.execute_script("return window.innerWidth") < 600:
        assert_fits_viewport(driver)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def assert_png(path: Path, min_bytes: int = 5000) -> None:
    """The file exists and is a real, non-trivial PNG (not an empty or blank capture)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert len(data) > min_bytes, f"{path} is only {len(data)} bytes"
