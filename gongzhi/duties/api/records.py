"""The duties API: accountability records — GET /api/duties/records?state=&mine= (those I see),
GET /records/{record_id} (with its notes), POST /records/{record_id}/{acknowledge|note|close},
POST /sync (run the sync now), GET /figures?node_id=&start=&end= (opened and closed)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from gongzhi.areas.selectors import area_node_get
from gongzhi.core.errors import Day, Id, InvalidInput, errors
from gongzhi.core.permissions import require

from ..selectors import records as selectors
from ..services import records as services

router = Router()
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(400, 401, 403, 404, 422)


class DutiesNoteOut(Schema):
    action: str
    text: str
    author_id: int | None = None
    created_at: dt.datetime


class DutiesRecordOut(Schema):
    id: int
    source: str
    source_kind: str
    source_url: str
    sheet_id: int
    rule_number: int
    rule_text: str
    person_id: int | None = None
    node_id: int | None = None
    department_id: int | None = None
    area_id: int
    summary: str
    occurred_at: dt.datetime
    state: str
    closed_at: dt.datetime | None = None

    @staticmethod
    def resolve_rule_number(obj) -> int:
        return obj.rule.number

    @staticmethod
    def resolve_rule_text(obj) -> str:
        return obj.rule.text


class DutiesRecordDetailOut(DutiesRecordOut):
    notes: list[DutiesNoteOut]

    @staticmethod
    def resolve_notes(obj) -> list:
        return selectors.record_notes(obj)


class DutiesReviewIn(Schema):
    note: str = Field("", max_length=1000)


class DutiesSyncOut(Schema):
    made: int
    skipped: int
    seen: int


class DutiesFigureOut(Schema):
    key: str
    label: str
    value: int | None = None


@router.get("/records", response={200: list[DutiesRecordOut], **READ_ERRORS},
            summary="Accountability records I see (reviewers: their area scope; everyone: their own)")
def duties_records(request: HttpRequest, state: str = "", mine: bool = False):
    return list(selectors.records_list(user=request.auth, state=state, mine=mine)[:500])


@router.get("/records/{record_id}", response={200: DutiesRecordDetailOut, **READ_ERRORS},
            summary="An accountability record with its review notes")
def duties_record_get(request: HttpRequest, record_id: int):
    return selectors.record_get(user=request.auth, pk=record_id)


@router.post("/records/{record_id}/acknowledge", response={200: DutiesRecordDetailOut, **WRITE_ERRORS},
             summary="Acknowledge a record (street or district staff)")
def duties_record_acknowledge(request: HttpRequest, record_id: int, payload: DutiesReviewIn):
    selectors.record_get(user=request.auth, pk=record_id)
    services.record_acknowledge(actor=request.auth, record=record_id, note=payload.note)
    return selectors.record_get(user=request.auth, pk=record_id)


@router.post("/records/{record_id}/note", response={200: DutiesRecordDetailOut, **WRITE_ERRORS},
             summary="Add a review note to a record")
def duties_record_note(request: HttpRequest, record_id: int, payload: DutiesReviewIn):
    selectors.record_get(user=request.auth, pk=record_id)
    services.record_note(actor=request.auth, record=record_id, note=payload.note)
    return selectors.record_get(user=request.auth, pk=record_id)


@router.post("/records/{record_id}/close", response={200: DutiesRecordDetailOut, **WRITE_ERRORS},
             summary="Close a record with what was decided")
def duties_record_close(request: HttpRequest, record_id: int, payload: DutiesReviewIn):
    selectors.record_get(user=request.auth, pk=record_id)
    services.record_close(actor=request.auth, record=record_id, note=payload.note)
    return selectors.record_get(user=request.auth, pk=record_id)


@router.post("/sync", response={200: DutiesSyncOut, **WRITE_ERRORS},
             summary="Make the accountability records of new outcomes now (idempotent)")
def duties_sync(request: HttpRequest):
    require(request.auth, "duties.sync")
    return services.accountability_sync(actor=request.auth)


@router.get("/figures", response={200: list[DutiesFigureOut], **READ_ERRORS},
            summary="Accountability records opened, closed and still open in a period (default: the last 90 days)")
def duties_figures(request: HttpRequest, node_id: Id | None = None, start: Day | None = None,
                   end: Day | None = None):
    require(request.auth, "duties.view_records")
    node = area_node_get(user=request.auth, pk=node_id) if node_id is not None else None
    end = end or timezone.localdate()
    start = start or end - dt.timedelta(days=90)
    if start > end:
        message = _("The period starts after it ends.")
        raise InvalidInput(message, fields={"start": [message]})
    return selectors.dashboard_figures(user=request.auth, node=node, start=start, end=end + dt.timedelta(days=1))
