"""The assessment API (/api/targets/…): indicators and the figure catalogue, periods with their
bottom lines and the units' plans, scores (preview or frozen) with the drill-down per unit, and the
yearly star rating. Out of the user's scope is 404; bad input 400 beside the field."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from gongzhi.core.errors import Id, errors
from gongzhi.core.permissions import require

from ..selectors import periods as selectors
from ..selectors.figures_catalogue import catalogue
from ..selectors.scores import period_scores, unit_score
from ..services import periods as period_services
from ..services import plans as plan_services
from ..services import stars as star_services

router = Router(tags=["targets"])
READ = errors(400, 401, 403, 404, 422)
WRITE = errors(400, 401, 403, 404, 409, 422)


class TargetsIndicatorOut(Schema):
    id: int
    code: str
    name: str
    provider: str
    figure: str
    direction: str
    unit: str
    bottom_line: bool
    active: bool


class TargetsFigureOut(Schema):
    provider: str
    provider_label: str
    key: str
    label: str


class TargetsPeriodIn(Schema):
    district_id: Id
    kind: str = Field(max_length=10)
    year: int = Field(ge=2000, le=2100)
    quarter: int | None = Field(None, ge=1, le=4)


class TargetsBottomLineIn(Schema):
    indicator_id: Id
    target: Decimal = Field(ge=0, le=1_000_000_000)


class TargetsPlanLineIn(Schema):
    indicator: Id
    weight: Decimal = Field(ge=0, le=100)
    target: Decimal = Field(ge=0, le=1_000_000_000)


class TargetsPlanIn(Schema):
    lines: list[TargetsPlanLineIn] = Field(max_length=100)
    note: str = Field("", max_length=2000)


class TargetsCopyIn(Schema):
    template_id: Id | None = None


class TargetsProposeIn(Schema):
    district_id: Id
    year: int = Field(ge=2000, le=2100)


class TargetsReviewIn(Schema):
    final: int = Field(ge=0, le=5)
    reason: str = Field("", max_length=2000)


def _period(p) -> dict:
    return {"id": p.pk, "district_id": p.district_id, "district": p.district.name, "kind": p.kind, "year": p.year,
            "quarter": p.quarter, "label": str(p.label), "start": p.start.isoformat(), "end": p.end.isoformat(),
            "state": p.state, "locked": p.locked,
            "bottom_lines": [{"indicator_id": b.indicator_id, "code": b.indicator.code, "name": b.indicator.name,
                              "target": b.target} for b in selectors.bottom_lines(period=p)]}


def _plan(plan, unit) -> dict:
    return {"unit_id": unit.pk, "unit": unit.name, "kind": unit.kind,
            "note": plan.note if plan else "",
            "lines": [{"indicator_id": line.indicator_id, "code": line.indicator.code, "name": line.indicator.name,
                       "weight": line.weight, "target": line.target} for line in plan.lines.all()] if plan else []}


def _rating(r) -> dict:
    return {"id": r.pk, "community_id": r.community_id, "community": r.community.name, "score": r.score,
            "proposed": r.proposed, "final": r.final, "reason": r.reason,
            "reviewed_at": r.reviewed_at.isoformat() if r.reviewed_at else None}


def _round(user, star_round) -> dict:
    return {"id": star_round.pk, "district_id": star_round.district_id, "year": star_round.year,
            "state": star_round.state,
            "ratings": [_rating(r) for r in selectors.ratings(user=user, star_round=star_round)]}


@router.get("/indicators", response={200: list[TargetsIndicatorOut], **READ}, summary="The indicators")
def targets_indicators(request: HttpRequest):
    return list(selectors.indicators(user=request.auth))


@router.get("/catalogue", response={200: list[TargetsFigureOut], **READ},
            summary="Every figure the components declare (what an indicator may name)")
def targets_catalogue(request: HttpRequest):
    require(request.auth, "targets.view")
    return catalogue(user=request.auth)


@router.get("/periods", response={200: list[dict], **READ}, summary="The assessment periods of my districts")
def targets_periods(request: HttpRequest):
    return [_period(p) for p in selectors.periods(user=request.auth)[:200]]


@router.post("/periods", response={201: dict, **WRITE}, summary="A new year or quarter of a district (draft)")
def targets_period_create(request: HttpRequest, payload: TargetsPeriodIn):
    from gongzhi.areas.selectors import area_node_get

    district = area_node_get(user=request.auth, pk=payload.district_id)
    made = period_services.create_period(actor=request.auth, district=district, kind=payload.kind,
                                         year=payload.year, quarter=payload.quarter)
    return Status(201, _period(made))


@router.get("/periods/{period_id}", response={200: dict, **READ}, summary="A period with its bottom lines")
def targets_period(request: HttpRequest, period_id: int):
    return _period(selectors.period_get(user=request.auth, pk=period_id))


@router.post("/periods/{period_id}/bottom-lines", response={200: dict, **WRITE},
             summary="Set the common target of a bottom-line indicator (refused once the period started)")
def targets_bottom_line(request: HttpRequest, period_id: int, payload: TargetsBottomLineIn):
    period = selectors.period_get(user=request.auth, pk=period_id)
    indicator = selectors.indicator_get(user=request.auth, pk=payload.indicator_id)
    period_services.set_bottom_line(actor=request.auth, period=period, indicator=indicator, target=payload.target)
    return _period(selectors.period_get(user=request.auth, pk=period_id))


@router.post("/periods/{period_id}/open", response={200: dict, **WRITE},
             summary="Start the period: its plans are locked")
def targets_period_open(request: HttpRequest, period_id: int):
    period = selectors.period_get(user=request.auth, pk=period_id)
    return _period(period_services.open_period(actor=request.auth, period=period))


@router.post("/periods/{period_id}/close", response={200: dict, **WRITE},
             summary="Close the period: the scores are computed once and frozen")
def targets_period_close(request: HttpRequest, period_id: int):
    period = selectors.period_get(user=request.auth, pk=period_id)
    return _period(period_services.close_period(actor=request.auth, period=period))


@router.get("/periods/{period_id}/plans/{unit_id}", response={200: dict, **READ}, summary="A unit's plan")
def targets_plan(request: HttpRequest, period_id: int, unit_id: int):
    period = selectors.period_get(user=request.auth, pk=period_id)
    unit = selectors.unit_get(user=request.auth, period=period, pk=unit_id)
    return _plan(selectors.plan_of(user=request.auth, period=period, unit=unit), unit)


@router.put("/periods/{period_id}/plans/{unit_id}", response={200: dict, **WRITE},
            summary="Set a unit's weights (sum 100) and targets (refused once the period started)")
def targets_plan_set(request: HttpRequest, period_id: int, unit_id: int, payload: TargetsPlanIn):
    period = selectors.period_get(user=request.auth, pk=period_id)
    unit = selectors.unit_get(user=request.auth, period=period, pk=unit_id)
    plan_services.set_plan(actor=request.auth, period=period, unit=unit,
                           lines=[line.dict() for line in payload.lines], note=payload.note)
    return _plan(selectors.plan_of(user=request.auth, period=period, unit=unit), unit)


@router.post("/periods/{period_id}/plans/{unit_id}/copy", response={200: dict, **WRITE},
             summary="Copy a unit's plan from its last period, or from a template")
def targets_plan_copy(request: HttpRequest, period_id: int, unit_id: int, payload: TargetsCopyIn):
    period = selectors.period_get(user=request.auth, pk=period_id)
    unit = selectors.unit_get(user=request.auth, period=period, pk=unit_id)
    template = (selectors.template_get(user=request.auth, pk=payload.template_id)
                if payload.template_id is not None else None)
    plan_services.copy_plan(actor=request.auth, period=period, unit=unit, template=template)
    return _plan(selectors.plan_of(user=request.auth, period=period, unit=unit), unit)


@router.get("/periods/{period_id}/scores", response={200: dict, **READ},
            summary="The scores and ranks (a preview while open, frozen once closed)")
def targets_scores(request: HttpRequest, period_id: int):
    period = selectors.period_get(user=request.auth, pk=period_id)
    scores = period_scores(user=request.auth, period=period)
    return {"period": _period(period), "frozen": period.state == "closed",
            "units": [{k: v for k, v in s.as_data().items() if k != "lines"} for s in scores]}


@router.get("/periods/{period_id}/scores/{unit_id}", response={200: dict, **READ},
            summary="A unit's score line by line: actual figure, target, weight, points, link to the records")
def targets_unit_score(request: HttpRequest, period_id: int, unit_id: int):
    period = selectors.period_get(user=request.auth, pk=period_id)
    return unit_score(user=request.auth, period=period, unit_id=unit_id).as_data()


@router.get("/stars", response={200: list[dict], **READ}, summary="The star rating rounds of my districts")
def targets_rounds(request: HttpRequest):
    return [_round(request.auth, r) for r in selectors.rounds(user=request.auth)[:50]]


@router.post("/stars", response={201: dict, **WRITE},
             summary="Propose (or refresh) a district's stars of the year from the year's scores")
def targets_propose(request: HttpRequest, payload: TargetsProposeIn):
    from gongzhi.areas.selectors import area_node_get

    district = area_node_get(user=request.auth, pk=payload.district_id)
    made = star_services.propose(actor=request.auth, district=district, year=payload.year)
    return Status(201, _round(request.auth, made))


@router.get("/stars/{round_id}", response={200: dict, **READ}, summary="A star rating round")
def targets_round(request: HttpRequest, round_id: int):
    return _round(request.auth, selectors.round_get(user=request.auth, pk=round_id))


@router.post("/stars/{round_id}/publish", response={200: dict, **WRITE}, summary="Publish the star rating")
def targets_round_publish(request: HttpRequest, round_id: int):
    star_round = selectors.round_get(user=request.auth, pk=round_id)
    return _round(request.auth, star_services.publish(actor=request.auth, star_round=star_round))


@router.post("/ratings/{rating_id}/review", response={200: dict, **WRITE},
             summary="The committee's final stars of a community (a reason where they differ)")
def targets_review(request: HttpRequest, rating_id: int, payload: TargetsReviewIn):
    rating = selectors.rating_get(user=request.auth, pk=rating_id)
    return _rating(star_services.review(actor=request.auth, rating=rating, final=payload.final,
                                        reason=payload.reason))
