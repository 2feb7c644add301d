"""Every read of the open books other code needs, already scoped.

Public reads (no login) take a community and return only what `Item.objects.published_for_public`
allows: published items and the versions they superseded, never planned slots or drafts.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import can

from .models import (
    Election,
    FinancialStatement,
    FundAccount,
    FundEntry,
    Item,
    ItemState,
    Question,
    Rectification,
    RectificationState,
    Schedule,
    yuan,
)
from .workflow import ITEM_WORKFLOW, RECTIFICATION_WORKFLOW

PUBLIC_ITEM_FIELDS = ("id", "community_id", "kind", "timing", "title", "body", "state", "published_at", "version",
                      "series_id", "supersedes_id", "correction_reason", "period_start", "period_end", "is_late")


def public_community(*, code: str | None = None, pk: int | None = None) -> AreaNode | None:
    """A community by its code or id, for the public pages (None when it names no community)."""
    qs = AreaNode.objects.filter(kind=AreaKind.COMMUNITY)
    if code is not None:
        return qs.filter(code=code).first()
    return qs.filter(pk=pk).first() if pk is not None else None


def public_items(*, community: AreaNode | int, kind: str | None = None, search: str = "",
                 current_only: bool = False) -> QuerySet:
    """A community's items as the public sees them, newest first; `current_only` leaves out
    superseded versions; `search` looks in titles and texts. Uses the index
    (community, state, kind, -published_at)."""
    manager = Item.objects
    qs = manager.current_for_public(community) if current_only else manager.published_for_public(community)
    if kind:
        qs = qs.filter(kind=kind)
    search = (search or "").strip()
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(body__icontains=search))
    return qs.order_by("-published_at", "-id")


def public_item(*, community: AreaNode | int, pk: int) -> Item | None:
    """One public item of a community (None for a draft, a planned slot or another community's)."""
    return Item.objects.published_for_public(community).filter(pk=pk).prefetch_related("attachments").first()


def item_versions(item: Item) -> list[Item]:
    """Every version of an item's series (published or superseded), oldest first."""
    root = item.series_id or item.pk
    return list(Item.objects.filter(Q(pk=root) | Q(series_id=root)).filter(
        state__in=(ItemState.PUBLISHED, ItemState.SUPERSEDED)).order_by("version"))


def public_questions(item: Item) -> QuerySet:
    """The questions asked on any version of an item, with their answers (asker shown masked by the
    page: never the asker's name)."""
    root = item.series_id or item.pk
    return Question.objects.filter(Q(item_id=root) | Q(item__series_id=root)).order_by("asked_at", "id")


# --- staff reads (scoped) ---------------------------------------------------------------------------




def item_get(*, user, pk: int) -> Item:
    return Item.objects.visible_or_404(user, pk=pk)


def items_visible(*, user, node_id: int | None = None, state: str = "", kind: str = "", timing: str = "",
                  search: str = "") -> QuerySet:
    """Items the user sees (staff: every state in scope), filtered; newest due first."""
    qs = Item.objects.visible_to(user).select_related("community", "owner")
    if node_id:
        node = AreaNode.objects.visible_to(user).filter(pk=node_id).first()
        if node is None:
            raise NotFound()
        qs = qs.filter(community__path__startswith=node.path)
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if timing:
        qs = qs.filter(timing=timing)
    search = (search or "").strip()
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(body__icontains=search))
    return qs.order_by("-due_at", "-id")


def item_actions(*, user, item: Item) -> list[str]:
    """What the user may do with the item now (pages and API offer the same)."""
    actions = [t.action for t in ITEM_WORKFLOW.offered(user, item)]
    if can(user, "disclosure.supervise", item) and item.state != ItemState.SUPERSEDED:
        actions.append("review")
    if item.state == ItemState.PUBLISHED and can(user, "disclosure.ask", item):
        actions.append("ask")
    return actions


def item_questions(*, user, item: Item) -> QuerySet:
    root = item.series_id or item.pk
    return Question.objects.visible_to(user).filter(Q(item_id=root) | Q(item__series_id=root)).select_related(
        "answered_by").order_by("asked_at", "id")


