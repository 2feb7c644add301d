"""Navigation by role. Each app's AppConfig lists its entries in `navigation`; the shell shows a
user the entries their role may use, so adding a programme means declaring its entries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] = field(default_factory=frozenset)  # empty: every signed-in user
    order: int = 100

    def visible_to(self, user) -> bool:
        if not user.is_authenticated:
            return False
        return not self.roles or user.is_superuser or getattr(user, "role", None) in self.roles


def items_for(user) -> list[dict]:
    entries = []
    for config in apps.get_app_configs():
        for item in getattr(config, "navigation", ()):
            if item.visible_to(user):
                try:
                    url = reverse(item.url_name)
                except NoReverseMatch:
                    continue
                entries.append((item.order, str(item.label), url, item.url_name))
    entries.sort(key=lambda e: e[0])
    return [{"label": label, "url": url, "name": name} for _, label, url, name in entries]


def navigation_context(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": items_for(user)}
