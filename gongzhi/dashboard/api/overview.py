"""The dashboard API: the nodes a user may open, a node's dashboard for a month (headline, every
table, the map's children) and one table — the same numbers as the page and the .xlsx export."""

from django.http import HttpRequest
from ninja import Router, Schema

from gongzhi.core.errors import Id, NotFound, errors

from .. import selectors
from ..periods import parse_month

router = Router()


class DashNodeOut(Schema):
    id: int
    code: str
    name: str
    kind: str


class DashColumnOut(Schema):
    key: str
    label: str
    kind: str  # text, count, rate (a share 0–1), hours or number


class DashChartOut(Schema):
    type: str  # line, bar or pie
    x: str
    y: list[str]


class DashTableOut(Schema):
    key: str
    title: str
    note: str
    columns: list[DashColumnOut]
    rows: list[dict]
    chart: DashChartOut | None
    links: dict[str, int]  # row index → the node that row drills down to


class DashChildOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    outline: list
    figures: dict


class DashOverviewOut(Schema):
    node: DashNodeOut
    month: str
    headline: dict
    tables: list[DashTableOut]
    children: list[DashChildOut]


def _node(node) -> dict:
    return {"id": node.pk, "code": node.code, "name": node.name, "kind": node.kind}


def _plain(value):
    from ..tables import plain

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return plain(value)


@router.get("/nodes", response={200: list[DashNodeOut], **errors(401, 403)},
            summary="The areas whose dashboard the caller may open: their own top areas and the children of each")
def nodes(request: HttpRequest):
    result = []
    try:
        top = selectors.dashboard_node(user=request.auth)
    except NotFound:
        return []
    for node in [top, *selectors.children_of(user=request.auth, node=top)]:
        result.append(_node(node))
    return result


def _overview(request, node_id: int, month: str | None):
    node = selectors.dashboard_node(user=request.auth, pk=node_id)
    return selectors.overview(user=request.auth, node=node, month=parse_month(month))


@router.get("/nodes/{node_id}", response={200: DashOverviewOut, **errors(400, 401, 403, 404, 422)},
            summary="A district's, street's, community's or grid's dashboard for a month (default: this month): "
                    "三率 and composite, counts now, every figure as a table, the children for the map")
def node_overview(request: HttpRequest, node_id: Id, month: str | None = None):
    data = _overview(request, node_id, month)
    return {
        "node": _node(data.node), "month": data.month.key, "headline": _plain(data.headline),
        "tables": [t.as_data() for t in data.tables],
        "children": [{**c, "figures": _plain(c["figures"])} for c in data.children],
    }


@router.get("/nodes/{node_id}/tables/{key}", response={200: DashTableOut, **errors(400, 401, 403, 404, 422)},
            summary="One table of a node's dashboard (trend, levels, by_theme, by_matter, by_channel, by_kind, "
                    "times, now, ranking, overdue, newest, hot, triage, programmes)")
def node_table(request: HttpRequest, node_id: Id, key: str, month: str | None = None):
    return _overview(request, node_id, month).table(key).as_data()
