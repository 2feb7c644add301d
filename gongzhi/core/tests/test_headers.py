"""Security headers (issue 12, item 7): a strict Content-Security-Policy on every page, nothing inline
in any template, HTTPS enforced when DEBUG is off, and `check --deploy` clean with production settings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from gongzhi.accounts.tests import factories as users
from gongzhi.cases.tests import factories as cases
from gongzhi.residents.tests import factories as residents

PROJECT_DIR = Path(__file__).resolve().parents[3]
GONGZHI_DIR = PROJECT_DIR / "gongzhi"

EXPECTED_POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:", "blob:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}
LOOSE_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:"}
# <script> elements the browser does not execute (data blocks), so the CSP does not concern them.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def parse_csp(header: str) -> dict[str, set[str]]:
    policy = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            policy[words[0].lower()] = set(words[1:])
    return policy


class InlineFinder(HTMLParser):
    """Collects what a strict CSP would block: inline <script> and <style> elements, on*= handler
    attributes, style= attributes, javascript: URLs, and htmx's hx-on (it needs eval)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name.lower(): value for name, value in attrs}
        where = f"line {self.getpos()[0]}: <{tag}>"
        if (
            tag == "script"
            and "src" not in names
            and (names.get("type") or "").lower() not in DATA_SCRIPT_TYPES
        ):
            self.problems.append(f"{where} inline script")
        if tag == "style":
            self.problems.append(f"{where} inline <style> element")
        for name, value in names.items():
            if re.fullmatch(r"on[a-z]+", name):
                self.problems.append(f"{where} event handler attribute {name}=")
            elif name == "style":
                self.problems.append(f"{where} style= attribute")
            elif name.startswith("hx-on"):
                self.problems.append(f"{where} {name}= (htmx evaluates it; the CSP forbids eval)")
            elif name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"{where} javascript: URL in {name}=")

    handle_startendtag = handle_starttag


