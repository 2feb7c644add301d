"""The web shell without a browser: sign-in and sign-out, every page behind the login, the language
switch, navigation by role, no outside assets, and complete, compiled translations."""

import re
import uuid
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from gongzhi.accounts.models import Role
from gongzhi.accounts.tests import factories as users
from gongzhi.areas.tests import factories as areas
from gongzhi.core import components, navigation

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
# Views an anonymous visitor may open; everything else must send them to the sign-in page.
PUBLIC_URL_NAMES = {"login", "logout", "set_language"}
# Pages meant for everyone without an account: a community's open books and its resolutions.
PUBLIC_ROUTE_PREFIXES = ("cobuilding/public/", "civility/public/", "deliberation/public/", "disclosure/public/",
                         "honours/public/", "volunteers/public/")
# Mounted sub-sites with their own authentication (the admin's login page, the API's 401 body).
OWN_AUTH_PREFIXES = ("admin/", "api/", "i18n/")
SAMPLE_ARGS = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": str(uuid.UUID(int=1)), "month": "2026-11"}


@pytest.fixture
def tree():
    return areas.tree()


def user_of(role: str, tree: dict, **extra):
    """A user of any role, bound the way that role requires."""
    node_for = {
        Role.GRID_WORKER: "grid_a",
        Role.COMMUNITY_STAFF: "community",
        Role.SUPERVISION: "community",
        Role.STREET_STAFF: "street",
        Role.INSPECTOR: "street",
        Role.DISTRICT_ADMIN: "district",
    }
    if role == Role.DEPARTMENT_STAFF:
        return users.user(role, department=areas.DepartmentFactory(district=tree["district"]), **extra)
    if role == Role.UNIT_LIAISON:
        return users.user(role, unit=areas.UnitFactory(area=tree["community"]), **extra)
    nodes = [tree[node_for[role]]] if role in node_for else []
    return users.user(role, nodes=nodes, **extra)


# --- signing in and out ---------------------------------------------------------------------------


def test_a_grid_worker_signs_in_and_out(client, tree):
    # given a grid worker
    worker = user_of(Role.GRID_WORKER, tree, display_name="王网格")

    # when they sign in with their password
    response = client.post(LOGIN_URL, {"username": worker.username, "password": users.PASSWORD}, follow=True)

    # then they are on their home page, greeted in Chinese, with their grid
    assert response.redirect_chain[-1][0] == "/"
    page = response.content.decode()
    assert "欢迎，王网格" in page
    assert "第A网格" in page
    assert "网格员" in page

    # when they sign out (a POST from the header), then they are back on the sign-in page
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == LOGIN_URL
    assert client.get("/").status_code == 302


def test_a_wrong_password_is_refused_with_a_chinese_message(client, tree):
    worker = user_of(Role.GRID_WORKER, tree)
    response = client.post(LOGIN_URL, {"username": worker.username, "password": "wrong"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page and "正确的用户名和密码" in page
    assert "_auth_user_id" not in client.session


def test_signing_out_needs_a_post(client, tree):
    # a link or an image pointing at the logout URL cannot sign anyone out
    client.force_login(user_of(Role.GRID_WORKER, tree))
    assert client.get(reverse("logout")).status_code == 405
    assert client.get("/").status_code == 200


def _route_urls():
    """(url, name) for every route of the site outside the admin, API and i18n, with sample arguments."""

    def walk(patterns, prefix):
        for pattern in patterns:
            route = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern):
                yield prefix + route, pattern.name

    for route, name in walk(get_resolver().url_patterns, ""):
        if (route.startswith(OWN_AUTH_PREFIXES) or route.startswith(PUBLIC_ROUTE_PREFIXES) or route.startswith("^")
                or name in PUBLIC_URL_NAMES):
            continue
        url = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_ARGS.get(m.group(1) or "str", "x"), route)
        yield "/" + url, name


def test_every_page_sends_an_anonymous_visitor_to_sign_in(client):
    urls = list(_route_urls())
    assert ("/", "home") in urls and ("/areas/", "tree") in urls
    for url, name in urls:
        response = client.get(url)
        if response.status_code == 405:  # a POST-only view
            response = client.post(url)
        assert response.status_code == 302, (
            f"{url} ({name}) answered {response.status_code} to an anonymous visitor"
        )
        assert response.url.startswith(f"{LOGIN_URL}?next="), f"{url} ({name}) redirected to {response.url}"


# --- language ---------------------------------------------------------------------------------------


def test_chinese_is_the_default_and_english_is_one_switch_away(client, tree):
    client.force_login(user_of(Role.GRID_WORKER, tree))
    page = client.get("/").content.decode()
    assert 'lang="zh-hans"' in page and "欢迎" in page and "退出登录" in page

    # when they choose English, then the same page comes back in English
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.url == "/"
    page = client.get("/").content.decode()
    assert 'lang="en"' in page and "Welcome" in page and "Sign out" in page and "Grid worker" in page

    # and back to Chinese
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "欢迎" in client.get("/").content.decode()


