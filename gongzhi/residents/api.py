"""Scoped, masked endpoints for residents, households and door visits. Full ID numbers and phones
leave only through the reveal endpoint (permission + audit event) and revealed exports."""

import datetime

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from gongzhi.areas.models import AreaNode
from gongzhi.core.errors import Days, ErrorOut, Id, InvalidInput, errors
from gongzhi.core.pagination import Pagination
from gongzhi.core.permissions import require

from . import selectors, services
from .models import Person

router = Router(tags=["residents"])


class TagOut(Schema):
    id: int
    kind: str
    label: str
    start_on: datetime.date
    end_on: datetime.date | None = None
    note: str

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj.get_kind_display())


class PersonOut(Schema):
    """A person as the API shows them: ID number and phone masked."""

    id: int
    household_id: int
    name: str
    gender: str
    birth_date: datetime.date | None = None
    id_number: str
    phone: str
    residence_type: str
    relation: str
    occupation: str
    employer: str
    is_party_member: bool
    party_member_id: int | None = None
    status: str
    moved_in_on: datetime.date | None = None
    moved_out_on: datetime.date | None = None
    died_on: datetime.date | None = None

    @staticmethod
    def resolve_id_number(obj) -> str:
        return obj.id_number_masked

    @staticmethod
    def resolve_phone(obj) -> str:
        return obj.phone_masked


class MoveOut(Schema):
    id: int
    kind: str
    date: datetime.date
    from_household_id: int | None = None
    to_household_id: int | None = None
    place: str
    note: str


def _request_user(context):
    request = (context or {}).get("request")
    return getattr(request, "auth", None) or getattr(request, "user", None)


class PersonDetailOut(PersonOut):
    address: str
    tags: list[TagOut]
    moves: list[MoveOut]

    @staticmethod
    def resolve_address(obj) -> str:
        return selectors.address_of(obj.household)

    @staticmethod
    def resolve_tags(obj, context) -> list:
        return list(selectors.person_tags(person=obj, user=_request_user(context)))

    @staticmethod
    def resolve_moves(obj, context) -> list:
        return list(selectors.person_moves(person=obj, user=_request_user(context)))


class PersonIn(Schema):
    household_id: int
    name: str
    id_number: str = ""
    phone: str = ""
    gender: str = ""
    birth_date: datetime.date | None = None
    residence_type: str = "registered"
    relation: str = "other"
    occupation: str = ""
    employer: str = ""
    is_party_member: bool = False
    moved_in_on: datetime.date | None = None
    notes: str = ""
    tags: list[str] = []


class PersonPatch(Schema):
    name: str | None = None
    id_number: str | None = None
    phone: str | None = None
    gender: str | None = None
    birth_date: datetime.date | None = None
    residence_type: str | None = None
    relation: str | None = None
    occupation: str | None = None
    employer: str | None = None
    is_party_member: bool | None = None
    notes: str | None = None


class PartyLinkIn(Schema):
    party_member_id: int | None = None


class AccountLinkIn(Schema):
    username: str | None = None  # empty or null: unlink


class SelfVerifyIn(Schema):
    name: str
    id_number: str


class MyRegistrationOut(Schema):
    """Where the signed-in resident is registered (their own record, masked)."""

    person_id: int
    name: str
    id_number: str
    address: str


class RevealIn(Schema):
    fields: list[str] = ["id_number", "phone"]
    reason: str = ""


class RevealOut(Schema):
    id: int
    id_number: str | None = None
    phone: str | None = None


class MoveIn(Schema):
    date: datetime.date | None = None
    place: str = ""
    note: str = ""


class TransferIn(Schema):
    household_id: int
    date: datetime.date | None = None
    relation: str | None = None
    note: str = ""


class DeathIn(Schema):
    date: datetime.date
    note: str = ""


class TagIn(Schema):
    kind: str
    start_on: datetime.date | None = None
    note: str = ""


class TagEndIn(Schema):
    end_on: datetime.date | None = None
    note: str = ""


class HouseholdOut(Schema):
    id: int
    code: str
    name: str
    address: str = ""
    members: int = 0
    last_visit: datetime.datetime | None = None

    @staticmethod
    def resolve_members(obj) -> int:
        return getattr(obj, "members", 0) or 0

    @staticmethod
    def resolve_last_visit(obj):
        return getattr(obj, "last_visit", None)


class VisitOut(Schema):
    id: int
    household_id: int
    visitor: str
    visited_at: datetime.datetime
    people_met: list[int]
    others_met: str
    findings: str
    follow_up_needed: bool
    case_ref: str
    photos: list[str]

    @staticmethod
    def resolve_visitor(obj) -> str:
        return str(obj.visitor)

    @staticmethod
    def resolve_people_met(obj) -> list[int]:
        return [p.pk for p in obj.people_met.all()]

    @staticmethod
    def resolve_photos(obj) -> list[str]:
        return [reverse("residents:visit-photo", args=[p.pk]) for p in obj.photos.all()]


