"""No response shows a full phone or ID number (issue 12 item 8): a world built with the matrix
factories (residents, party members, units, departments, cases — each app's `Component.matrix`),
whose known numbers are every value of an encrypted phone / ID-number field plus numbers typed into
the cases' titles, descriptions and notes; then, as each role, every GET operation of the live
OpenAPI schema (path ids filled from the factories, inside and outside the user's scope) and every
page that names an object, plus the main pages. A response body holding one of the known full
numbers fails the test — except the reveal endpoints (their purpose, permission-checked and
audited), and a requester reading the numbers they typed into their own case.

`pytest -s gongzhi/core/tests/test_no_unmasked_numbers.py` prints how many responses were scanned.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client

from gongzhi.accounts.roles import Role
from gongzhi.core import pii
from gongzhi.core.tests.matrix import build_world
from gongzhi.core.tests.test_matrix import _objects, _url, _values, api_endpoints, factories, page_endpoints

ROLES = [r.value for r in Role]
TYPED_PHONE = "13987654321"
TYPED_ID = "110101198807071234"
MAIN_PAGES = ("/", "/cases/", "/cases/mine/", "/cases/new/", "/cases/figures/", "/residents/", "/party/",
              "/areas/", "/accounts/", "/messages/")
SCANNED: list[int] = []


@pytest.fixture(scope="module", autouse=True)
def _summary():
    yield
    if SCANNED:
        print(f"\nunmasked-number scan: {sum(SCANNED)} responses over {len(SCANNED)} roles, 0 full numbers")


def _known_numbers() -> set[str]:
    """Every full phone and ID number the world holds in an encrypted field."""
    numbers = set()
    for model in apps.get_models():
        fields = [f.name for f in model._meta.get_fields()
                  if isinstance(f, pii.EncryptedCharField) and f.kind in (pii.PHONE, pii.ID_NUMBER)]
        for name in fields:
            for value in model._default_manager.values_list(name, flat=True):
                if value and len(str(value)) >= 11:
                    numbers.add(str(value))
    return numbers


def _type_numbers_into_cases() -> set[int]:
    """Write a phone and an ID number into every case's title, description and notes (as a caller
    would); return the ids of those cases' requesters."""
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    Case.objects.update(title=f"请回电 {TYPED_PHONE}", description=f"身份证 {TYPED_ID}，电话 {TYPED_PHONE}")
    CaseEvent.objects.update(note=f"备用电话 {TYPED_PHONE}")
    return set(Case.objects.exclude(requester=None).values_list("requester_id", flat=True))


def _get_operations_without_ids() -> list[str]:
    from gongzhi.api import api

    schema = api.get_openapi_schema()
    return [path for path, ops in schema["paths"].items()
            if "get" in ops and not any(p.get("in") == "path" for p in ops["get"].get("parameters", []))]


def _urls(world) -> list[str]:
    assert factories()
    objects = _objects(world)
    urls = list(_get_operations_without_ids()) + list(MAIN_PAGES)
    for endpoint in api_endpoints() + page_endpoints():
        if endpoint.method != "GET":
            continue
        params = {}
        for name in endpoint.params:
            param = endpoint.key(name, objects.get(endpoint.app, {}))
            if param is None:
                break
            params[name] = param
        else:
            for which in ("inside", "outside"):
                values = _values(endpoint, params, which, world)
                if values is not None:
                    urls.append(_url(endpoint, values))
    return [u for u in dict.fromkeys(urls) if "reveal" not in u]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_no_response_shows_a_full_number(role):
    world = build_world(role)
    urls = _urls(world)
    requesters = _type_numbers_into_cases()
    known = _known_numbers()
    assert known, "the world holds no phone or ID number: the scan would prove nothing"
    typed = {TYPED_PHONE, TYPED_ID}
    forbidden = known | (set() if world.user.pk in requesters else typed)
    client = Client(raise_request_exception=False)
    client.force_login(world.user)
    leaks, scanned = [], 0
    for url in urls:
        response = client.get(url)
        if getattr(response, "streaming", False):
            continue
        scanned += 1
        body = response.content.decode("utf-8", "replace")
        found = sorted(n for n in forbidden if n in body)
        if found:
            leaks.append(f"  GET {url} → {response.status_code}: {', '.join(pii.redact(n) for n in found)}")
    SCANNED.append(scanned)
    assert scanned > 50
    assert not leaks, f"{role}: {len(leaks)} responses show a full number:\n" + "\n".join(leaks)
