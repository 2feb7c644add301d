"""The duties API: sheets — GET /api/duties/sheets (those I see), POST /sheets (the district makes
one), GET /sheets/mine (the sheet of my role in force today), GET /sheets/{sheet_id}?on= (the
version in force on a day, with the versions), PUT /sheets/{sheet_id}/sections/{section} (a section
as a version from a date), PUT /sheets/{sheet_id}/mappings (outcome kind → accountability rule)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from gongzhi.core.errors import Day, Id, NotFound, errors

from ..selectors import sheets as selectors
from ..services import sheets as services

router = Router()
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(401, 403, 404, 422)


class DutiesItemOut(Schema):
    number: int
    text: str


class DutiesSectionOut(Schema):
    key: str
    label: str
    items: list[DutiesItemOut]


class DutiesVersionOut(Schema):
    id: int
    valid_from: dt.date
    note: str


class DutiesSheetOut(Schema):
    id: int
    role: str
    role_label: str
    area_id: int | None = None
    title: str

    @staticmethod
    def resolve_role_label(obj) -> str:
        if isinstance(obj, dict):
            return obj["role_label"]
        return str(obj.get_role_display())


class DutiesMappingOut(Schema):
    source_kind: str
    rule_number: int


class DutiesSheetDetailOut(DutiesSheetOut):
    version: DutiesVersionOut | None = None
    sections: list[DutiesSectionOut]
    versions: list[DutiesVersionOut]
    mappings: list[DutiesMappingOut]


class DutiesSheetIn(Schema):
    role: str = Field(max_length=20)
    title: str = Field(max_length=100)
    area_id: Id | None = None


class DutiesSectionIn(Schema):
    items: list[str] = Field(max_length=50)
    valid_from: Day | None = None
    note: str = Field("", max_length=200)


class DutiesMappingIn(Schema):
    source_kind: str = Field(max_length=60)
    rule_number: int | None = Field(None, ge=1, le=50)


def _detail(sheet, day: dt.date | None = None) -> dict:
    version = selectors.version_on(sheet, day)
    return {
        "id": sheet.pk, "role": sheet.role, "role_label": str(sheet.get_role_display()), "area_id": sheet.area_id,
        "title": sheet.title, "version": version,
        "sections": [{"key": b["key"], "label": str(b["label"]), "items": b["items"]}
                     for b in selectors.section_blocks(version)],
        "versions": selectors.versions(sheet), "mappings": selectors.mappings(sheet),
    }


@router.get("/sheets", response={200: list[DutiesSheetOut], **READ_ERRORS}, summary="Duty sheets I see")
def duties_sheets(request: HttpRequest):
    return list(selectors.sheets_list(user=request.auth)[:500])


@router.post("/sheets", response={201: DutiesSheetOut, **WRITE_ERRORS}, summary="Make a duty sheet for a role")
def duties_sheet_create(request: HttpRequest, payload: DutiesSheetIn):
    return Status(201, services.sheet_create(actor=request.auth, role=payload.role, title=payload.title,
                                             area=payload.area_id))


@router.get("/sheets/mine", response={200: DutiesSheetDetailOut, **READ_ERRORS},
            summary="The duty sheet of my role in force today (404: none)")
def duties_sheet_mine(request: HttpRequest):
    sheet = selectors.sheet_of_user(request.auth)
    if sheet is None:
        raise NotFound()
    return _detail(sheet)


@router.get("/sheets/{sheet_id}", response={200: DutiesSheetDetailOut, **READ_ERRORS},
            summary="A duty sheet: the version in force on a day (today by default), its versions and mappings")
def duties_sheet_get(request: HttpRequest, sheet_id: int, on: Day | None = None):
    return _detail(selectors.sheet_get(user=request.auth, pk=sheet_id), on)


@router.put("/sheets/{sheet_id}/sections/{section}", response={200: DutiesSheetDetailOut, **WRITE_ERRORS},
            summary="Save a section (key_tasks, red_lines, accountability) as the sheet's content from a date")
def duties_section_save(request: HttpRequest, sheet_id: int, section: str, payload: DutiesSectionIn):
    version = services.section_save(actor=request.auth, sheet=sheet_id, section=section, items=payload.items,
                                    valid_from=payload.valid_from, note=payload.note)
    return _detail(version.sheet, version.valid_from)


@router.put("/sheets/{sheet_id}/mappings", response={200: list[DutiesMappingOut], **WRITE_ERRORS},
            summary="Record outcomes of a kind against an accountability rule of the sheet (no number: stop)")
def duties_mapping_set(request: HttpRequest, sheet_id: int, payload: DutiesMappingIn):
    services.mapping_set(actor=request.auth, sheet=sheet_id, source_kind=payload.source_kind,
                         rule_number=payload.rule_number)
    return selectors.mappings(selectors.sheet_get(user=request.auth, pk=sheet_id))
