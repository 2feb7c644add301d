"""Every app is a component: it declares, in one `Component` on its AppConfig (`component = ...`),
what the platform needs to know about it — its API router and pages, navigation, the permission
module that names its actions, its audit actions and notification kinds, settings with defaults,
its demo loader, periodic jobs, exports, the figures it offers the dashboard and the assessment,
and the factories of an in-scope and an out-of-scope object for the role × endpoint matrix test.

The platform reads these declarations and nothing else: `gongzhi/api.py` and `gongzhi/urls.py`
mount what components declare, the shell shows their navigation, `gongzhi demo` runs their
loaders in order, `gongzhi worker` schedules their jobs, `core.permissions` reads their rules.
Adding a programme means adding it to INSTALLED_APPS and writing its own folder (the Decidim
component manifest, in Django terms).

Dotted references ("module:attribute" or "module.attribute") are imported lazily, so declaring a
component never imports the app's views or API while the app registry is still loading.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings as django_settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class NavItem:
    """An entry of the main navigation; shown to the users the gate allows `permission` (empty:
    everyone signed in). `core.navigation` lists them."""

    label: str
    url_name: str
    permission: str = ""
    order: int = 100


@dataclass(frozen=True)
class Periodic:
    """A job the worker enqueues every `every()` (`core.periodic` schedules it)."""

    name: str
    task: str  # dotted path of a django-tasks Task
    every: Callable[[], dt.timedelta]

    def get_task(self):
        return import_string(self.task)


@dataclass(frozen=True)
class Export:
    """A download the app offers (name for the audit log and the docs, page url name, label)."""

    name: str
    url_name: str
    label: str = ""


@dataclass(frozen=True)
class FigureProvider:
    """Numbers a dashboard or the assessment reads: `provider(user=, node=, start=, end=)` returns a
    list of `{"key", "label", "value"}` dicts, scoped to the user like everything else."""

    key: str
    label: str
    provider: str  # dotted path of the callable

    def compute(self, **kwargs) -> list[dict]:
        return load(self.provider)(**kwargs)


@dataclass(frozen=True)
class Component:
    api: str = ""  # dotted path of the app's ninja Router ("gongzhi.cases.api:router")
    api_prefix: str = ""  # mounted at /api/<api_prefix>; defaults to the app label
    urls: str = ""  # dotted path of the app's URLconf module ("gongzhi.cases.urls")
    url_prefix: str | None = None  # mounted at /<url_prefix>; defaults to "<label>/"
    navigation: tuple[NavItem, ...] = ()
    permissions: str = ""  # module whose RULES the gate reads; defaults to "<app>.permissions"
    audit_actions: tuple[str, ...] = ()
    notification_kinds: tuple[str, ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)  # setting name -> default
    demo: str = ""  # dotted path of `load(ctx)`; defaults to "<app>.demo:load" when demo_order is set
    demo_order: int | None = None
    periodic: tuple[Periodic, ...] = ()
    exports: tuple[Export, ...] = ()
    figures: tuple[FigureProvider, ...] = ()
    # Dotted path of a callable `(world) -> dict[str, Param]`: for each path parameter of the app's
    # API operations and pages, one object inside the matrix world's scope and one outside it
    # (see gongzhi.core.tests.matrix).
    matrix: str = ""
    # Extension points this app fills: point name -> dotted path of the callable. An app that offers
    # a point calls `components.extensions(point)` and never imports the apps that fill it (triage
    # plugs its suggestion into the case intake; the case pipeline adds its panels to the household
    # page), so the layers stay one way.
    extensions: Mapping[str, str] = field(default_factory=dict)


def load(dotted: str):
    """Import "package.module:attribute" (or "package.module.attribute")."""
    if ":" in dotted:
        module, attribute = dotted.split(":", 1)
    else:
        module, attribute = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(module), attribute)


def optional_module(dotted: str):
    """The module, or None when the app has no such file (an error inside the module still raises)."""
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError as exc:
        if exc.name != dotted:
            raise
        return None


def installed() -> list[tuple[Any, Component]]:
    """(AppConfig, Component) for every installed app that declares a component, in INSTALLED_APPS order."""
    return [(config, config.component) for config in apps.get_app_configs() if isinstance(getattr(config, "component", None), Component)]


def of(app_label: str) -> Component:
    return apps.get_app_config(app_label).component


def api_routers() -> list[tuple[str, Any]]:
    """(prefix, router) for every component that declares an API."""
    return [(f"/{c.api_prefix or config.label}", load(c.api)) for config, c in installed() if c.api]


def url_includes() -> list[tuple[str, str]]:
    """(prefix, urlconf module) for every component that declares pages."""
    return [(f"{config.label}/" if c.url_prefix is None else c.url_prefix, c.urls) for config, c in installed() if c.urls]


def navigation() -> list[NavItem]:
    return [item for _config, c in installed() for item in c.navigation]


def periodic_jobs() -> list[Periodic]:
    return [job for _config, c in installed() for job in c.periodic]


def demo_loaders() -> list[tuple[str, Callable]]:
    """(label, load) in demo order."""
    loaders = []
    for config, c in installed():
        if c.demo_order is None:
            continue
        if c.demo:
            loaders.append((c.demo_order, config.label, load(c.demo)))
            continue
        module = optional_module(f"{config.name}.demo")
        if module is not None:
            loaders.append((c.demo_order, config.label, module.load))
    return [(label, fn) for _order, label, fn in sorted(loaders, key=lambda entry: entry[0])]


def permission_modules() -> list[Any]:
    modules = []
    for config, c in installed():
        module = importlib.import_module(c.permissions) if c.permissions else optional_module(f"{config.name}.permissions")
        if module is not None:
            modules.append(module)
    return modules


def figure_providers() -> list[tuple[str, FigureProvider]]:
    return [(config.label, provider) for config, c in installed() for provider in c.figures]


def matrix_factories() -> list[tuple[str, Callable]]:
    return [(config.label, load(c.matrix)) for config, c in installed() if c.matrix]


def setting(name: str) -> Any:
    """A setting's value: the project settings if set there, else the default a component declares."""
    if hasattr(django_settings, name):
        return getattr(django_settings, name)
    for _config, c in installed():
        if name in c.settings:
            return c.settings[name]
    raise KeyError(f"No component declares the setting {name}")


def extensions(point: str) -> list[Callable]:
    """The callables installed components register for an extension point, in INSTALLED_APPS order."""
    return [load(c.extensions[point]) for _config, c in installed() if point in c.extensions]
