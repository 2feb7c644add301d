"""The due board and the figures in the API (scoped: a node outside the caller's scope is 404)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router

from gongzhi.areas.selectors import area_node_get
from gongzhi.core.errors import InvalidInput, check_period, errors
from gongzhi.core.permissions import require

from .. import board as board_module
from .schemas import ItemOut

router = Router(tags=["disclosure"])


def board_data(b: board_module.Board) -> dict:
    return {
        "node": {"id": b.node.pk, "name": b.node.name},
        "start": b.start.isoformat(), "end": b.end.isoformat(), "now": b.now.isoformat(),
        "due_soon_until": b.soon_until.isoformat(),
        "total": b.total.as_dict(),
        "streets": [{**s.as_dict(), "communities": [c.as_dict() for c in s.communities]} for s in b.streets],
    }


@router.get("/board", response={200: dict, **errors(400, 401, 403, 404, 422)},
            summary="The due board of an area node: due soon, missing, published late and on time, per street and "
                    "community, for a period (default: this year)")
def due_board(request: HttpRequest, node_id: int, start: dt.date | None = None, end: dt.date | None = None):
    node = area_node_get(user=request.auth, pk=node_id)
    require(request.auth, "disclosure.view", node)
    if start and end:
        check_period(start, end)
    return board_data(board_module.board(user=request.auth, node=node, start=start, end=end))


@router.get("/board/items", response={200: list[ItemOut], **errors(400, 401, 403, 404, 422)},
            summary="The items behind a board figure: which = soon | missing | late")
def due_board_items(request: HttpRequest, node_id: int, which: str = "missing"):
    node = area_node_get(user=request.auth, pk=node_id)
    require(request.auth, "disclosure.view", node)
    if which not in ("soon", "missing", "late"):
        raise InvalidInput(fields={"which": ["soon | missing | late"]})
    return list(board_module.due_items(user=request.auth, node=node, which=which))


@router.get("/figures", response={200: dict, **errors(400, 401, 403, 404, 422)},
            summary="On-time rate, late and missing by community and street for a period")
def figures(request: HttpRequest, node_id: int, start: dt.date | None = None, end: dt.date | None = None):
    node = area_node_get(user=request.auth, pk=node_id)
    require(request.auth, "disclosure.view_figures", node)
    if start and end:
        check_period(start, end)
    return board_data(board_module.board(user=request.auth, node=node, start=start, end=end))
