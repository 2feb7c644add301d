"""Who may do what in the 10-minute service circle (read by `gongzhi.core.permissions`).

The staff of an area (community, street, district) keep its points, rooms, providers, themes and the
hall's guide, and dispatch the orders of their area (the centre's 派单); anyone signed in orders
from the menu, books a room or a hall slot, and rates what they ordered and the points; a provider's
account accepts, declines and delivers the orders dispatched to it; a point's keeper checks in its
bookings and calls the hall's queue.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import AreaNode
from gongzhi.core import scope
from gongzhi.core.permissions import Rule

# Staff who keep the circle of their area and dispatch its orders.
KEEPER_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN})
# Who reads the orders, bookings, appointments and figures of their area scope.
READER_ROLES = KEEPER_ROLES | frozenset({Role.GRID_WORKER, Role.INSPECTOR, Role.SUPERVISION})


def area_path(obj: Any) -> str:
    """The area path of an area node or of anything of this app."""
    if isinstance(obj, AreaNode):
        return obj.path
    for attribute in ("area", "place"):
        node = getattr(obj, attribute, None)
        if isinstance(node, AreaNode):
            return node.path
    for attribute in ("point", "room", "matter", "provider"):
        if getattr(obj, f"{attribute}_id", None) is not None:
            return area_path(getattr(obj, attribute))
    return ""


def keeps_area(user, obj: Any) -> bool:
    """The object lies in the user's area scope (no object: the kind of action)."""
    if obj is None:
        return True
    path = area_path(obj)
    return bool(path) and scope.covers_path(user, path)


def point_of(obj: Any):
    from .models import ServicePoint

    if isinstance(obj, ServicePoint):
        return obj
    for attribute in ("point", "room", "matter"):
        if getattr(obj, f"{attribute}_id", None) is not None:
            return point_of(getattr(obj, attribute))
    return None


def keeps_point(user, obj: Any) -> bool:
    """The point's keeper, or the staff of its area."""
    if obj is None:
        return True
    point = point_of(obj)
    if point is not None and point.keeper_id is not None and point.keeper_id == user.pk:
        return True
    return getattr(user, "role", None) in KEEPER_ROLES and keeps_area(user, obj)


def provides(user, obj: Any) -> bool:
    """The account of the order's provider (or of the provider itself)."""
    if obj is None:
        return True
    provider = obj if hasattr(obj, "service_radius_m") else getattr(obj, "provider", None)
    return provider is not None and provider.user_id is not None and provider.user_id == user.pk


def ordered(user, obj: Any) -> bool:
    """Who ordered it (the order's own person)."""
    return obj is None or getattr(obj, "ordered_by_id", None) == user.pk


def own_booking(user, obj: Any) -> bool:
    """Who booked it, the point's keeper, or the staff of the point's area."""
    if obj is None:
        return True
    person = getattr(obj, "booked_by_id", None) or getattr(obj, "person_id", None)
    return person == user.pk or keeps_point(user, obj)


RULES = {
    # The circle's pages: near me, the menu, my orders and bookings.
    "circle.view": Rule(everyone=True),
    # Orders, bookings, appointments and figures of the area (staff).
    "circle.view_list": Rule(roles=READER_ROLES),
    # Keep points, rooms, providers, offerings, themes and the hall's guide of the area.
    "circle.keep": Rule(roles=KEEPER_ROLES, relation=keeps_area,
                        message=_("Only the staff of the area keep its service circle.")),
    # Read a provider's private phone (audited).
    "circle.reveal_phone": Rule(roles=KEEPER_ROLES, relation=keeps_area,
                                message=_("Only the staff of the area read a provider's own phone.")),
    # Order from the menu (点单) and rate a point.
    "circle.order": Rule(everyone=True),
    # Dispatch an order to a provider (派单), cancel an order of the area.
    "circle.dispatch": Rule(roles=KEEPER_ROLES, relation=keeps_area,
                            message=_("Only the centre's staff of the area dispatch orders.")),
    # Accept, decline, deliver (接单) — the provider's account.
    "circle.provide": Rule(everyone=True, relation=provides,
                           message=_("Only the provider the order was dispatched to answers it.")),
    # Rate the order (评单), cancel one's own order before it is accepted.
    "circle.rate": Rule(everyone=True, relation=ordered, message=_("Only who ordered it rates it.")),
    "circle.cancel_own": Rule(everyone=True, relation=ordered, message=_("Only who ordered it cancels it.")),
    # Book a room or a hall slot; cancel one's own.
    "circle.book": Rule(everyone=True, relation=own_booking),
    # Check in a booking, call the hall's queue, record a no-show (the point's keeper or staff).
    "circle.run_point": Rule(everyone=True, relation=keeps_point,
                             message=_("Only the point's keeper or the area's staff do this.")),
    # Download the figures (.xlsx).
    "circle.export_figures": Rule(roles=READER_ROLES),
}
