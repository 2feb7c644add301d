"""A component from the test suite, installed like a new programme would be (an INSTALLED_APPS
entry and its own folder, nothing else), is mounted, navigable, permission-checked and
demo-loaded. The app is gongzhi/core/tests/sample_component.

`gongzhi/urls.py` and `gongzhi/api.py` mount the components when they are imported, so the test
builds the same two things from the same declarations (`components.url_includes()`,
`components.api_routers()`) for its own URLconf."""

from __future__ import annotations

import functools
import sys
import types

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import include, path
from ninja import NinjaAPI

from gongzhi.accounts.auth import SessionAuth, TokenAuth
from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.api import api as project_api  # built now, from the project's own INSTALLED_APPS
from gongzhi.areas.tests.factories import tree
from gongzhi.core import components, navigation, permissions
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext

SAMPLE = "gongzhi.core.tests.sample_component"
URLCONF = "gongzhi.core.tests._sample_urlconf"


@functools.cache
def _sample_api() -> NinjaAPI:
    """An API like gongzhi.api.api (same authentication and error bodies) mounting the routers
    components declare that the project API has not mounted yet: the sample's."""
    api = NinjaAPI(auth=[TokenAuth(), SessionAuth()], urls_namespace="sample-api", docs_url=None)
    api._exception_handlers.update(project_api._exception_handlers)
    mounted = {prefix for prefix, _router in project_api._routers}
    for prefix, router in components.api_routers():
        if prefix.strip("/") not in {m.strip("/") for m in mounted}:
            api.add_router(prefix, router)
    return api


def _urlconf() -> str:
    module = types.ModuleType(URLCONF)
    module.urlpatterns = [
        *(path(prefix, include(urls)) for prefix, urls in components.url_includes()),
        path("api/", _sample_api().urls),
    ]
    sys.modules[URLCONF] = module
    return URLCONF


@pytest.fixture
def installed():
    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, SAMPLE]):
        permissions.reset()
        with override_settings(ROOT_URLCONF=_urlconf()):
            yield
    permissions.reset()
    sys.modules.pop(URLCONF, None)


@pytest.fixture
def people(db):
    nodes = tree()
    return {
        "staff": user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]]),
        "worker": user(Role.GRID_WORKER, nodes=[nodes["grid_a"]]),
        "resident": user(Role.RESIDENT),
    }


def test_installed_component_is_declared(installed):
    labels = [config.label for config, _c in components.installed()]
    assert labels[-1] == "sample_component"
    assert ("/sample_component", components.load(f"{SAMPLE}.api:router")) in components.api_routers()
    assert ("sample_component/", f"{SAMPLE}.urls") in components.url_includes()
    assert components.setting("SAMPLE_COMPONENT_GREETING") == "你好"
    assert {"sample_component.view", "sample_component.greet"} <= set(permissions.rules())


def test_mounted_page_and_api_answer(installed, people, client):
    client.force_login(people["staff"])
    page = client.get("/sample_component/")
    assert page.status_code == 200 and page.content.decode() == "你好"
    api = client.get("/api/sample_component/greeting")
    assert api.status_code == 200 and api.json() == {"greeting": "你好"}
    greet = client.post("/api/sample_component/greet", {"name": "张三"}, content_type="application/json")
    assert greet.status_code == 200 and greet.json() == {"greeting": "你好，张三"}


def test_navigation_shows_the_entry_to_allowed_roles_only(installed, people):
    def names(u):
        return [item["name"] for item in navigation.items_for(u)]

    assert "sample_component:index" in names(people["staff"])
    assert "sample_component:index" in names(people["worker"])
    assert "sample_component:index" not in names(people["resident"])


def test_actions_are_refused_to_roles_the_rules_do_not_name(installed, people, client):
    # The grid worker may view but not greet; the resident may do neither: page and API agree.
    client.force_login(people["worker"])
    refused = client.post("/api/sample_component/greet", {"name": "张三"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    client.force_login(people["resident"])
    assert client.get("/sample_component/").status_code == 403
    api = client.get("/api/sample_component/greeting")
    assert api.status_code == 403 and api.json()["code"] == "forbidden"
    assert not permissions.can(people["resident"], "sample_component.view")
    assert permissions.can(people["staff"], "sample_component.greet")


def test_demo_loader_runs_in_its_order(installed):
    from gongzhi.core.tests.sample_component import demo

    loaders = components.demo_loaders()
    labels = [label for label, _load in loaders]
    assert labels[-1] == "sample_component"  # demo_order 999: after every real app
    assert labels.index("areas") < labels.index("cases") < labels.index("sample_component")
    demo.LOADED.clear()
    dict(loaders)["sample_component"](DemoContext(seed=7, actor=SystemActor(label="test"), verbose=False))
    assert demo.LOADED == [7]


def test_without_the_entry_the_component_is_absent():
    assert "sample_component" not in [config.label for config, _c in components.installed()]
    assert "sample_component.view" not in permissions.rules()
