"""The role × endpoint matrix, generated: every API operation of the live OpenAPI schema and every
page URL pattern that names an object, for every role, with an object inside the user's scope, a
comparable object outside it and an id that names nothing.

Nothing here lists endpoints. Operations come from `gongzhi.api.api.get_openapi_schema()`, pages
from `gongzhi.urls.urlpatterns` (admin/ and i18n/ left out), and the objects from the factories
components declare (`Component.matrix`, found through `components.matrix_factories()`; protocol in
`gongzhi.core.tests.matrix`). A new app is covered by declaring its factory; a new endpoint by
existing. Expectations:

- no answer is a 5xx, for anyone;
- the outside object gets exactly what the absent one gets (status, and the error `code` for the
  API): outside scope is indistinguishable from absent — a 403 there would confirm it exists;
- a GET of the inside object answers 200 to the roles the factory says see it (or 403 when the
  role sees the object but may not use that operation at all: an inspector on an edit form), and
  exactly what the absent id gets to everyone else.

Writes (POST/PUT/PATCH/DELETE) carry a minimal valid body built from the operation's request
schema, so the request reaches the service; they run after the reads, inside the test's
transaction, on a world built afresh for each role.

`pytest -s gongzhi/core/tests/test_matrix.py` prints the totals (operations, pages, roles,
requests).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.core import components
from gongzhi.core.tests.matrix import Param, World, build_world, resolve

ROLES = [r.value for r in Role]
PAGE_EXCLUDED = ("admin/", "i18n/", "api/")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
READS = ("GET", "HEAD")


@dataclass
class Endpoint:
    kind: str  # "api" or "page"
    app: str
    method: str
    label: str  # the path template or the URL name, for messages
    params: list[str]  # path-parameter names
    segment: str  # the first literal path segment after the app's prefix ("" when none)
    url_name: str = ""
    path: str = ""
    body: dict | None = None  # the request body schema (API)
    media: str = ""  # its content type
    extra: dict = field(default_factory=dict)

    def key(self, name: str, objects: dict[str, Param]) -> Param | None:
        if self.segment and f"{self.segment}.{name}" in objects:
            return objects[f"{self.segment}.{name}"]
        return objects.get(name)


# ---------------------------------------------------------------------------------------------
# Discovery


def _segment(route: str) -> str:
    first = route.lstrip("^/").split("/", 1)[0]
    return "" if ("{" in first or "<" in first or "(" in first) else first


def api_endpoints() -> list[Endpoint]:
    from gongzhi.api import api

    schema = api.get_openapi_schema()
    prefixes = {f"/api/{c.api_prefix or config.label}/": config.label for config, c in components.installed() if c.api}
    found = []
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            params = [p["name"] for p in op.get("parameters", []) if p.get("in") == "path"]
            if not params:
                continue
            prefix = max((p for p in prefixes if path.startswith(p)), key=len, default=None)
            assert prefix, f"{path} belongs to no component"
            body, media = None, ""
            content = (op.get("requestBody") or {}).get("content") or {}
            for media_type in ("application/json", "multipart/form-data", "application/x-www-form-urlencoded"):
                if media_type in content:
                    body, media = content[media_type].get("schema"), media_type
                    break
            found.append(Endpoint("api", prefixes[prefix], method.upper(), path, params,
                                  _segment(path[len(prefix):]), path=path, body=body, media=media,
                                  extra={"schema": schema}))
    return found


def _pattern_params(pattern) -> list[str]:
    return list(pattern.pattern.regex.groupindex)


def page_endpoints() -> list[Endpoint]:
    import gongzhi.urls

    modules = {c.urls: config.label for config, c in components.installed() if c.urls}
    found = []

    def walk(patterns, app: str | None, namespace: str, prefix: str, relative: str):
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                if not prefix and route in PAGE_EXCLUDED:
                    continue
                module = p.urlconf_name if isinstance(p.urlconf_name, str) else getattr(p.urlconf_name, "__name__", "")
                sub_app = modules.get(module, app)
                ns = ":".join(n for n in (namespace, p.namespace) if n)
                walk(p.url_patterns, sub_app, ns, prefix + route, "" if sub_app != app else relative + route)
            elif isinstance(p, URLPattern):
                params = _pattern_params(p)
                if not params:
                    continue
                assert app, f"the page {prefix + route} belongs to no component"
                assert p.name, f"the page {prefix + route} has no URL name"
                name = f"{namespace}:{p.name}" if namespace else p.name
                found.append(Endpoint("page", app, "GET", name, params, _segment(relative + route), url_name=name))

    walk(gongzhi.urls.urlpatterns, None, "", "", "")
    return found


def factories() -> list[tuple[str, Any]]:
    return components.matrix_factories()


# ---------------------------------------------------------------------------------------------
# Minimal valid bodies from the request schema


def _deref(schema: dict, root: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = root["components"]["schemas"][name]
    for combinator in ("allOf", "anyOf", "oneOf"):
        if combinator in schema:
            options = [s for s in schema[combinator] if s.get("type") != "null"]
            merged = {k: v for k, v in schema.items() if k != combinator}
            return {**_deref(options[0], root), **merged} if options else merged
    return schema


def sample(schema: dict, root: dict, *, files: dict | None = None, name: str = "") -> Any:
    schema = _deref(schema, root)
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    fmt = schema.get("format", "")
    if kind == "object" or "properties" in schema:
        required = schema.get("required", [])
        return {k: sample(v, root, files=files, name=k) for k, v in schema.get("properties", {}).items()
                if k in required}
    if kind == "array":
        item = _deref(schema.get("items", {}), root)
        if item.get("format") == "binary" and files is not None:
            return [SimpleUploadedFile("photo.png", PNG, content_type="image/png")]
        count = max(1, schema.get("minItems", 1)) if name in (schema.get("required") or ()) or schema.get("minItems") else 1
        return [sample(item, root, files=files) for _ in range(count)]
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if fmt == "binary":
        return SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    if fmt == "date":
        return timezone.localdate().isoformat()
    if fmt == "date-time":
        return dt.datetime.now(dt.UTC).isoformat()
    if fmt == "time":
        return "09:00:00"
    if fmt == "email":
        return "test@example.com"
    if fmt == "uri":
        return "https://example.com/"
    return "测试"


# ---------------------------------------------------------------------------------------------
# Requests


@dataclass
class Answer:
    status: int
    code: str = ""
    error: str = ""

    def same(self, other: Answer) -> bool:
        return (self.status, self.code) == (other.status, other.code)

    def __str__(self) -> str:
        return f"{self.status}{' ' + self.code if self.code else ''}{' (' + self.error + ')' if self.error else ''}"


def _url(endpoint: Endpoint, values: dict[str, Any]) -> str:
    if endpoint.kind == "page":
        return reverse(endpoint.url_name, kwargs=values)
    path = endpoint.path
    for name, value in values.items():
        path = path.replace("{" + name + "}", str(value))
    return path


def ask(client: Client, endpoint: Endpoint, values: dict[str, Any], method: str | None = None) -> Answer:
    method = method or endpoint.method
    url = _url(endpoint, values)
    if method in READS:
        response = client.generic(method, url)
    elif endpoint.media == "multipart/form-data":
        data = sample(endpoint.body, endpoint.extra["schema"], files={})
        response = client.post(url, data=data) if method == "POST" else client.generic(method, url)
    elif endpoint.body is not None:
        body = sample(endpoint.body, endpoint.extra["schema"])
        response = client.generic(method, url, json.dumps(body), content_type="application/json")
    else:
        response = client.generic(method, url, content_type="application/json")
    code = ""
    if endpoint.kind == "api" and response.get("Content-Type", "").startswith("application/json") and response.status_code >= 400:
        try:
            code = response.json().get("code", "")
        except ValueError:
            code = ""
    error = ""
    exc_info = getattr(response, "exc_info", None)
    if exc_info:
        error = f"{exc_info[0].__name__}: {exc_info[1]}"[:200]
    return Answer(response.status_code, code, error)


# ---------------------------------------------------------------------------------------------
# The matrix

TOTALS: Counter = Counter()
ROLE_SEEN: set[str] = set()


@pytest.fixture(scope="module", autouse=True)
def _summary():
    yield
    if TOTALS:
        print(
            f"\nrole × endpoint matrix: {TOTALS['api_operations']} API operations + {TOTALS['pages']} pages "
            f"× {len(ROLE_SEEN)} roles; {TOTALS['requests']} requests "
            f"({TOTALS['checks']} checks: {TOTALS['checks_outside']} outside-vs-absent, "
            f"{TOTALS['checks_inside']} inside, {TOTALS['checks_5xx']} no-5xx); "
            f"{TOTALS['writes_inside_422']} of {TOTALS['writes_inside']} writes on the inside object stopped at "
            "request validation (422)"
        )


def _objects(world: World) -> dict[str, dict[str, Param]]:
    by_app = {}
    for label, factory in factories():
        by_app[label] = factory(world)
    return by_app


def _values(endpoint: Endpoint, params: dict[str, Param], which: str, world: World) -> dict[str, Any] | None:
    values = {}
    for name in endpoint.params:
        param = params[name]
        value = param.inside if (param.is_fixed or which == "inside") else getattr(param, which)
        if value is None:
            return None
        values[name] = resolve(value, world)
    return values


@pytest.mark.django_db
def test_every_path_parameter_has_a_factory():
    """Every path parameter of every API operation and page is declared by its app's factory (else
    the endpoint goes unchecked: declare the object in `<app>/tests/matrix.py`)."""
    keys = {label: set(params) for label, params in _objects(build_world(Role.DISTRICT_ADMIN)).items()}
    missing = []
    for endpoint in api_endpoints() + page_endpoints():
        for name in endpoint.params:
            declared = keys.get(endpoint.app, set())
            if name not in declared and f"{endpoint.segment}.{name}" not in declared:
                missing.append(f"{endpoint.app}: {endpoint.method} {endpoint.label} — {name}")
    assert not missing, "No factory declares these path parameters:\n" + "\n".join(sorted(set(missing)))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(role):
    world = build_world(role)
    objects = _objects(world)
    client = Client(raise_request_exception=False)
    client.force_login(world.user)
    ROLE_SEEN.add(role)
    endpoints = api_endpoints() + page_endpoints()
    TOTALS["api_operations"] = sum(e.kind == "api" for e in endpoints)
    TOTALS["pages"] = sum(e.kind == "page" for e in endpoints)
    failures: list[str] = []
    # Reads first, so a write to the inside object does not change what a later read sees; a page
    # that only takes POST is a write too (leaving a team, marking oneself left): asked last.
    post_only: list[tuple[Endpoint, dict]] = []
    for endpoint in sorted(endpoints, key=lambda e: e.method not in READS):
        params = {}
        for name in endpoint.params:
            param = endpoint.key(name, objects.get(endpoint.app, {}))
            if param is None:
                break
            params[name] = param
        else:
            found = _check(client, endpoint, params, world, retry_post=False)
            if found is None:
                post_only.append((endpoint, params))
            else:
                failures += found
    for endpoint, params in post_only:
        failures += _check(client, endpoint, params, world)
    assert not failures, f"{role}: {len(failures)} answers break the matrix:\n" + "\n".join(failures)


def _check(client: Client, endpoint: Endpoint, params: dict[str, Param], world: World, *,
           retry_post: bool = True) -> list[str] | None:
    role = world.role
    where = f"{endpoint.method} {endpoint.label}"
    varied = [p for p in params.values() if not p.is_fixed]
    answers: dict[str, Answer] = {}
    methods = [endpoint.method]
    for which in ("missing", "outside", "inside"):
        values = _values(endpoint, params, which, world)
        if values is None or (which != "inside" and not varied):
            continue
        answers[which] = ask(client, endpoint, values)
        TOTALS["requests"] += 1
    # A page that only takes POST: ask again with POST (its form, empty).
    if endpoint.kind == "page" and answers and all(a.status == 405 for a in answers.values()):
        if not retry_post:
            return None  # the caller asks it again, with POST, after every read
        methods.append("POST")
        for which in list(answers):
            values = _values(endpoint, params, which, world)
            answers[which] = ask(client, endpoint, values, method="POST")
            TOTALS["requests"] += 1
        where = f"POST {endpoint.label}"
    if "inside" in answers and endpoint.method not in READS:
        TOTALS["writes_inside"] += 1
        TOTALS["writes_inside_422"] += answers["inside"].status == 422
    failures = []
    for which, answer in answers.items():
        TOTALS["checks"] += 1
        TOTALS["checks_5xx"] += 1
        if answer.status >= 500:
            failures.append(f"  {where} [{which}] → {answer}: a server error")
    missing, outside, inside = answers.get("missing"), answers.get("outside"), answers.get("inside")
    if missing and outside:
        TOTALS["checks"] += 1
        TOTALS["checks_outside"] += 1
        same = outside.same(missing) if endpoint.kind == "api" else outside.status == missing.status
        if not same:
            failures.append(f"  {where} [outside] → {outside}, but an absent id → {missing}: outside scope must look absent")
    if inside and missing and varied and endpoint.method in READS and where.startswith("GET"):
        TOTALS["checks"] += 1
        TOTALS["checks_inside"] += 1
        sees = all(role in p.seen_by for p in varied)
        if sees:
            # 403: the role sees the object but may not use this operation (an inspector on an edit page).
            if inside.status not in (200, 403):
                failures.append(f"  {where} [inside] → {inside}; {role} sees this object: expected 200 (or 403)")
        else:
            same = inside.same(missing) if endpoint.kind == "api" else inside.status == missing.status
            if not same:
                failures.append(f"  {where} [inside] → {inside}, but an absent id → {missing}; {role} does not see this object")
    return failures


def test_discovery_finds_operations_and_pages():
    """The walk itself: the schema and the URLconf yield endpoints of several apps."""
    endpoints = api_endpoints() + page_endpoints()
    assert {e.app for e in endpoints if e.kind == "api"} >= {"cases", "residents", "party", "areas"}
    assert {e.app for e in endpoints if e.kind == "page"} >= {"cases", "residents"}
    assert not any(re.match(r"^(admin|i18n):", e.url_name) for e in endpoints if e.kind == "page")


class _Canned:
    """A stand-in client answering from a table {url: (status, code)}."""

    def __init__(self, table):
        self.table = table

    def generic(self, method, url, *args, **kwargs):
        status, code = self.table[url]
        return _CannedResponse(status, code)


class _CannedResponse(dict):
    def __init__(self, status, code):
        super().__init__({"Content-Type": "application/json"})
        self.status_code, self._code = status, code

    def json(self):
        return {"code": self._code}


def test_the_checks_catch_a_leak_and_a_wrong_answer():
    """The matrix passes on code that keeps its promises; here, on canned answers, it must not."""
    saved = TOTALS.copy()  # canned answers are not counted in the totals
    endpoint = Endpoint("api", "x", "GET", "/api/x/{thing_id}", ["thing_id"], "", path="/api/x/{thing_id}")
    param = Param(inside=1, outside=2, seen_by=frozenset({Role.GRID_WORKER}))
    world = World(role=Role.RESIDENT, user=None, users={}, d1={}, d2={}, department1=None, department2=None,
                  unit1=None, unit2=None)
    leak = _Canned({"/api/x/999999999": (404, "not_found"), "/api/x/2": (403, "forbidden"), "/api/x/1": (404, "not_found")})
    assert any("outside scope must look absent" in f for f in _check(leak, endpoint, {"thing_id": param}, world))
    shown = _Canned({"/api/x/999999999": (404, "not_found"), "/api/x/2": (404, "not_found"), "/api/x/1": (200, "")})
    assert any("does not see this object" in f for f in _check(shown, endpoint, {"thing_id": param}, world))
    crash = _Canned({"/api/x/999999999": (500, "server_error"), "/api/x/2": (404, "not_found"), "/api/x/1": (404, "not_found")})
    assert any("server error" in f for f in _check(crash, endpoint, {"thing_id": param}, world))
    world.role = Role.GRID_WORKER
    hidden = _Canned({"/api/x/999999999": (404, "not_found"), "/api/x/2": (404, "not_found"), "/api/x/1": (404, "not_found")})
    assert any("expected 200" in f for f in _check(hidden, endpoint, {"thing_id": param}, world))
    fine = _Canned({"/api/x/999999999": (404, "not_found"), "/api/x/2": (404, "not_found"), "/api/x/1": (200, "")})
    assert _check(fine, endpoint, {"thing_id": param}, world) == []
    TOTALS.clear()
    TOTALS.update(saved)
