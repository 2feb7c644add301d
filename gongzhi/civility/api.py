"""The civility API (/api/civility/…): the standards that apply to a household, the households of a
building with their points, checks at a household (each result writes its points to the ledger; a
standard checked twice a day is refused beside it), a check, a household's consent to be named, the
yearly bonus (compute, approve), the yearly stars (propose, review) and the figures. Photos are
uploaded on the page."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from gongzhi.core.errors import Day, Id, check_period, errors

from .selectors import figures as figure_selectors
from .selectors import points as selectors
from .selectors.standards import standards_for
from .services import bonus as bonus_services
from .services import checks as check_services
from .services import consent as consent_services
from .services import rules as rule_services
from .services import stars as star_services

router = Router(tags=["civility"])
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(400, 401, 403, 404, 422)
Year = Annotated[int, Field(ge=2000, le=2100)]  # and by the services: not after this year


class CivilityStandardOut(Schema):
    id: int
    code: str
    name: str
    description: str
    points_met: int
    points_broken: int
    area_id: int | None = None
    valid_from: dt.date
    valid_until: dt.date | None = None


class CivilityStandardIn(Schema):
    code: str
    name: str
    points_met: int
    points_broken: int
    valid_from: Day | None = None
    area_id: Id | None = None
    description: str = ""
    order: int = 0


class CivilityResultIn(Schema):
    standard_id: Id
    met: bool


class CivilityCheckIn(Schema):
    results: list[CivilityResultIn]
    note: str = ""


class CivilityCheckOut(Schema):
    id: int
    household_id: int
    standard_id: int
    code: str
    checked_on: dt.date
    met: bool
    note: str
    points: int
    applied: int
    entry_id: int | None = None
    checker_id: int | None = None


class CivilityHouseholdOut(Schema):
    id: int
    name: str
    points: int
    rank: int
    checks: int
    stars: int | None = None


class CivilityConsentIn(Schema):
    display_name: str


class CivilityConsentOut(Schema):
    id: int
    household_id: int
    display_name: str
    recorded_at: dt.datetime
    recorded_by_id: int | None = None
    revoked_at: dt.datetime | None = None


class CivilityYearIn(Schema):
    community_id: Id
    year: Year


class CivilityBonusOut(Schema):
    id: int
    community_id: int
    year: int
    state: str
    formula_id: int
    households: int
    total: Decimal
    computed_at: dt.datetime
    approved_at: dt.datetime | None = None


class CivilityBonusLineOut(Schema):
    household_id: int
    points: int
    amount: Decimal


class CivilityBonusDetailOut(CivilityBonusOut):
    lines: list[CivilityBonusLineOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class CivilityProposedOut(Schema):
    proposals: int


class CivilityStarReviewIn(Schema):
    final: int
    reason: str = ""


class CivilityStarOut(Schema):
    id: int
    household_id: int
    year: int
    points: int
    proposed: int
    final: int | None = None
    reason: str
    state: str


class CivilityFigureOut(Schema):
    key: str
    label: str
    value: float | int | None = None


@router.get("/households/{household_id}/standards", response={200: list[CivilityStandardOut], **READ_ERRORS},
            summary="The standards that apply to a household today")
def civility_household_standards(request: HttpRequest, household_id: int):
    node = selectors.household_get(user=request.auth, pk=household_id)
    return standards_for(node=node, on=timezone.localdate())


@router.post("/standards", response={201: CivilityStandardOut, **WRITE_ERRORS},
             summary="Add a standard (or a new version of a code) from a date")
def civility_standard_create(request: HttpRequest, payload: CivilityStandardIn):
    return Status(201, rule_services.standard_create(
        actor=request.auth, code=payload.code, name=payload.name, points_met=payload.points_met,
        points_broken=payload.points_broken, valid_from=payload.valid_from, area=payload.area_id,
        description=payload.description, order=payload.order))


@router.get("/buildings/{building_id}/households", response={200: list[CivilityHouseholdOut], **READ_ERRORS},
            summary="The households of a building with their points of the year and standing")
def civility_building_households(request: HttpRequest, building_id: int, year: Year | None = None):
    building = selectors.building_get(user=request.auth, pk=building_id)
    year = bonus_services.year_value(year or timezone.localdate().year)
    return [{"id": s.household.pk, "name": s.household.name, "points": s.points, "rank": s.rank, "checks": s.checks,
             "stars": s.stars} for s in selectors.building_standings(building=building, year=year)]


@router.post("/households/{household_id}/checks", response={201: list[CivilityCheckOut], **WRITE_ERRORS},
             summary="Check a household: each standard met or not (points to the ledger; once a day)")
def civility_check_record(request: HttpRequest, household_id: int, payload: CivilityCheckIn):
    results = {r.standard_id: r.met for r in payload.results}
    return Status(201, check_services.checks_record(actor=request.auth, household=household_id, results=results,
                                                    note=payload.note))


@router.get("/households/{household_id}/checks", response={200: list[CivilityCheckOut], **READ_ERRORS},
            summary="A household's checks, newest first")
def civility_household_checks(request: HttpRequest, household_id: int):
    node = selectors.household_get(user=request.auth, pk=household_id)
    return selectors.checks_of(user=request.auth, household=node)


@router.get("/checks/{check_id}", response={200: CivilityCheckOut, **READ_ERRORS}, summary="A check")
def civility_check_get(request: HttpRequest, check_id: int):
    return selectors.check_get(user=request.auth, pk=check_id)


@router.post("/households/{household_id}/consent", response={201: CivilityConsentOut, **WRITE_ERRORS},
             summary="Record the household's consent to be named on the public page")
def civility_consent_record(request: HttpRequest, household_id: int, payload: CivilityConsentIn):
    return Status(201, consent_services.consent_record(actor=request.auth, household=household_id,
                                                       display_name=payload.display_name))


@router.post("/households/{household_id}/consent/revoke", response={200: CivilityConsentOut, **WRITE_ERRORS},
             summary="Revoke the household's consent: the public page shows 某户 again")
def civility_consent_revoke(request: HttpRequest, household_id: int):
    return consent_services.consent_revoke(actor=request.auth, household=household_id)


@router.post("/bonus", response={201: CivilityBonusOut, **WRITE_ERRORS},
             summary="Compute a community's bonus of a year (again while a draft; an approved one is frozen)")
def civility_bonus_compute(request: HttpRequest, payload: CivilityYearIn):
    return Status(201, bonus_services.bonus_compute(actor=request.auth, community=payload.community_id,
                                                    year=payload.year))


@router.get("/bonus/{run_id}", response={200: CivilityBonusDetailOut, **READ_ERRORS},
            summary="A community's bonus of a year with its lines")
def civility_bonus_get(request: HttpRequest, run_id: int):
    return selectors.bonus_get(user=request.auth, pk=run_id)


@router.post("/bonus/{run_id}/approve", response={200: CivilityBonusOut, **WRITE_ERRORS},
             summary="Approve the bonus: frozen from now on")
def civility_bonus_approve(request: HttpRequest, run_id: int):
    return bonus_services.bonus_approve(actor=request.auth, run=run_id)


@router.post("/stars", response={200: CivilityProposedOut, **WRITE_ERRORS},
             summary="Propose the stars of a community's households for a year from their points")
def civility_stars_propose(request: HttpRequest, payload: CivilityYearIn):
    return {"proposals": star_services.stars_propose(actor=request.auth, community=payload.community_id,
                                                     year=payload.year)}


@router.post("/stars/{star_id}/review", response={200: CivilityStarOut, **WRITE_ERRORS},
             summary="The committee's final stars (a reason where they differ from the proposal)")
def civility_stars_review(request: HttpRequest, star_id: int, payload: CivilityStarReviewIn):
    return star_services.stars_review(actor=request.auth, star=star_id, final=payload.final, reason=payload.reason)


@router.get("/figures", response={200: list[CivilityFigureOut], **READ_ERRORS},
            summary="Households checked, share of standards met, points issued, bonus approved")
def civility_figures(request: HttpRequest, node_id: Id | None = None, start: Day | None = None, end: Day | None = None):
    node = selectors.node_visible(user=request.auth, pk=node_id) if node_id else None
    end = end or timezone.localdate() + dt.timedelta(days=1)
    start = start or end - dt.timedelta(days=365)
    check_period(start, end)
    return figure_selectors.dashboard_figures(user=request.auth, node=node, start=start, end=end)
