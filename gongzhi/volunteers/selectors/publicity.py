"""The monthly points publicity (积分公示, for 民情日): per volunteer of an area, the month's points
earned, deducted and spent and the balance, computed from the ledger's entries
(`gongzhi.points.selectors.month_totals`), so it matches the ledger exactly; the published
snapshot; the public page's view of it (names only of volunteers who allowed it)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core.errors import InvalidInput
from gongzhi.core.permissions import require
from gongzhi.points import selectors as points
from gongzhi.points.models import Account, Programme

from ..models import Publicity, Volunteer

FIGURES = ("opening", "earned", "deducted", "spent", "closing")


def month_from(text: str | None, *, default_last: bool = True) -> dt.date:
    """"2026-03" → 2026-03-01; empty → the last month (or this one). A month after this one, or
    not a month, is refused beside the field."""
    today = timezone.localdate()
    text = (text or "").strip()
    if not text:
        first = today.replace(day=1)
        return (first - dt.timedelta(days=1)).replace(day=1) if default_last else first
    try:
        month = dt.datetime.strptime(text[:7], "%Y-%m").date()
    except ValueError:
        raise InvalidInput(_msg_month(), fields={"month": [_msg_month()]}) from None
    if month > today.replace(day=1) or month.year < 2000:
        raise InvalidInput(_msg_month(), fields={"month": [_msg_month()]})
    return month


def _msg_month() -> str:
    from django.utils.translation import gettext as _

    return _("A month up to this one, as 2026-03.")


def recent_months(count: int = 12) -> list[dt.date]:
    month = timezone.localdate().replace(day=1)
    found = []
    for _i in range(count):
        found.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return found


def mask_name(name: str) -> str:
    """王秀兰 → 王*兰, 王兰 → 王*, 兰 → *."""
    name = (name or "").strip()
    if len(name) >= 3:
        return name[0] + "*" * (len(name) - 2) + name[-1]
    if len(name) == 2:
        return name[0] + "*"
    return "*"


def lines_for(*, area: AreaNode, month: dt.date) -> list[dict]:
    """The month's lines of the area (no permission check: callers check)."""
    totals = points.month_totals(programme=Programme.VOLUNTEERS, area=area, month=month)
    if not totals:
        return []
    volunteer_type = ContentType.objects.get_for_model(Volunteer)
    holders = dict(Account.objects.filter(pk__in=[t.account_id for t in totals], holder_type=volunteer_type)
                   .values_list("pk", "holder_id"))
    numbers = dict(Volunteer.objects.filter(pk__in=holders.values()).values_list("pk", "number"))
    areas = dict(AreaNode.objects.filter(pk__in={t.area_id for t in totals}).values_list("pk", "name"))
    lines = []
    for t in totals:
        volunteer_id = holders.get(t.account_id)
        lines.append({
            "account_id": t.account_id, "volunteer_id": volunteer_id, "number": numbers.get(volunteer_id, ""),
            "name": t.name, "area": areas.get(t.area_id, ""), "opening": t.opening, "earned": t.earned,
            "deducted": t.deducted, "spent": t.spent, "closing": t.closing, "entries": t.entries,
        })
    return lines


def digest_of(lines: list[dict]) -> str:
    """SHA-256 of the lines (canonical JSON): the same figures give the same digest."""
    text = json.dumps(lines, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def totals_of(lines: list[dict]) -> dict:
    return {key: sum(line[key] for line in lines) for key in (*FIGURES, "entries")}


@dataclass
class MonthPublicity:
    area: AreaNode
    month: dt.date
    lines: list[dict]
    totals: dict
    digest: str
    published: Publicity | None

    @property
    def is_current(self) -> bool:
        """The published snapshot still matches the ledger."""
        return self.published is not None and self.published.digest == self.digest


def publicity_for(*, user, area: AreaNode, month: dt.date) -> MonthPublicity:
    """The staff view: live lines from the ledger and the published snapshot, if any."""
    require(user, "points.view_ledger", area)
    lines = lines_for(area=area, month=month)
    published = Publicity.objects.filter(area=area, month=month).select_related("published_by").first()
    return MonthPublicity(area=area, month=month, lines=lines, totals=totals_of(lines), digest=digest_of(lines),
                          published=published)


def published_list(*, user, area: AreaNode) -> list[Publicity]:
    return list(Publicity.objects.visible_to(user).filter(area__path__startswith=area.path)
                .select_related("area").order_by("-month", "area__path")[:60])


def public_community(code: str) -> AreaNode | None:
    return AreaNode.objects.filter(kind=AreaKind.COMMUNITY, code=code).first()


def public_publicity(*, community_code: str, month_text: str) -> tuple[AreaNode, Publicity, list[dict]] | None:
    """The published publicity of a community's month as the public sees it (None: not published).
    A volunteer's name shows only when they allow it now; others are masked."""
    community = public_community(community_code)
    if community is None:
        return None
    try:
        month = dt.datetime.strptime(month_text, "%Y-%m").date()
    except ValueError:
        return None
    publicity = Publicity.objects.filter(area=community, month=month).first()
    if publicity is None:
        return None
    allowed = set(Volunteer.objects.filter(pk__in=[line.get("volunteer_id") for line in publicity.lines],
                                           publish_name=True).values_list("pk", flat=True))
    lines = []
    for line in publicity.lines:
        shown = line.get("volunteer_id") in allowed
        lines.append({"name": line["name"] if shown else mask_name(line["name"]),
                      **{key: line[key] for key in FIGURES}})
    return community, publicity, lines


def public_months(*, community: AreaNode) -> list[dt.date]:
    return list(Publicity.objects.filter(area=community).order_by("-month").values_list("month", flat=True)[:24])
