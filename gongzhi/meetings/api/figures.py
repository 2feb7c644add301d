"""figures endpoints of the meetings API: a node's figures for a year (scoped: a node outside the
caller's scope is 404, as absent)."""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from gongzhi.areas.selectors import area_node_get
from gongzhi.core.errors import errors

from .. import figures as figures_module

router = Router(tags=["meetings"])


@router.get(
    "/figures", response={200: dict, **errors(400, 401, 403, 404, 422)},
    summary="Meetings held vs due, missed periods, attendance, matters studied and decisions (made, done on time, "
            "overdue) per level, kind of body and body, for an area node and a year",
)
def figures(request: HttpRequest, node_id: int, year: int | None = None):
    start, end = figures_module.year_span(year if year is not None else timezone.localdate().year)
    node = area_node_get(user=request.auth, pk=node_id)
    result = figures_module.figures(user=request.auth, node=node, start=start, end=end)
    return figures_module.as_data(result)
