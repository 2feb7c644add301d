"""Public hearings in the API (/api/deliberation/…): the hearings a user sees and a topic's, calling
one (staff), registering (oneself, or someone by name and phone for the staff), cancelling, the
speakers' list and its order, the registrations (staff, phones masked; the full number only through
the audited reveal), the views and the record of views (PDF, attached to the topic)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from gongzhi.core.errors import Id, errors

from .. import hearings_pdf
from .. import hearings_selectors as selectors
from ..models import ViewPosition
from ..services import hearings as services

router = Router(tags=["deliberation"])
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(401, 403, 404)


class HearingOut(Schema):
    id: int
    topic_id: int
    topic_title: str
    meeting_id: int
    title: str
    starts_at: dt.datetime
    location: str
    state: str
    state_label: str
    registration_closes_at: dt.datetime
    registration_open: bool
    seats: int
    seats_left: int
    speakers_limit: int
    minutes_per_speaker: int

    @staticmethod
    def resolve_topic_title(obj) -> str:
        return obj.topic.title

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.meeting.title

    @staticmethod
    def resolve_starts_at(obj) -> dt.datetime:
        return obj.meeting.starts_at

    @staticmethod
    def resolve_location(obj) -> str:
        return obj.meeting.location

    @staticmethod
    def resolve_state(obj) -> str:
        return obj.meeting.state

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.meeting.get_state_display())

    @staticmethod
    def resolve_registration_open(obj) -> bool:
        return selectors.registration_open(obj)

    @staticmethod
    def resolve_seats_left(obj) -> int:
        return selectors.seats_left(obj)


class RegistrationOut(Schema):
    """A registration as its holder and the staff see it: the phone masked."""

    id: int
    hearing_id: int
    name: str
    affiliation: str
    phone_masked: str
    wants_to_speak: bool
    speaking_order: int | None = None
    registered_at: dt.datetime
    cancelled_at: dt.datetime | None = None
    has_account: bool

    @staticmethod
    def resolve_has_account(obj) -> bool:
        return obj.user_id is not None


class SpeakerOut(Schema):
    """A speaker as everyone sees them: no phone."""

    id: int
    name: str
    affiliation: str


class SpeakersOut(Schema):
    speakers: list[SpeakerOut]
    waiting: list[SpeakerOut]


class HearingDetailOut(HearingOut):
    my_registration: RegistrationOut | None = None
    speakers: list[SpeakerOut]
    waiting: list[SpeakerOut]


class ViewOut(Schema):
    id: int
    speaker: str
    position: str
    position_label: str
    text: str
    registration_id: int | None = None
    recorded_at: dt.datetime

    @staticmethod
    def resolve_position_label(obj) -> str:
        return str(obj.get_position_display())


class HearingIn(Schema):
    title: str = Field("", max_length=200)
    starts_at: dt.datetime
    registration_closes_at: dt.datetime
    location: str = Field(..., max_length=200)
    seats: int = Field(50, ge=1, le=2000)
    speakers_limit: int = Field(10, ge=1, le=200)
    minutes_per_speaker: int = Field(5, ge=1, le=60)


class RegisterIn(Schema):
    wants_to_speak: bool = False
    affiliation: str = Field("", max_length=100, description="whom they speak for: 3号楼住户, 业委会, 物业 …")
    # Only for the staff registering someone else:
    name: str = Field("", max_length=50)
    phone: str = Field("", max_length=20)
    on_behalf: bool = Field(False, description="the staff register the person named (name and phone required)")


class OrderIn(Schema):
    order: list[Id] = Field(..., max_length=2000, description="the ids of every registration that asked to speak")


class ViewIn(Schema):
    text: str = Field(..., max_length=5000)
    position: str = Field(ViewPosition.OTHER, max_length=8, description="for, against or other")
    speaker: str = Field("", max_length=100, description="as minuted; defaults to the registered speaker's name")
    registration_id: Id | None = None


class ReasonIn(Schema):
    reason: str = Field("", max_length=500)


class HearingPhoneOut(Schema):
    phone: str


class HearingDocumentOut(Schema):
    id: int
    topic_id: int
    name: str
    size: int


def _hearing(request, hearing_id: int):
    return selectors.hearing_get(user=request.auth, pk=hearing_id)


def _detail(request, hearing):
    """The hearing with what the detail adds for this user (their registration, the speakers)."""
    listed = selectors.speakers(user=request.auth, hearing=hearing)
    hearing.my_registration = selectors.my_registration(user=request.auth, hearing=hearing)
    hearing.speakers, hearing.waiting = listed["speakers"], listed["waiting"]
    return hearing


@router.get("/hearings", response={200: list[HearingOut], **READ_ERRORS},
            summary="The public hearings the user sees (a resident: those of the places they live in), upcoming first")
def hearing_list(request: HttpRequest):
    return [item["hearing"] for item in selectors.hearings_for(user=request.auth)]


@router.get("/topics/{topic_id}/hearings", response={200: list[HearingOut], **READ_ERRORS},
            summary="The hearings of a topic")
def topic_hearings(request: HttpRequest, topic_id: int):
    topic = selectors.topic_get(user=request.auth, pk=topic_id)
    return [item["hearing"] for item in selectors.hearings_of(topic, request.auth)]


@router.post("/topics/{topic_id}/hearings", response={201: HearingDetailOut, **WRITE_ERRORS},
             summary="Call a public hearing on a topic (staff of its area); announced to the residents of its scope")
def hearing_call(request: HttpRequest, topic_id: int, payload: HearingIn):
    topic = selectors.topic_get(user=request.auth, pk=topic_id)
    hearing = services.hearing_call(
        actor=request.auth, topic=topic, title=payload.title, starts_at=payload.starts_at,
        registration_closes_at=payload.registration_closes_at, location=payload.location, seats=payload.seats,
        speakers_limit=payload.speakers_limit, minutes_per_speaker=payload.minutes_per_speaker,
    )
    return Status(201, _detail(request, _hearing(request, hearing.pk)))


@router.get("/hearings/{hearing_id}", response={200: HearingDetailOut, **READ_ERRORS},
            summary="One hearing, with the user's registration and the speakers' list")
def hearing_get(request: HttpRequest, hearing_id: int):
    return _detail(request, _hearing(request, hearing_id))


@router.get("/hearings/{hearing_id}/registrations", response={200: list[RegistrationOut], **READ_ERRORS},
            summary="Every registration (the staff who hold the hearing; phones masked)")
def registrations(request: HttpRequest, hearing_id: int):
    return list(selectors.registrations_of(user=request.auth, hearing=_hearing(request, hearing_id)))


@router.post("/hearings/{hearing_id}/registrations", response={201: RegistrationOut, **WRITE_ERRORS},
             summary="Register for the hearing (oneself; or, for the staff, someone by name and phone)")
def register(request: HttpRequest, hearing_id: int, payload: RegisterIn):
    row = services.hearing_register(
        actor=request.auth, hearing=_hearing(request, hearing_id), wants_to_speak=payload.wants_to_speak,
        affiliation=payload.affiliation, name=payload.name, phone=payload.phone, on_behalf=payload.on_behalf,
    )
    return Status(201, row)


@router.post("/hearings/{hearing_id}/registrations/{registration_id}/cancel",
             response={200: RegistrationOut, **WRITE_ERRORS},
             summary="Cancel a registration (its holder, or the staff): the seat frees")
def cancel(request: HttpRequest, hearing_id: int, registration_id: int):
    hearing = _hearing(request, hearing_id)
    row = selectors.registration_get(user=request.auth, hearing=hearing, pk=registration_id)
    return services.registration_cancel(actor=request.auth, registration=row)


@router.post("/hearings/{hearing_id}/registrations/{registration_id}/reveal",
             response={200: HearingPhoneOut, **WRITE_ERRORS},
             summary="The full phone number of a registered person (audited, with the reason)")
def reveal(request: HttpRequest, hearing_id: int, registration_id: int, payload: ReasonIn):
    hearing = _hearing(request, hearing_id)
    row = selectors.registration_get(user=request.auth, hearing=hearing, pk=registration_id)
    return {"phone": services.registration_reveal_phone(actor=request.auth, registration=row, reason=payload.reason)}


@router.get("/hearings/{hearing_id}/speakers", response={200: SpeakersOut, **READ_ERRORS},
            summary="The speakers' list and the waiting list")
def speakers(request: HttpRequest, hearing_id: int):
    return selectors.speakers(user=request.auth, hearing=_hearing(request, hearing_id))


@router.put("/hearings/{hearing_id}/speakers", response={200: SpeakersOut, **WRITE_ERRORS},
            summary="Reorder the speakers' list (every registration that asked to speak, each once)")
def speakers_reorder(request: HttpRequest, hearing_id: int, payload: OrderIn):
    hearing = _hearing(request, hearing_id)
    services.speakers_reorder(actor=request.auth, hearing=hearing, order=payload.order)
    return selectors.speakers(user=request.auth, hearing=hearing)


@router.get("/hearings/{hearing_id}/views", response={200: list[ViewOut], **READ_ERRORS},
            summary="The views recorded at the hearing (no phone numbers)")
def views(request: HttpRequest, hearing_id: int):
    return list(selectors.views_of(user=request.auth, hearing=_hearing(request, hearing_id)))


@router.post("/hearings/{hearing_id}/views", response={201: ViewOut, **WRITE_ERRORS},
             summary="Record a view put at the hearing (a registered speaker, or from the floor)")
def view_record(request: HttpRequest, hearing_id: int, payload: ViewIn):
    view = services.view_record(actor=request.auth, hearing=_hearing(request, hearing_id), text=payload.text,
                                position=payload.position, speaker=payload.speaker,
                                registration=payload.registration_id)
    return Status(201, view)


@router.post("/hearings/{hearing_id}/record", response={201: HearingDocumentOut, **WRITE_ERRORS},
             summary="After the hearing: attach the record of views (PDF) to the topic")
def record_attach(request: HttpRequest, hearing_id: int):
    return Status(201, services.record_attach(actor=request.auth, hearing=_hearing(request, hearing_id)))


class TopicStateOut(Schema):
    id: int
    state: str
    step_position: int


@router.post("/hearings/{hearing_id}/step", response={200: TopicStateOut, **WRITE_ERRORS},
             summary="Complete the topic's current step with the hearing as its outcome (the path engine checks it)")
def step_complete(request: HttpRequest, hearing_id: int):
    return services.hearing_step_complete(actor=request.auth, hearing=_hearing(request, hearing_id))


@router.get("/hearings/{hearing_id}/record.pdf", response={200: None, **READ_ERRORS},
            summary="The record of views as a PDF (no phone numbers)")
def record_pdf(request: HttpRequest, hearing_id: int):
    hearing = _hearing(request, hearing_id)
    response = HttpResponse(hearings_pdf.record_pdf(hearing=hearing), content_type="application/pdf")
    stamp = timezone.localtime(hearing.meeting.starts_at).strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="hearing-{hearing.pk}-{stamp}-views.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