def question_get(*, user, pk: int) -> Question:
    return Question.objects.visible_or_404(user, pk=pk)


def schedules_visible(*, user) -> QuerySet:
    return Schedule.objects.visible_to(user).select_related("community", "owner")


def rectification_get(*, user, pk: int) -> Rectification:
    return Rectification.objects.visible_or_404(user, pk=pk)


def rectifications_visible(*, user, node_id: int | None = None, open_only: bool = False) -> QuerySet:
    """Rectifications of the user's scope (and those the user owns), earliest deadline first; each
    with `is_late` (open past its deadline)."""
    qs = Rectification.objects.visible_to(user)
    if getattr(user, "is_authenticated", False):
        qs = qs | Rectification.objects.filter(owner=user)
    if node_id:
        node = AreaNode.objects.visible_to(user).filter(pk=node_id).first()
        if node is None:
            raise NotFound()
        qs = qs.filter(community__path__startswith=node.path)
    if open_only:
        qs = qs.exclude(state=RectificationState.CLOSED)
    return qs.select_related("community", "owner", "item").distinct().order_by("deadline", "id")


def rectification_actions(*, user, rectification: Rectification) -> list[str]:
    return [t.action for t in RECTIFICATION_WORKFLOW.offered(user, rectification)]


def is_late(rectification: Rectification) -> bool:
    return rectification.state != RectificationState.CLOSED and rectification.deadline < timezone.localdate()


def committee_for(*, user, community: AreaNode):
    """The community's committee body (None without one), its sitting members, its elections."""
    from gongzhi.meetings.models import Body, BodyKind

    body = Body.objects.visible_to(user).filter(area=community, kind=BodyKind.SUPERVISION_COMMITTEE,
                                                is_active=True).first()
    if body is None:
        return None, [], []
    members = list(body.members.filter(left_on__isnull=True).order_by("capacity", "name"))
    elections = list(Election.objects.filter(body=body).prefetch_related("results").order_by("-held_on"))
    return body, members, elections


def statement_get(*, user, pk: int) -> FinancialStatement:
    return FinancialStatement.objects.visible_or_404(user, pk=pk)


def statements_visible(*, user, node_id: int | None = None) -> QuerySet:
    qs = FinancialStatement.objects.visible_to(user).select_related("community")
    if node_id:
        node = AreaNode.objects.visible_to(user).filter(pk=node_id).first()
        if node is None:
            raise NotFound()
        qs = qs.filter(community__path__startswith=node.path)
    return qs.order_by("-period_end", "-id")


def fund_for(*, user, community: AreaNode, year: int | None = None):
    """The community's fund (None before its first entry) and its entries (of `year` when given)."""
    account = FundAccount.objects.visible_to(user).filter(community=community).first()
    if account is None:
        return None, []
    entries = FundEntry.objects.filter(account=account).select_related("case").prefetch_related("receipts")
    if year:
        entries = entries.filter(occurred_on__year=year)
    return account, list(entries.order_by("-occurred_on", "-id"))


def fund_entry_get(*, user, pk: int) -> FundEntry:
    return FundEntry.objects.visible_or_404(user, pk=pk)


def community_get(*, user, pk: int) -> AreaNode:
    node = AreaNode.objects.visible_to(user).filter(pk=pk, kind=AreaKind.COMMUNITY).first()
    if node is None:
        raise NotFound()
    return node


def case_panel(*, user, case) -> dict | None:
    """What the case page shows of the service fund (extension point "cases.case.panels"): the
    spendings "paid from the service fund" for this case that the user may see. None when none."""
    entries = list(FundEntry.objects.visible_to(user).filter(case=case).select_related("account__community")
                   .order_by("occurred_on", "id")[:20])
    if not entries:
        return None
    from django.utils.translation import gettext

    may_open = can(user, "disclosure.view_money")
    for e in entries:
        e.amount_yuan, e.may_open = yuan(e.amount), may_open

    return {
        "title": gettext("Paid from the service fund"),
        "template": "disclosure/case_panel.html",
        "context": {"case": case, "entries": entries},
    }