def inline_problems(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    finder.close()
    # A second, cruder pass over the raw text, for attributes the parser might take for template
    # syntax (`<input {% if x %}style="…"{% endif %}>`).
    for match in re.finditer(r"<[a-zA-Z][^<>]*?[\s\"'}](on[a-z]+|style)\s*=", html):
        finder.problems.append(f"offset {match.start()}: {match.group(1)}= in {match.group(0)[:60]!r}")
    return sorted(set(finder.problems))


def template_files() -> list[Path]:
    return sorted(p for p in GONGZHI_DIR.rglob("templates/**/*.html") if p.is_file())


# ---- every template ----------------------------------------------------------------------------


def test_the_scan_recognises_what_a_strict_csp_blocks():
    # given markup with each thing the CSP forbids, then the scan names each one
    html = (
        '<script>alert(1)</script><style>p{}</style><a href="javascript:go()">x</a>'
        '<input onclick="this.select()"><p style="color:red">x</p><button hx-on:click="x()">y</button>'
        '<script src="/static/a.js"></script><script type="application/json" id="d">{}</script>'
    )
    problems = " ".join(inline_problems(html))
    for expected in (
        "inline script",
        "inline <style>",
        "javascript:",
        "onclick=",
        "style= attribute",
        "hx-on",
    ):
        assert expected in problems
    # and nothing the CSP allows is named
    assert inline_problems('<script src="/s.js" defer></script><p class="x" data-style="y">') == []


def test_no_template_has_inline_script_style_or_event_handlers():
    # given every template of the project, when each is scanned, then none holds anything inline
    files = template_files()
    assert len(files) > 20, "the template scan found too few files: is the glob right?"
    problems = {
        str(path.relative_to(PROJECT_DIR)): found
        for path in files
        if (found := inline_problems(path.read_text(encoding="utf-8")))
    }
    assert problems == {}, (
        "inline script/style/handlers are blocked by the CSP; use app.css classes and static JS"
    )


# ---- real pages --------------------------------------------------------------------------------


@pytest.fixture
def pages(db):
    """(name, user or None, url) for a set of real pages: each kind of screen a user meets."""
    w = cases.world()
    case = cases.submit(w, where="building_a")
    person = residents.person(w.nodes["household_a"], name="张三", relation="head")
    root = users.superuser()
    return [
        ("login", None, reverse("login")),
        ("home", w.cstaff, reverse("home")),
        ("inbox", w.cstaff, reverse("cases:inbox")),
        ("case page", w.cstaff, reverse("cases:detail", args=[case.pk])),
        ("new case", w.cstaff, reverse("cases:new")),
        ("residents people", w.cstaff, reverse("residents:people")),
        ("person", w.cstaff, reverse("residents:person", args=[person.pk])),
        ("household", w.cstaff, reverse("residents:household", args=[w.nodes["household_a"].pk])),
        ("roster", w.cstaff, reverse("residents:roster")),
        ("party tree", w.cstaff, reverse("party:tree")),
        ("admin index", root, reverse("admin:index")),
        ("admin changelist", root, reverse("admin:accounts_user_changelist")),
        ("admin change form", root, reverse("admin:accounts_user_change", args=[w.cstaff.pk])),
        ("api docs", w.cstaff, "/api/docs"),
    ]


def test_every_page_carries_a_strict_content_security_policy_and_the_other_headers(pages):
    for name, user, url in pages:
        # given a user (or nobody, for the sign-in page) opening the page
        client = Client()
        if user is not None:
            client.force_login(user)
        # when the page is fetched
        response = client.get(url)
        # then it answers, with the policy exactly as configured
        assert response.status_code == 200, f"{name} {url} answered {response.status_code}"
        header = response.get("Content-Security-Policy")
        assert header, f"{name}: no Content-Security-Policy header"
        policy = parse_csp(header)
        assert policy == EXPECTED_POLICY, f"{name}: {header}"
        for directive in ("default-src", "script-src", "style-src"):
            assert not policy[directive] & LOOSE_SOURCES, f"{name}: {directive} is loose: {header}"
        # and it may not be framed, sniffed, or leak its address to other sites
        assert response["X-Frame-Options"] == "DENY", name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", name
        # and the HTML it sends has nothing inline the policy would block (this covers HTML made in
        # Python and third-party templates: the Django admin, the API docs)
        assert inline_problems(response.content.decode()) == [], name


@pytest.mark.django_db
def test_the_json_api_carries_the_policy_too(client):
    # given an anonymous caller, when the API answers 401, then the policy is on that answer as well
    response = client.get("/api/cases/")
    assert response.status_code == 401
    assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_htmx_is_configured_not_to_inject_its_own_style_element(client):
    # given the page shell, when it loads htmx, then htmx is told to inject no <style> and eval nothing
    html = client.get(reverse("login")).content.decode()
    match = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert match, "base.html lacks the htmx-config meta tag"
    config = json.loads(match.group(1))
    assert config["includeIndicatorStyles"] is False
    assert config["allowEval"] is False
    assert html.index("htmx-config") < html.index("htmx-2.min.js"), "htmx reads the config when it loads"


# ---- production settings -----------------------------------------------------------------------

PRODUCTION_ENV = {
    "SECRET_KEY": "kq3Vf8-production-like-secret-key-zR7pL0xW2nC9bY4mT6hJ1sD5gA8eQ3uK",
    "ALLOWED_HOSTS": "gongzhi.example.cn",
    "CSRF_TRUSTED_ORIGINS": "https://gongzhi.example.cn",
    "FIELD_ENCRYPTION_KEYS": "Z29uZ3poaS10ZXN0LXByb2R1Y3Rpb24ta2V5LTAwMDA=",
    "FIELD_HASH_KEY": "production-like-hash-key",
}
SECURITY_SETTINGS = (
    "DEBUG",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SILENCED_SYSTEM_CHECKS",
)
_LEAVE_OUT = {"DEBUG", "GONGZHI_TESTING", "SECURE_COOKIES", "DJANGO_SETTINGS_MODULE", "PYTEST_CURRENT_TEST"}


def production_env(tmp_path, **extra) -> dict[str, str]:
    """The environment of a deployment: no DEBUG, real keys, the database in a scratch folder."""
    env = {k: v for k, v in os.environ.items() if k not in _LEAVE_OUT and not k.startswith("SECURE_")}
    env.update(PRODUCTION_ENV)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "gongzhi.settings",
            "GONGZHI_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        }
    )
    env.update(extra)
    return env


