"""Navigation. Each component lists its entries (`Component.navigation`); the shell shows a user
the entries whose gate action they may do, so adding a programme means declaring its entries."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from .components import NavItem, navigation
from .permissions import can

__all__ = ["NavItem", "items_for", "navigation_context", "visible"]


def visible(item: NavItem, user) -> bool:
    """Whether the shell shows `item` to `user`: signed in, and the gate allows its action."""
    if not user.is_authenticated:
        return False
    return not item.permission or can(user, item.permission)


def items_for(user) -> list[dict]:
    entries = []
    for item in navigation():
        if visible(item, user):
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