class HouseholdDetailOut(HouseholdOut):
    tenure: str | None = None
    notes: str = ""
    residents: list[PersonOut]
    former_residents: list[PersonOut]
    visits: list[VisitOut]


class VisitIn(Schema):
    visited_at: datetime.datetime | None = None
    people_met: list[Id] = []
    others_met: str = ""
    findings: str = ""
    follow_up_needed: bool = False


class CaseLinkIn(Schema):
    case_ref: str


class ImportOut(Schema):
    id: int
    status: str
    rows: int
    created: int
    updated: int
    households_created: int
    bad_rows: int
    errors: list[dict]
    report_url: str | None = None
    message: str = ""


class ImportRefusedOut(ErrorOut):
    """An import refused (400): the one error body (`code`, `message`, `fields`), and when the rows
    were read, what was found in them (the bad rows and the report to download)."""

    id: int | None = None
    status: str | None = None
    rows: int | None = None
    created: int | None = None
    updated: int | None = None
    households_created: int | None = None
    bad_rows: int | None = None
    errors: list[dict] = []
    report_url: str | None = None


def _household(request, household_id: int) -> AreaNode:
    return selectors.household_get(user=request.auth, pk=household_id)


def _area(request, area_id: int | None) -> AreaNode | None:
    if not area_id:
        return None
    return selectors.area_get(user=request.auth, pk=area_id)


# ---------------------------------------------------------------------------------------------
# People


@router.get("/people", response={200: list[PersonOut], **errors(400, 401, 403, 404, 422)}, summary="Search people in my area (masked)")
@paginate(Pagination)
def list_people(
    request: HttpRequest, q: str = "", tag: str = "", status: str = "living", area: int | None = None,
    household: int | None = None,
):
    """`q`: name, pinyin initials (`zs`), exact ID number or phone, or an address part."""
    require(request.auth, "residents.view")
    return selectors.people_visible(
        user=request.auth, q=q, tag=tag, status="" if status == "all" else status, area=_area(request, area),
        household=_household(request, household) if household else None,
    )


class SearchIn(Schema):
    q: str = ""
    tag: str = ""
    status: str = "living"
    area: int | None = None


