"""The assessment API: rules and pay formulas (kept as data by the district).

- GET  /api/assessment/kinds                          the kinds of event the platform scores
- GET  /api/assessment/rules?kind=&on=                 the rules (everyone signed in reads them)
- POST /api/assessment/rules                           a new rule from a date (district staff)
- POST /api/assessment/rules/{rule_id}/end {valid_until}
- GET  /api/assessment/formulas                        the pay formulas
- POST /api/assessment/formulas                        a new pay formula from a date (district staff)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from gongzhi.areas.selectors import area_node_get
from gongzhi.core.errors import Day, Id, errors
from gongzhi.core.permissions import require

from ..models import PayFormula, ScoreRule
from ..services import rules as services
from ..services.scoring import kinds

router = Router()
READ_ERRORS = errors(400, 401, 403, 404, 422)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
Points = Annotated[int, Field(ge=-1000, le=1000)]
Amount = Annotated[Decimal, Field(ge=-999_999, le=999_999, max_digits=8, decimal_places=2)]


class AssessmentKindOut(Schema):
    kind: str
    label: str


class AssessmentRuleOut(Schema):
    id: int
    kind: str
    label: str
    points: int
    area_id: int | None
    area: str
    valid_from: dt.date
    valid_until: dt.date | None
    note: str

    @staticmethod
    def resolve_area(obj) -> str:
        return obj.area.name if obj.area_id else ""


class AssessmentRuleIn(Schema):
    kind: Annotated[str, Field(min_length=1, max_length=50)]
    points: Points
    valid_from: Day
    valid_until: Day | None = None
    area_id: Id | None = None
    label: Annotated[str, Field(max_length=100)] = ""
    note: Annotated[str, Field(max_length=200)] = ""


class AssessmentRuleEndIn(Schema):
    valid_until: Day


class AssessmentFormulaOut(Schema):
    id: int
    area_id: int | None
    valid_from: dt.date
    valid_until: dt.date | None
    base: Decimal
    per_point: Decimal
    floor: Decimal
    cap: Decimal | None


class AssessmentFormulaIn(Schema):
    valid_from: Day
    base: Amount
    per_point: Amount
    floor: Amount = Decimal("0")
    cap: Amount | None = None
    area_id: Id | None = None


@router.get("/kinds", response={200: list[AssessmentKindOut], **READ_ERRORS},
            summary="The kinds of event the platform scores (each rule gives one of them its points)")
def assessment_kinds(request: HttpRequest):
    require(request.auth, "assessment.view_own")
    return [{"kind": k, "label": label} for k, label in sorted(kinds().items())]


@router.get("/rules", response={200: list[AssessmentRuleOut], **READ_ERRORS},
            summary="The scoring rules (optionally of one kind, or in force on a day)")
def assessment_rules(request: HttpRequest, kind: Annotated[str, Field(max_length=50)] = "", on: Day | None = None):
    require(request.auth, "assessment.view_own")
    rules = ScoreRule.objects.visible_to(request.auth).select_related("area")
    if kind:
        rules = rules.filter(kind=kind)
    if on is not None:
        rules = rules.valid_on(on)
    return list(rules.order_by("kind", "valid_from", "pk")[:1000])


@router.post("/rules", response={201: AssessmentRuleOut, **WRITE_ERRORS},
             summary="A new rule from a date (district staff): points for a kind of event in an area (none: "
                     "everywhere); the rule it replaces ends the day before")
def assessment_rule_create(request: HttpRequest, payload: AssessmentRuleIn):
    require(request.auth, "assessment.keep_rules")
    area = area_node_get(user=request.auth, pk=payload.area_id) if payload.area_id is not None else None
    rule = services.rule_create(actor=request.auth, kind=payload.kind, points=payload.points,
                                valid_from=payload.valid_from, valid_until=payload.valid_until, area=area,
                                label=payload.label, note=payload.note)
    return Status(201, rule)


@router.post("/rules/{rule_id}/end", response={200: AssessmentRuleOut, **WRITE_ERRORS},
             summary="End a rule on a date (district staff)")
def assessment_rule_end(request: HttpRequest, rule_id: Id, payload: AssessmentRuleEndIn):
    require(request.auth, "assessment.keep_rules")
    rule = ScoreRule.objects.select_related("area").visible_or_404(request.auth, pk=rule_id)
    return services.rule_end(actor=request.auth, rule=rule, valid_until=payload.valid_until)


@router.get("/formulas", response={200: list[AssessmentFormulaOut], **READ_ERRORS},
            summary="The pay formulas (base + amount per point, floor, cap)")
def assessment_formulas(request: HttpRequest):
    require(request.auth, "assessment.view_own")
    return list(PayFormula.objects.visible_to(request.auth).order_by("valid_from", "pk")[:500])


@router.post("/formulas", response={201: AssessmentFormulaOut, **WRITE_ERRORS},
             summary="A new pay formula from a date (district staff)")
def assessment_formula_create(request: HttpRequest, payload: AssessmentFormulaIn):
    require(request.auth, "assessment.keep_rules")
    area = area_node_get(user=request.auth, pk=payload.area_id) if payload.area_id is not None else None
    formula = services.formula_create(actor=request.auth, valid_from=payload.valid_from, base=payload.base,
                                      per_point=payload.per_point, floor=payload.floor, cap=payload.cap, area=area)
    return Status(201, formula)
