"""Navigation. Each component lists its entries (`Component.navigation`); the shell shows a user
the entries whose gate action they may do, so adding a programme means declaring its entries."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str = ""  # the gate action (core.permissions); empty: every signed-in user
    order: int = 100

    def visible_to(self, user) -> bool:
        if not user.is_authenticated:
            return False
        if not self.permission:
            return True
        from .permissions import can

        return can(user, self.permission)


def items_for(user) -> list[dict]:
    from .components import navigation

    entries = []
    for item in navigation():
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