@router.post("/people/search", response={200: list[PersonOut], **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Search people (POST: keeps ID numbers and phones out of URLs)")
@paginate(Pagination)
def search_people(request: HttpRequest, payload: SearchIn):
    require(request.auth, "residents.view")
    return selectors.people_visible(
        user=request.auth, q=payload.q, tag=payload.tag, status="" if payload.status == "all" else payload.status,
        area=_area(request, payload.area),
    )


@router.get("/people/{person_id}", response={200: PersonDetailOut, **errors(400, 401, 403, 404, 422)}, summary="One person (masked)")
def get_person(request: HttpRequest, person_id: int):
    return selectors.person_get(user=request.auth, pk=person_id)


@router.post("/people", response={201: PersonDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Register a person in a household")
def create_person(request: HttpRequest, payload: PersonIn):
    data = payload.dict()
    household = _household(request, data.pop("household_id"))
    person = services.person_create(actor=request.auth, household=household, **data)
    return Status(201, selectors.person_get(user=request.auth, pk=person.pk))


@router.patch("/people/{person_id}", response={200: PersonDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Change a person's details")
def update_person(request: HttpRequest, person_id: int, payload: PersonPatch):
    person = selectors.person_get(user=request.auth, pk=person_id)
    values = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k == "birth_date"}
    services.person_update(actor=request.auth, person=person, **values)
    return selectors.person_get(user=request.auth, pk=person_id)


@router.post("/people/{person_id}/party-member", response={200: PersonOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Link to a party membership record")
def link_party_member(request: HttpRequest, person_id: int, payload: PartyLinkIn):
    from gongzhi.party import selectors as party_selectors

    person = selectors.person_get(user=request.auth, pk=person_id)
    member = party_selectors.member_get(user=request.auth, pk=payload.party_member_id) if payload.party_member_id else None
    return services.person_link_party_member(actor=request.auth, person=person, party_member=member)


@router.post("/people/{person_id}/account", response={200: PersonOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Link or unlink the resident's own account")
def link_account(request: HttpRequest, person_id: int, payload: AccountLinkIn):
    person = selectors.person_get(user=request.auth, pk=person_id)
    return services.person_link_account(actor=request.auth, person=person, username=payload.username or None)


def _my_registrations(user) -> list[dict]:
    return [
        {"person_id": h["person"].pk, "name": h["person"].name, "id_number": h["person"].id_number_masked,
         "address": h["address"]}
        for h in selectors.my_registrations(user=user)
    ]


@router.get("/me", response={200: list[MyRegistrationOut], **errors(401)}, summary="Where I am registered")
def my_registrations(request: HttpRequest):
    return _my_registrations(request.auth)


@router.post("/me/verify", response={200: list[MyRegistrationOut], **errors(400, 401, 403, 409, 413, 422)}, summary="Link my account to my registration (name and ID number)")
def verify_self(request: HttpRequest, payload: SelfVerifyIn):
    services.person_verify_self(actor=request.auth, name=payload.name, id_number=payload.id_number)
    return _my_registrations(request.auth)


@router.post("/people/{person_id}/reveal", response={200: RevealOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Reveal full ID number / phone (logged)")
def reveal_person(request: HttpRequest, person_id: int, payload: RevealIn):
    person = selectors.person_get(user=request.auth, pk=person_id)
    values = services.person_reveal(actor=request.auth, person=person, fields=payload.fields, reason=payload.reason)
    return {"id": person.pk, **values}


@router.post("/people/{person_id}/move-out", response={200: PersonOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Record a move out (迁出)")
def move_out(request: HttpRequest, person_id: int, payload: MoveIn):
    person = selectors.person_get(user=request.auth, pk=person_id)
    return services.person_move_out(actor=request.auth, person=person, date=payload.date, place=payload.place, note=payload.note)


@router.post("/people/{person_id}/transfer", response={200: PersonOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Move to another household in my area")
def transfer(request: HttpRequest, person_id: int, payload: TransferIn):
    person = selectors.person_get(user=request.auth, pk=person_id)
    household = _household(request, payload.household_id)
    return services.person_transfer(
        actor=request.auth, person=person, household=household, date=payload.date, note=payload.note,
        relation=payload.relation,
    )


@router.post("/people/{person_id}/death", response={200: PersonOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Record a death")
def death(request: HttpRequest, person_id: int, payload: DeathIn):
    person = selectors.person_get(user=request.auth, pk=person_id)
    return services.person_record_death(actor=request.auth, person=person, date=payload.date, note=payload.note)


@router.post("/people/{person_id}/tags", response={201: TagOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Add a special-group tag")
def add_tag(request: HttpRequest, person_id: int, payload: TagIn):
    person = selectors.person_get(user=request.auth, pk=person_id)
    return Status(201, services.person_tag_add(
        actor=request.auth, person=person, kind=payload.kind, start_on=payload.start_on, note=payload.note
    ))


@router.post("/tags/{tag_id}/end", response={200: TagOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="End a special-group tag")
def end_tag(request: HttpRequest, tag_id: int, payload: TagEndIn):
    tag = selectors.tag_get(user=request.auth, pk=tag_id)
    return services.person_tag_end(actor=request.auth, tag=tag, end_on=payload.end_on, note=payload.note)


# ---------------------------------------------------------------------------------------------
# Households and visits


@router.get("/households", response={200: list[HouseholdOut], **errors(400, 401, 403, 404, 422)}, summary="Households in my area (a grid's roster)")
@paginate(Pagination)
def list_households(
    request: HttpRequest, area: int | None = None, tag: str = "", not_visited_days: Days | None = None, q: str = ""
):
    require(request.auth, "residents.view")
    qs = selectors.households_visible(
        user=request.auth, area=_area(request, area), tag=tag, not_visited_days=not_visited_days, q=q
    )
    return _WithAddresses(qs)


class _WithAddresses:
    """A queryset wrapper that fills in addresses for the page being returned (one query)."""

    def __init__(self, qs):
        self.qs = qs

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, item):
        nodes = list(self.qs[item])
        places = selectors.addresses(nodes)
        for node in nodes:
            node.address = places.get(node.pk, node.name)
        return nodes


@router.get("/households/{household_id}", response={200: HouseholdDetailOut, **errors(400, 401, 403, 404, 422)}, summary="Household card (户情档案)")
def get_household(request: HttpRequest, household_id: int):
    node = _household(request, household_id)
    card = selectors.household_card(user=request.auth, household=node)
    members = list(selectors.household_members(user=request.auth, household=node, include_former=True))
    return {
        "id": node.pk, "code": node.code, "name": node.name, "address": selectors.address_of(node),
        "members": node.members, "last_visit": node.last_visit,
        "tenure": card.tenure if card else None, "notes": card.notes if card else "",
        "residents": [p for p in members if p.is_living], "former_residents": [p for p in members if not p.is_living],
        "visits": list(selectors.visits_visible(user=request.auth, household=node)[:50]),
    }


@router.get("/households/{household_id}/visits", response={200: list[VisitOut], **errors(400, 401, 403, 404, 422)}, summary="Visits to a household")
@paginate(Pagination)
def household_visits(request: HttpRequest, household_id: int):
    return selectors.visits_visible(user=request.auth, household=_household(request, household_id))


@router.post("/households/{household_id}/visits", response={201: VisitOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Record a door visit (入户走访)")
def create_visit(request: HttpRequest, household_id: int, payload: VisitIn):
    household = _household(request, household_id)
    people = list(Person.objects.visible_to(request.auth).filter(pk__in=payload.people_met, household=household))
    if len(people) != len(set(payload.people_met)):
        raise InvalidInput(_people_message(), fields={"people_met": [_people_message()]})
    visit = services.visit_create(
        actor=request.auth, household=household, visited_at=payload.visited_at, people_met=people,
        others_met=payload.others_met, findings=payload.findings, follow_up_needed=payload.follow_up_needed,
    )
    return Status(201, selectors.visit_get(user=request.auth, pk=visit.pk))


def _people_message() -> str:
    return gettext("Choose people of this household.")


@router.post("/visits/{visit_id}/photos", response={201: VisitOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Add photos to a visit")
def add_visit_photos(request: HttpRequest, visit_id: int, photos: list[UploadedFile] = File(...)):  # noqa: B008
    visit = selectors.visit_get(user=request.auth, pk=visit_id)
    services.visit_photos_add(actor=request.auth, visit=visit, files=photos)
    return Status(201, selectors.visit_get(user=request.auth, pk=visit_id))


@router.post("/visits/{visit_id}/case", response={200: VisitOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Link the request a visit was turned into")
def link_case(request: HttpRequest, visit_id: int, payload: CaseLinkIn):
    visit = selectors.visit_get(user=request.auth, pk=visit_id)
    services.visit_link_case(actor=request.auth, visit=visit, case_ref=payload.case_ref)
    return selectors.visit_get(user=request.auth, pk=visit_id)


@router.get("/visits/follow-up", response={200: list[VisitOut], **errors(400, 401, 403, 422)}, summary="Visits whose findings wait for a request")
@paginate(Pagination)
def follow_up(request: HttpRequest):
    require(request.auth, "residents.view")
    return selectors.visits_needing_follow_up(user=request.auth)


# ---------------------------------------------------------------------------------------------
# Import and export


@router.post("/import", response={200: ImportOut, 202: ImportOut, **errors(401, 403, 409, 413, 422), 400: ImportRefusedOut},
             summary="Import people from the .xlsx template (large files: 202, in the background)")
def import_people(request: HttpRequest, file: UploadedFile = File(...), create_households: bool = Form(True)):  # noqa: B008
    from .models import ImportJob

    result = services.residents_import_or_queue(
        actor=request.auth, file=file, file_name=file.name, create_households=create_households
    )
    if isinstance(result, ImportJob):
        return Status(202, _job_body(result))
    body = {
        "id": result.job.pk, "status": result.job.status, "rows": result.rows, "created": result.created,
        "updated": result.updated, "households_created": result.households_created, "bad_rows": len(result.errors),
        "errors": [{"row": number, "messages": messages} for number, messages in result.errors[:500]],
        "report_url": reverse("residents:import-report", args=[result.job.pk]) if result.errors else None,
    }
    if result.ok:
        return Status(200, body)
    message = gettext("Rejected: bad rows")
    return Status(400, {**body, "code": "invalid", "message": message, "fields": {"file": [message]}})


def _job_body(job) -> dict:
    return {
        "id": job.pk, "status": job.status, "rows": job.rows, "created": job.created_count, "updated": job.updated_count,
        "households_created": job.households_created, "bad_rows": job.error_count, "errors": [],
        "report_url": reverse("residents:import-report", args=[job.pk]) if job.report else None,
        "message": job.message,
    }


@router.get("/imports/{job_id}", response={200: ImportOut, **errors(400, 401, 403, 404, 422)}, summary="The state of one of my imports")
def import_job(request: HttpRequest, job_id: int):
    return _job_body(selectors.import_job_get(user=request.auth, pk=job_id))


@router.get("/export", response={200: None, **errors(400, 401, 403, 404, 422)}, summary="Export people as .xlsx (masked unless reveal=true and permitted; logged)")
def export_people(request: HttpRequest, q: str = "", tag: str = "", area: int | None = None, reveal: bool = False):
    node = _area(request, area)
    qs = selectors.people_visible(user=request.auth, q=q, tag=tag, area=node)
    content = services.residents_export(
        actor=request.auth, queryset=qs, reveal=reveal, filters={"q": q, "tag": tag, "area": area}, area=node
    )
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="residents-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