def test_the_sign_in_page_offers_the_language_switch(client):
    page = client.get(LOGIN_URL).content.decode()
    assert 'action="/i18n/setlang/"' in page
    assert 'value="en"' in page and 'value="zh-hans"' in page


# --- navigation by role -----------------------------------------------------------------------------


def _nav_hrefs(page: str) -> list[str]:
    nav = re.search(r'<nav class="mainnav".*?</nav>', page, re.S)
    assert nav, "no main navigation on the page"
    return re.findall(r'href="([^"]+)"', nav.group(0))


def _declared_nav_items():
    for config, component in components.installed():
        yield from ((config.label, item) for item in component.navigation)


def _declared_nav(user) -> list[str]:
    hrefs = ["/"]
    for _app, item in _declared_nav_items():
        if navigation.visible(item, user):
            try:
                hrefs.append(reverse(item.url_name))
            except NoReverseMatch:
                continue  # reported by test_every_navigation_entry_leads_somewhere
    return hrefs


def test_every_navigation_entry_leads_somewhere():
    broken = []
    for app, item in _declared_nav_items():
        try:
            reverse(item.url_name)
        except NoReverseMatch:
            broken.append(f"{app}: {item.url_name}")
    assert broken == [], f"navigation entries whose URL does not exist (they are silently hidden): {broken}"


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_sees_the_navigation_declared_for_it(client, tree, role):
    # given a user of this role on their home page
    user = user_of(role, tree)
    client.force_login(user)
    page = client.get("/").content.decode()

    # then the navigation holds exactly the entries the apps declare for that role
    hrefs = _nav_hrefs(page)
    expected = _declared_nav(user) + (["/admin/"] if user.is_staff else [])
    assert sorted(hrefs) == sorted(expected)
    assert str(Role(role).label) in page  # the user box names the role (in Chinese)


def _current_entries(page: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" class="active">', page)


def test_the_current_page_is_marked_in_the_navigation(client, tree):
    # given a grid worker on a page under the Areas entry, then that entry is marked current
    client.force_login(user_of(Role.GRID_WORKER, tree))
    page = client.get(reverse("areas:node", args=[tree["grid_a"].pk])).content.decode()
    assert _current_entries(page) == ["/areas/"]


@pytest.mark.parametrize(
    ("path", "current"),
    [("/cases/", "/cases/"), ("/cases/12/", "/cases/"), ("/cases/new/", "/cases/new/"), ("/party/", None)],
)
def test_with_nested_entries_the_most_specific_one_is_current(rf, tree, path, current):
    from django.template.loader import render_to_string

    request = rf.get(path)
    request.user = user_of(Role.GRID_WORKER, tree)
    nav = [{"label": "Cases", "url": "/cases/", "name": "cases:inbox"}]
    nav.append({"label": "File a request", "url": "/cases/new/", "name": "cases:new"})
    page = render_to_string("base.html", {"nav_items": nav}, request=request)
    assert _current_entries(page) == ([current] if current else [])


def test_residents_do_not_see_master_data_but_staff_do(client, tree):
    resident = user_of(Role.RESIDENT, tree)
    client.force_login(resident)
    page = client.get("/").content.decode()
    assert "基础数据" not in page and 'href="/admin/"' not in page

    client.force_login(user_of(Role.COMMUNITY_STAFF, tree))
    page = client.get("/").content.decode()
    assert "基础数据" in page and 'href="/admin/"' in page


def test_home_shows_a_department_staff_member_their_department(client, tree):
    user = user_of(Role.DEPARTMENT_STAFF, tree)
    client.force_login(user)
    page = client.get("/").content.decode()
    assert "我的部门" in page and user.department.name in page


def test_home_shows_a_unit_liaison_their_unit(client, tree):
    user = user_of(Role.UNIT_LIAISON, tree)
    client.force_login(user)
    page = client.get("/").content.decode()
    assert "我的单位" in page and user.unit.name in page


# --- assets: local only, and present ----------------------------------------------------------------

URL_ATTR = re.compile(r'\b(?:src|href|action|poster|srcset)\s*=\s*["\']([^"\']+)["\']', re.I)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)


def _shell_pages(client, tree) -> dict[str, str]:
    pages = {"login": client.get(LOGIN_URL).content.decode()}
    client.force_login(user_of(Role.GRID_WORKER, tree))
    for name, url in {
        "home": "/",
        "areas": reverse("areas:tree"),
        "area node": reverse("areas:node", args=[tree["grid_a"].pk]),
    }.items():
        response = client.get(url)
        assert response.status_code == 200, url
        pages[name] = response.content.decode()
    return pages


