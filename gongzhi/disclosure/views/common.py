"""What the staff and committee pages share: scoping errors to 404/403, the node asked for, the
communities a user may write for, parsing form values."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.areas.selectors import area_node_get, area_roots_for
from gongzhi.core.errors import InvalidInput


def node_from(request, name: str = "node_id") -> AreaNode:
    """The node asked for (404 outside the user's scope), else the user's first root."""
    raw = (request.GET.get(name) or request.POST.get(name) or "").strip()
    if raw:
        if not raw.isdigit():
            raise Http404
        return area_node_get(user=request.user, pk=int(raw))
    roots = area_roots_for(user=request.user)
    if not roots:
        raise Http404
    return roots[0]


def communities_for(user) -> list[AreaNode]:
    return list(AreaNode.objects.visible_to(user).filter(kind=AreaKind.COMMUNITY).order_by("path")[:500])


def community_from(request, name: str = "community_id") -> AreaNode:
    """The community asked for, or the user's only / first community (404 outside scope)."""
    raw = (request.GET.get(name) or request.POST.get(name) or "").strip()
    qs = AreaNode.objects.visible_to(request.user).filter(kind=AreaKind.COMMUNITY)
    if raw:
        node = qs.filter(pk=int(raw)).first() if raw.isdigit() else None
    else:
        node = qs.order_by("path").first()
    if node is None:
        raise Http404
    return node


def date_or_none(raw: str, field: str) -> dt.date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    value = parse_date(raw)
    if value is None:
        message = InvalidInput.default_message
        raise InvalidInput(message, fields={field: [str(message)]})
    return value


def datetime_or_none(raw: str, field: str) -> dt.datetime | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None:
        message = InvalidInput.default_message
        raise InvalidInput(message, fields={field: [str(message)]})
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def fen_from_yuan(raw: str, field: str) -> int:
    """"1,200.50" → 120050 (decimal text, never a float)."""
    from decimal import Decimal, InvalidOperation

    text = (raw or "").replace(",", "").replace("，", "").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or value != value.quantize(Decimal("0.01")) or not value.is_finite():
        from django.utils.translation import gettext as _

        message = _("Enter an amount in yuan, e.g. 1200.50.")
        raise InvalidInput(message, fields={field: [message]})
    return int(value * 100)
