"""The service circle API: figures — GET /api/circle/figures?node_id=&level=&start=&end= — per
street, community or grid (with the total), per point, and the coverage per service, the same numbers
as the page and the .xlsx. A node outside the user's scope is 404; a bad period or level 400 beside
the field."""

from django.http import HttpRequest
from ninja import Router

from gongzhi.areas.selectors import area_node_get
from gongzhi.core.errors import Day, Id, errors
from gongzhi.core.permissions import require

from ..selectors import figures as selectors

router = Router()


@router.get("/figures", response={200: dict, **errors(400, 401, 403, 404, 422)},
            summary="Service circle figures per area (orders by step, time taken, ratings, bookings, appointments), "
                    "per point, and households within the walk per service, for a period (default: the last 30 days)")
def circle_figures(request: HttpRequest, node_id: Id | None = None, level: str = "", start: Day | None = None,
                   end: Day | None = None):
    require(request.auth, "circle.view_list")
    node = area_node_get(user=request.auth, pk=node_id) if node_id is not None else None
    period_start, period_end = selectors.period_of(start=start, end=end)
    return selectors.circle_figures(user=request.auth, node=node, start=period_start, end=period_end,
                                    level=selectors.level_of(level)).as_data()
