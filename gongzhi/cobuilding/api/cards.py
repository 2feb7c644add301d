"""Co-building API: the household contact cards of a grid or building (which to print) and the
figures per street and community. The PDF itself is the page `cobuilding:cards-pdf`."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from gongzhi.areas.selectors import area_node_get
from gongzhi.core.errors import Day, Id, InvalidInput, errors
from gongzhi.core.permissions import require

from ..selectors import cards as card_selectors
from ..selectors import figures as figure_selectors

router = Router()


class CobCardHouseholdOut(Schema):
    household_id: int
    address: str
    grid_worker: str | None
    grid_worker_phone: str | None  # masked
    member: str | None
    member_phone: str | None  # masked
    card: str  # none, outdated or current


class CobCardsOut(Schema):
    area_id: int
    area: str
    households: int
    to_print: int
    rows: list[CobCardHouseholdOut]


@router.get("/cards", response={200: CobCardsOut, **errors(400, 401, 403, 404, 422)},
            summary="The households of a grid or building and whether their contact card is up to date")
def cards(request: HttpRequest, area_id: Id):
    require(request.auth, "cobuilding.view_list")
    area = area_node_get(user=request.auth, pk=area_id)
    if area.kind not in card_selectors.BATCH_KINDS:
        message = _("Cards are printed for a grid, a building or households.")
        raise InvalidInput(message, fields={"area_id": [message]})
    overview = card_selectors.cards_overview(area=area)
    return {
        "area_id": area.pk, "area": area.name, "households": overview.households, "to_print": len(overview.outdated),
        "rows": [{
            "household_id": r.household.pk, "address": r.address,
            "grid_worker": r.grid_worker.name if r.grid_worker else None,
            "grid_worker_phone": r.grid_worker.phone_masked if r.grid_worker else None,
            "member": r.member.name if r.member else None,
            "member_phone": r.member.phone_masked if r.member else None,
            "card": r.status,
        } for r in overview.rows],
    }


@router.get("/figures", response={200: dict, **errors(400, 401, 403, 404, 422)},
            summary="Members reported and active, units reported, needs raised and met, resources used and "
                    "projects by state, per community with a total per street, for a period (default: this quarter)")
def figures(request: HttpRequest, node_id: Id | None = None, year: int | None = None, quarter: int | None = None,
            start: Day | None = None, end: Day | None = None):
    require(request.auth, "cobuilding.view_list")
    node = area_node_get(user=request.auth, pk=node_id) if node_id is not None else None
    period_start, period_end = figure_selectors.period_of(year=year, quarter=quarter, start=start, end=end)
    return figure_selectors.figures(user=request.auth, node=node, start=period_start, end=period_end).as_data()