def test_no_page_loads_anything_from_outside(client, tree):
    # government and community networks are often isolated: no CDN, no web fonts, no outside links
    for name, page in _shell_pages(client, tree).items():
        external = [url for url in URL_ATTR.findall(page) if EXTERNAL.match(url.strip())]
        assert external == [], f"the {name} page references {external}"
    css = Path(__file__).resolve().parents[2].joinpath("static", "gongzhi", "app.css").read_text()
    assert not [u for u in CSS_URL.findall(css) if EXTERNAL.match(u.strip())]
    assert "@import" not in css


def test_every_static_asset_a_page_uses_is_served(client, tree):
    assets = set()
    for page in _shell_pages(client, tree).values():
        assets |= {url for url in URL_ATTR.findall(page) if url.startswith("/static/")}
    assert {"/static/gongzhi/app.css", "/static/django_htmx/htmx-2.min.js"} <= assets
    for url in sorted(assets):
        response = client.get(url)
        assert response.status_code == 200, f"{url} is missing"
        assert b"".join(response.streaming_content if response.streaming else [response.content])
        response.close()


# --- translations -----------------------------------------------------------------------------------

GONGZHI_DIR = Path(__file__).resolve().parents[2]
PO_FILES = sorted(GONGZHI_DIR.glob("**/locale/*/LC_MESSAGES/*.po"))
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w+)\}")


def _catalogue(entries) -> dict:
    out = {}
    for e in entries:
        if not e.msgid or e.obsolete:
            continue
        value = tuple(sorted(e.msgstr_plural.items())) if e.msgid_plural else e.msgstr
        out[(e.msgctxt or "", e.msgid)] = value
    return out


def test_the_project_and_the_shell_apps_have_chinese_catalogues():
    found = {p.relative_to(GONGZHI_DIR).parts[0] for p in PO_FILES}
    assert {"locale", "core", "accounts", "areas"} <= found


def test_every_app_with_user_facing_text_has_a_chinese_catalogue():
    missing = []
    for config in apps.get_app_configs():
        path = Path(config.path)
        if not path.is_relative_to(GONGZHI_DIR):
            continue
        sources = [*path.glob("*.py"), *path.glob("templates/**/*.html")]
        uses_gettext = any(
            re.search(r"gettext|{% ?(?:translate|trans|blocktranslate) ", f.read_text(encoding="utf-8"))
            for f in sources
        )
        if uses_gettext and not (path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").exists():
            missing.append(config.label)
    assert missing == [], f"apps without gongzhi/<app>/locale/zh_Hans (run `make messages`): {missing}"


# {% translate "msgid" %} or {% translate "msgid" context "ctx" %}: msgid and context stop at their own quote.
TEMPLATE_STRING = re.compile(
    r"""{%\s*(?:translate|trans)\s+(["'])((?:(?!\1).)+)\1(?:\s+context\s+(["'])((?:(?!\3).)+)\3)?[^%]*%}"""
)


def test_every_template_string_is_translated_into_chinese():
    # a catalogue that was not refreshed after a template changed shows English to Chinese users
    from django.utils import translation

    untranslated = []
    for template in sorted(GONGZHI_DIR.glob("**/templates/**/*.html")):
        for _quote, msgid, _cquote, context in TEMPLATE_STRING.findall(template.read_text(encoding="utf-8")):
            with translation.override("zh-hans"):
                chinese = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
                if re.search(r"[A-Za-z]", msgid) and chinese == msgid:
                    untranslated.append(f"{template.relative_to(GONGZHI_DIR)}: {msgid}{f' ({context})' if context else ''}")
    assert untranslated == [], "run `make messages` and translate: " + "; ".join(untranslated)


@pytest.mark.parametrize("po_path", PO_FILES, ids=[str(p.relative_to(GONGZHI_DIR)) for p in PO_FILES])
def test_translations_are_complete_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    name = po_path.relative_to(GONGZHI_DIR)
    assert not po.metadata_is_fuzzy, f"{name}: the header is marked fuzzy"
    untranslated = [e.msgid for e in po.untranslated_entries()]
    assert untranslated == [], f"{name}: fill in msgstr for {untranslated}"
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert fuzzy == [], f"{name}: review the fuzzy entries {fuzzy}"
    for entry in po.translated_entries():
        wanted = set(PLACEHOLDER.findall(entry.msgid))
        for text in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            assert set(PLACEHOLDER.findall(text)) == wanted, f"{name}: placeholders differ in {entry.msgid!r}"

    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{name}: not compiled (run `make messages`)"
    assert _catalogue(polib.mofile(str(mo_path))) == _catalogue(po.translated_entries()), (
        f"{name}: the .mo is out of date with the .po (run `make messages`)"
    )