def production_settings(tmp_path, **extra) -> dict:
    """The security settings gongzhi/settings.py computes for a deployment (read in a fresh Python,
    since the test process is always a development one)."""
    names = json.dumps(SECURITY_SETTINGS)
    code = (
        f"import json, gongzhi.settings as s; print(json.dumps({{n: getattr(s, n, None) for n in {names}}}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=production_env(tmp_path, **extra),
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout.strip().splitlines()[-1])
    if values["SECURE_PROXY_SSL_HEADER"] is not None:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_with_debug_off_https_is_enforced_with_hsts(tmp_path):
    # given the settings of a deployment (DEBUG off)
    prod = production_settings(tmp_path)
    # then HSTS lasts a year and covers subdomains, preload stays off, http is redirected, cookies are secure
    assert prod["DEBUG"] is False
    assert prod["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert prod["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert prod["SECURE_HSTS_PRELOAD"] is False
    assert prod["SECURE_SSL_REDIRECT"] is True
    assert prod["SESSION_COOKIE_SECURE"] is True and prod["CSRF_COOKIE_SECURE"] is True
    assert prod["SECURE_PROXY_SSL_HEADER"] is None

    with override_settings(**prod):
        client = Client()
        # when a page is asked for over plain http, then it is redirected to https
        response = client.get("/accounts/login/")
        assert response.status_code == 301
        assert response["Location"] == "https://testserver/accounts/login/"
        # when it is asked for over https, then it answers with HSTS
        response = client.get("/accounts/login/", secure=True)
        assert response.status_code == 200
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert "Content-Security-Policy" in response


def test_the_operator_can_leave_the_redirect_to_a_tls_terminating_proxy(tmp_path):
    # given a deployment behind a proxy that terminates TLS and says so in X-Forwarded-Proto
    prod = production_settings(
        tmp_path,
        SECURE_SSL_REDIRECT="0",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https",
        SECURE_HSTS_SECONDS="600",
    )
    # then Django trusts the proxy's header, does not redirect itself, and HSTS is what was set
    assert prod["SECURE_SSL_REDIRECT"] is False
    assert prod["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert prod["SECURE_HSTS_SECONDS"] == 600
    assert "security.W008" in prod["SILENCED_SYSTEM_CHECKS"]

    with override_settings(**prod):
        client = Client()
        # when the proxy forwards an https request, then the page answers (with HSTS), no redirect
        response = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
        assert response.status_code == 200
        assert response["Strict-Transport-Security"] == "max-age=600; includeSubDomains"


def test_development_and_tests_stay_on_plain_http(settings):
    # given the settings the tests (and `make run`) use, then nothing forces https
    assert settings.SECURE_SSL_REDIRECT is False
    assert settings.SECURE_HSTS_SECONDS == 0


@pytest.mark.django_db
def test_check_deploy_reports_no_warnings_with_production_settings(tmp_path):
    # given the production settings, when `check --deploy` runs, then it finds nothing to warn about
    prod = production_settings(tmp_path)
    assert prod["SILENCED_SYSTEM_CHECKS"] == ["security.W021"], "only the documented preload choice"
    out, err = StringIO(), StringIO()
    with override_settings(
        **prod, SECRET_KEY=PRODUCTION_ENV["SECRET_KEY"], ALLOWED_HOSTS=["gongzhi.example.cn"]
    ):
        call_command("check", deploy=True, fail_level="WARNING", stdout=out, stderr=err)
    assert "no issues" in out.getvalue(), out.getvalue() + err.getvalue()
    assert "WARNING" not in err.getvalue()


def test_manage_py_check_deploy_is_clean_in_a_production_environment(tmp_path):
    # given a deployment's environment (and the proxy variant), when the operator runs
    # `manage.py check --deploy`, then it exits cleanly with no warnings
    for extra in ({}, {"SECURE_SSL_REDIRECT": "0", "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https"}):
        done = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            env=production_env(tmp_path, **extra),
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "no issues" in done.stdout, done.stdout + done.stderr


# ---- in a real browser -------------------------------------------------------------------------

# Recorded in every document before its own scripts run (injected through the DevTools protocol,
# which the page's CSP does not govern): each violation the browser reports.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


def _csp_console_messages(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]


def _violations(driver) -> list[str]:
    return list(driver.execute_script("return window.__cspViolations || []"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_in_a_real_browser_log_no_csp_violation(browser, live_server):
    from selenium.webdriver.common.by import By

    from gongzhi.core.tests.browser import login, wait_for

    # given a community staff member with a case and a resident in their area, and a system administrator
    w = cases.world()
    case = cases.submit(w, where="building_a")
    person = residents.person(w.nodes["household_a"], name="张三", relation="head")
    root = users.superuser()
    script = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS})
    try:
        browser.get_log("browser")  # start from an empty console

        # when they open pages of each kind (the sign-in form first)
        browser.get(f"{live_server.url}/accounts/login/")
        visited = {"login": (_violations(browser), _csp_console_messages(browser))}
        login(browser, live_server, w.cstaff)
        staff_pages = {
            "home": "/",
            "inbox": reverse("cases:inbox"),
            "case page": reverse("cases:detail", args=[case.pk]),
            "new case": reverse("cases:new"),
            "people": reverse("residents:people"),
            "person": reverse("residents:person", args=[person.pk]),
            "roster": reverse("residents:roster"),
            "party tree": reverse("party:tree"),
        }
        for name, url in staff_pages.items():
            browser.get(live_server.url + url)
            wait_for(browser, lambda d: d.execute_script("return document.readyState") == "complete")
            visited[name] = (_violations(browser), _csp_console_messages(browser))
        # the case page's stylesheet (moved out of an inline <style>) is applied
        browser.get(live_server.url + reverse("cases:inbox"))
        assert browser.execute_script(
            "return [...document.styleSheets].some(s => (s.href || '').endsWith('/gongzhi/cases.css'))"
        )
        # the API docs render (Swagger UI from static files)
        browser.get(f"{live_server.url}/api/docs")
        wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".swagger-ui .info"), timeout=20)
        visited["api docs"] = (_violations(browser), _csp_console_messages(browser))

        browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
        login(browser, live_server, root)
        for name, url in {
            "admin index": reverse("admin:index"),
            "admin user list": reverse("admin:accounts_user_changelist"),
            "admin user form": reverse("admin:accounts_user_change", args=[w.cstaff.pk]),
        }.items():
            browser.get(live_server.url + url)
            wait_for(browser, lambda d: d.execute_script("return document.readyState") == "complete")
            visited[name] = (_violations(browser), _csp_console_messages(browser))

        # then no page reported a Content-Security-Policy violation, neither as an event nor in the console
        assert {name: found for name, found in visited.items() if found != ([], [])} == {}
        assert len(visited) == 13

        # and the check is live: an inline style added now is refused and reported both ways
        browser.execute_script(
            "document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')"
        )
        wait_for(browser, lambda d: _violations(d))
        assert any("style-src" in v for v in _violations(browser))
        assert _csp_console_messages(browser)
    finally:
        browser.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]}
        )
