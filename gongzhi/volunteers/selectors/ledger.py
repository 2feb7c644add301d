"""Reads of the volunteers' points ledger for staff (an area's accounts, an account's entries, the
manual points waiting for approval, the earning rules) and for the volunteer ("my points")."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import require
from gongzhi.points import selectors as points
from gongzhi.points.models import Account, Adjustment, AdjustmentState, EarningRule, Entry, Programme

from ..models import Volunteer
from .accounts import volunteer_account, volunteer_of

PROGRAMME = Programme.VOLUNTEERS


def scope_areas(*, user) -> QuerySet:
    """The district, street and community nodes the user sees (the area pickers)."""
    return AreaNode.objects.visible_to(user).filter(
        kind__in=[AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY]).order_by("path")


def area_for(*, user, area_id: int | str | None) -> AreaNode:
    """The area named (if the user sees it), else the user's top area; NotFound when none."""
    areas = AreaNode.objects.visible_to(user)
    if area_id not in (None, ""):
        try:
            node = areas.filter(pk=int(area_id)).first()
        except (TypeError, ValueError):
            node = None
        if node is None:
            raise NotFound()
        return node
    node = scope_areas(user=user).first() or areas.order_by("path").first()
    if node is None:
        raise NotFound()
    return node


def accounts_list(*, user, area: AreaNode, q: str = "") -> QuerySet:
    """The volunteers' accounts of the area and below, by name (balance, earned, spent kept)."""
    require(user, "points.view_ledger", area)
    rows = Account.objects.visible_to(user).filter(programme=PROGRAMME, area__path__startswith=area.path)
    q = (q or "").strip()
    if q:
        rows = rows.filter(name__icontains=q)
    return rows.select_related("area").order_by("name", "id")


def account_get(*, user, pk: int) -> Account:
    account = Account.objects.visible_to(user).filter(programme=PROGRAMME, pk=pk).select_related("area").first()
    if account is None:
        raise NotFound()
    require(user, "points.view_ledger", account)
    return account


def account_entries(*, user, account: Account) -> QuerySet:
    return points.entries(user=user, account=account)


def account_volunteer(account: Account) -> Volunteer | None:
    if account.holder_type_id != ContentType.objects.get_for_model(Volunteer).pk:
        return None
    return Volunteer.objects.filter(pk=account.holder_id).first()


def adjustments(*, user, area: AreaNode, state: str = AdjustmentState.PENDING) -> QuerySet:
    require(user, "points.view_ledger", area)
    rows = Adjustment.objects.visible_to(user).filter(account__programme=PROGRAMME,
                                                      account__area__path__startswith=area.path)
    if state:
        rows = rows.filter(state=state)
    return rows.select_related("account", "requested_by", "decided_by")


def adjustment_get(*, user, pk: int) -> Adjustment:
    row = Adjustment.objects.visible_to(user).filter(account__programme=PROGRAMME, pk=pk).select_related(
        "account", "requested_by", "decided_by").first()
    if row is None:
        raise NotFound()
    require(user, "points.view_ledger", row)
    return row


def earning_rules(*, user) -> QuerySet:
    """The volunteers' earning rules (read-only here; kept in the admin)."""
    require(user, "points.view_ledger")
    return EarningRule.objects.filter(programme=PROGRAMME).select_related("area").order_by("key", "-is_active", "id")


def my_points(*, user) -> dict:
    """The signed-in volunteer's balance and entries (NotFound for someone not registered)."""
    volunteer = volunteer_of(user)
    if volunteer is None:
        raise NotFound()
    account = volunteer_account(volunteer=volunteer)
    entries = Entry.objects.none() if account is None else points.entries(user=user, account=account)
    return {"volunteer": volunteer, "account": account, "balance": account.balance if account else 0,
            "earned": account.earned if account else 0, "spent": account.spent if account else 0,
            "entries": entries}
