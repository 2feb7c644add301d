"""The volunteers API, people: volunteers (registration, self-registration, update, leaving, the
audited reveal), their record and certificates, teams and their members, the signed-in
volunteer's card. Phones and ID numbers are masked; outside the user's scope is 404, like absent."""


import datetime

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.areas.models import AreaNode, Unit
from gongzhi.core.errors import Id, InvalidInput, NotFound, errors
from gongzhi.core.pagination import Pagination
from gongzhi.core.permissions import require
from gongzhi.party.models import PartyMember, PartyOrganization
from gongzhi.residents.models import Person

from ..certificate_pdf import certificate_pdf
from ..models import Skill, Team, TeamKind
from ..selectors import accounts as account_selectors
from ..selectors import people as selectors
from ..services import certificates as certificate_services
from ..services import people as services
from ..services import teams as team_services

router = Router(tags=["volunteers"])

READ = errors(400, 401, 403, 404, 422)
WRITE = errors(400, 401, 403, 404, 409, 422)


# --- schemas ------------------------------------------------------------------------------------


class VolunteerSkillOut(Schema):
    id: int
    name: str


class VolunteerAvailabilityIn(Schema):
    weekday: int
    start: str
    end: str


class VolunteerOut(Schema):
    id: int
    number: str
    kind: str
    name: str
    area_id: int
    area_name: str
    person_id: int | None = None
    party_member_id: int | None = None
    unit_id: int | None = None
    phone_masked: str
    id_number_masked: str
    skills: list[VolunteerSkillOut]
    availability: list[dict]
    languages: str
    publish_name: bool
    status: str
    registered_on: datetime.date

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_skills(obj) -> list:
        return list(obj.skills.all())


class VolunteerDetailOut(VolunteerOut):
    balance: int
    minutes: int
    activities_served: int
    teams: list[dict]

    @staticmethod
    def resolve_balance(obj) -> int:
        return account_selectors.volunteer_balance(volunteer=obj)

    @staticmethod
    def resolve_minutes(obj) -> int:
        return selectors.record_of(volunteer=obj).minutes

    @staticmethod
    def resolve_activities_served(obj) -> int:
        return len(selectors.record_of(volunteer=obj).served)

    @staticmethod
    def resolve_teams(obj) -> list[dict]:
        return [{"team_id": m.team_id, "name": m.team.name, "is_leader": m.is_leader}
                for m in obj.teams.select_related("team")]


class VolunteerIn(Schema):
    person_id: Id | None = None
    party_member_id: Id | None = None
    unit_id: Id | None = None
    area_id: Id | None = None
    name: str = ""
    phone: str = ""
    id_number: str = ""
    skill_ids: list[Id] = []
    availability: list[VolunteerAvailabilityIn] = []
    languages: str = ""
    consent: bool = False
    publish_name: bool = True


class VolunteerSelfIn(Schema):
    consent: bool = False
    phone: str = ""
    skill_ids: list[Id] = []
    availability: list[VolunteerAvailabilityIn] = []
    languages: str = ""
    publish_name: bool = True


class VolunteerPatch(Schema):
    name: str | None = None
    phone: str | None = None
    skill_ids: list[Id] | None = None
    availability: list[VolunteerAvailabilityIn] | None = None
    languages: str | None = None
    publish_name: bool | None = None


class VolunteerReasonIn(Schema):
    reason: str = ""


class VolunteerRevealedOut(Schema):
    phone: str
    id_number: str


class RecordEntryOut(Schema):
    id: int
    kind: str
    title: str
    on: datetime.date
    minutes: int
    note: str


class RecordEntryIn(Schema):
    kind: str
    title: str
    on: datetime.date
    minutes: int = 0
    note: str = ""


class RecordActivityOut(Schema):
    activity_id: int
    title: str
    place: str
    starts_at: datetime.datetime
    minutes: int


class VolunteerRecordOut(Schema):
    volunteer_id: int
    minutes: int
    activity_minutes: int
    training_minutes: int
    activities: list[RecordActivityOut]
    entries: list[RecordEntryOut]


class CertificateOut(Schema):
    id: int
    volunteer_id: int
    code: str
    period_start: datetime.date | None = None
    period_end: datetime.date
    minutes: int
    activities: int
    issuer: str
    issued_at: datetime.datetime
    check_url: str
    pdf_url: str

    @staticmethod
    def resolve_check_url(obj) -> str:
        return reverse("volunteers:certificate-check", args=[obj.code])

    @staticmethod
    def resolve_pdf_url(obj) -> str:
        return f"/api/volunteers/certificates/{obj.pk}/pdf"


class CertificateIn(Schema):
    start: datetime.date | None = None
    end: datetime.date | None = None


class TeamOut(Schema):
    id: int
    name: str
    level: str
    kind: str
    area_id: int
    area_name: str
    parent_id: int | None = None
    skill_id: int | None = None
    led_by_id: int | None = None
    unit_id: int | None = None
    description: str
    is_active: bool

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name


class TeamIn(Schema):
    name: str
    level: str
    area_id: Id
    kind: str = TeamKind.TEAM
    parent_id: Id | None = None
    skill_id: Id | None = None
    led_by_id: Id | None = None
    unit_id: Id | None = None
    description: str = ""


class TeamPatch(Schema):
    name: str | None = None
    level: str | None = None
    kind: str | None = None
    parent_id: int | None = None
    skill_id: int | None = None
    led_by_id: int | None = None
    unit_id: int | None = None
    description: str | None = None
    is_active: bool | None = None


class TeamMemberOut(Schema):
    id: int
    team_id: int
    volunteer_id: int
    name: str
    is_leader: bool
    joined_on: datetime.date

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.volunteer.name


class TeamMemberIn(Schema):
    volunteer_id: Id
    is_leader: bool = False


class TeamLeaderIn(Schema):
    is_leader: bool


class VolunteerCardOut(Schema):
    id: int
    number: str
    name: str
    area_name: str
    status: str
    phone_masked: str
    id_number_masked: str
    balance: int
    minutes: int
    activities_served: int
    teams: list[dict]


# --- helpers -------------------------------------------------------------------------------------


def _visible(model, user, pk, field: str):
    if pk is None:
        return None
    obj = model.objects.visible_to(user).filter(pk=pk).first()
    if obj is None:
        message = _("Choose one you can see.")
        raise InvalidInput(message, fields={field: [message]})
    return obj


def _skills(ids) -> list[Skill]:
    if ids is None:
        return None
    found = list(Skill.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        message = _("Choose specialties from the list.")
        raise InvalidInput(message, fields={"skill_ids": [message]})
    return found


def _availability(rows):
    return None if rows is None else [r.dict() for r in rows]


def _parent(user, pk):
    return _visible(Team, user, pk, "parent_id")


# --- volunteers ----------------------------------------------------------------------------------


@router.get("/people/skills", response={200: list[VolunteerSkillOut], **READ}, summary="Specialties")
def list_skills(request: HttpRequest):
    return list(selectors.skills())


@router.get("/people", response={200: list[VolunteerOut], **READ}, summary="Volunteers of my scope")
@paginate(Pagination)
def list_volunteers(request: HttpRequest, q: str = "", team: Id | None = None, skill: Id | None = None,
                    status: str = "", area: Id | None = None):
    require(request.auth, "volunteers.view_list")
    return selectors.volunteers_visible(user=request.auth, q=q, team_id=team, skill_id=skill, status=status,
                                        area_id=area).prefetch_related("skills")


@router.post("/people", response={201: VolunteerDetailOut, **WRITE},
             summary="Register a volunteer (from a resident, a party member, a unit's staff, or plainly)")
def register_volunteer(request: HttpRequest, payload: VolunteerIn):
    user = request.auth
    require(user, "volunteers.register")
    area = None
    if payload.area_id is not None:
        area = AreaNode.objects.visible_to(user).filter(pk=payload.area_id).first()
        if area is None:
            message = _("Choose an area in your scope.")
            raise InvalidInput(message, fields={"area_id": [message]})
    volunteer = services.volunteer_register(
        actor=user, area=area, person=_visible(Person, user, payload.person_id, "person_id"),
        party_member=_visible(PartyMember, user, payload.party_member_id, "party_member_id"),
        unit=_visible(Unit, user, payload.unit_id, "unit_id"), name=payload.name, phone=payload.phone,
        id_number=payload.id_number, skills=_skills(payload.skill_ids), availability=_availability(payload.availability),
        languages=payload.languages, consent=payload.consent, publish_name=payload.publish_name,
    )
    return Status(201, volunteer)


@router.post("/people/self", response={201: VolunteerDetailOut, **WRITE},
             summary="Register myself (my account is linked to a resident of the registry)")
def register_self(request: HttpRequest, payload: VolunteerSelfIn):
    volunteer = services.volunteer_register_self(
        actor=request.auth, consent=payload.consent, phone=payload.phone, skills=_skills(payload.skill_ids),
        availability=_availability(payload.availability), languages=payload.languages,
        publish_name=payload.publish_name,
    )
    return Status(201, volunteer)


@router.get("/people/{volunteer_id}", response={200: VolunteerDetailOut, **READ}, summary="One volunteer")
def get_volunteer(request: HttpRequest, volunteer_id: int):
    return selectors.volunteer_get(user=request.auth, pk=volunteer_id)


@router.patch("/people/{volunteer_id}", response={200: VolunteerDetailOut, **WRITE}, summary="Change a volunteer")
def update_volunteer(request: HttpRequest, volunteer_id: int, payload: VolunteerPatch):
    volunteer = selectors.volunteer_get(user=request.auth, pk=volunteer_id)
    return services.volunteer_update(
        actor=request.auth, volunteer=volunteer, name=payload.name, phone=payload.phone,
        skills=_skills(payload.skill_ids), availability=_availability(payload.availability),
        languages=payload.languages, publish_name=payload.publish_name,
    )


@router.post("/people/{volunteer_id}/leave", response={200: VolunteerDetailOut, **WRITE},
             summary="Mark a volunteer as left")
def leave_volunteer(request: HttpRequest, volunteer_id: int, payload: VolunteerReasonIn):
    volunteer = selectors.volunteer_get(user=request.auth, pk=volunteer_id)
    return services.volunteer_leave(actor=request.auth, volunteer=volunteer, reason=payload.reason)


@router.post("/people/{volunteer_id}/reveal", response={200: VolunteerRevealedOut, **WRITE},
             summary="A volunteer's full phone and ID number (audited, with the reason)")
def reveal_volunteer(request: HttpRequest, volunteer_id: int, payload: VolunteerReasonIn):
    volunteer = selectors.volunteer_get(user=request.auth, pk=volunteer_id)
    return services.volunteer_reveal(actor=request.auth, volunteer=volunteer, reason=payload.reason)


def _record_out(volunteer) -> dict:
    record = selectors.record_of(volunteer=volunteer)
    return {
        "volunteer_id": volunteer.pk, "minutes": record.minutes, "activity_minutes": record.activity_minutes,
        "training_minutes": record.training_minutes,
        "activities": [{"activity_id": s.activity_id, "title": s.activity.title, "place": s.activity.place,
                        "starts_at": s.activity.starts_at, "minutes": s.minutes} for s in record.served],
        "entries": record.entries,
    }


@router.get("/people/{volunteer_id}/record", response={200: VolunteerRecordOut, **READ},
            summary="A volunteer's record: activities served, trainings, awards, evaluations")
def get_record(request: HttpRequest, volunteer_id: int):
    return _record_out(selectors.volunteer_get(user=request.auth, pk=volunteer_id))


@router.post("/people/{volunteer_id}/record", response={201: RecordEntryOut, **WRITE},
             summary="Add a training, award or evaluation to a volunteer's record")
def add_record_entry(request: HttpRequest, volunteer_id: int, payload: RecordEntryIn):
    volunteer = selectors.volunteer_get(user=request.auth, pk=volunteer_id)
    entry = services.record_add(actor=request.auth, volunteer=volunteer, kind=payload.kind, title=payload.title,
                                on=payload.on, minutes=payload.minutes, note=payload.note)
    return Status(201, entry)


@router.get("/people/{volunteer_id}/certificates", response={200: list[CertificateOut], **READ},
            summary="A volunteer's certificates")
def list_certificates(request: HttpRequest, volunteer_id: int):
    volunteer = selectors.volunteer_get(user=request.auth, pk=volunteer_id)
    return list(selectors.certificates_of(volunteer=volunteer))


@router.post("/people/{volunteer_id}/certificates", response={201: CertificateOut, **WRITE},
             summary="Issue a certificate of a volunteer's record (the volunteer, or the area's staff)")
def issue_certificate(request: HttpRequest, volunteer_id: int, payload: CertificateIn):
    volunteer = selectors.volunteer_get(user=request.auth, pk=volunteer_id)
    certificate = certificate_services.certificate_issue(actor=request.auth, volunteer=volunteer, start=payload.start,
                                                         end=payload.end)
    return Status(201, certificate)


@router.get("/certificates/{certificate_id}", response={200: CertificateOut, **READ}, summary="One certificate")
def get_certificate(request: HttpRequest, certificate_id: int):
    return selectors.certificate_get(user=request.auth, pk=certificate_id)


@router.get("/certificates/{certificate_id}/pdf", response={200: None, **READ}, summary="A certificate as PDF")
def certificate_pdf_api(request: HttpRequest, certificate_id: int):
    certificate = selectors.certificate_get(user=request.auth, pk=certificate_id)
    url = request.build_absolute_uri(reverse("volunteers:certificate-check", args=[certificate.code]))
    response = HttpResponse(certificate_pdf(certificate=certificate, check_url=url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.code}.pdf"'
    return response


@router.get("/me", response={200: VolunteerCardOut, **READ}, summary="My volunteer card")
def my_card(request: HttpRequest):
    volunteer = account_selectors.volunteer_of(request.auth)
    if volunteer is None:
        raise NotFound(_("You are not registered as a volunteer."))
    record = selectors.record_of(volunteer=volunteer)
    return {
        "id": volunteer.pk, "number": volunteer.number, "name": volunteer.name, "area_name": volunteer.area.name,
        "status": volunteer.status, "phone_masked": volunteer.phone_masked,
        "id_number_masked": volunteer.id_number_masked,
        "balance": account_selectors.volunteer_balance(volunteer=volunteer), "minutes": record.minutes,
        "activities_served": len(record.served),
        "teams": [{"team_id": m.team_id, "name": m.team.name, "is_leader": m.is_leader}
                  for m in volunteer.teams.select_related("team")],
    }


# --- teams ----------------------------------------------------------------------------------------


@router.get("/teams", response={200: list[TeamOut], **READ}, summary="Teams I see")
@paginate(Pagination)
def list_teams(request: HttpRequest, area: int | None = None, level: str = "", kind: str = "", q: str = "",
               include_inactive: bool = False):
    return selectors.teams_visible(user=request.auth, area_id=area, level=level, kind=kind, q=q,
                                   include_inactive=include_inactive)


@router.post("/teams", response={201: TeamOut, **WRITE}, summary="Create a team")
def create_team(request: HttpRequest, payload: TeamIn):
    user = request.auth
    require(user, "volunteers.manage_teams")
    area = AreaNode.objects.visible_to(user).filter(pk=payload.area_id).first()
    if area is None:
        message = _("Choose an area in your scope.")
        raise InvalidInput(message, fields={"area_id": [message]})
    skill = Skill.objects.filter(pk=payload.skill_id).first() if payload.skill_id else None
    team = team_services.team_create(
        actor=user, name=payload.name, level=payload.level, area=area, kind=payload.kind,
        parent=_parent(user, payload.parent_id), skill=skill,
        led_by=_visible(PartyOrganization, user, payload.led_by_id, "led_by_id"),
        unit=_visible(Unit, user, payload.unit_id, "unit_id"), description=payload.description,
    )
    return Status(201, team)


@router.get("/teams/{team_id}", response={200: TeamOut, **READ}, summary="One team")
def get_team(request: HttpRequest, team_id: int):
    return selectors.team_get(user=request.auth, pk=team_id)


@router.patch("/teams/{team_id}", response={200: TeamOut, **WRITE}, summary="Change a team")
def update_team(request: HttpRequest, team_id: int, payload: TeamPatch):
    user = request.auth
    team = selectors.team_get(user=user, pk=team_id)
    fields = payload.dict(exclude_unset=True)

    def pick(name, current):
        return fields[name] if name in fields and fields[name] is not None else current

    return team_services.team_update(
        actor=user, team=team, name=pick("name", team.name), level=pick("level", team.level),
        kind=pick("kind", team.kind),
        parent=_parent(user, fields["parent_id"]) if "parent_id" in fields else team.parent,
        skill=(Skill.objects.filter(pk=fields["skill_id"]).first() if fields.get("skill_id") else None)
        if "skill_id" in fields else team.skill,
        led_by=_visible(PartyOrganization, user, fields["led_by_id"], "led_by_id") if "led_by_id" in fields else team.led_by,
        unit=_visible(Unit, user, fields["unit_id"], "unit_id") if "unit_id" in fields else team.unit,
        description=pick("description", team.description), is_active=pick("is_active", team.is_active),
    )


@router.get("/teams/{team_id}/members", response={200: list[TeamMemberOut], **READ}, summary="A team's members")
def list_team_members(request: HttpRequest, team_id: int):
    team = selectors.team_get(user=request.auth, pk=team_id)
    return list(selectors.team_members(team=team))


@router.post("/teams/{team_id}/members", response={201: TeamMemberOut, **WRITE}, summary="Add a member to a team")
def add_team_member(request: HttpRequest, team_id: int, payload: TeamMemberIn):
    user = request.auth
    team = selectors.team_get(user=user, pk=team_id)
    require(user, "volunteers.manage_teams", team)
    from ..models import Volunteer

    volunteer = _visible(Volunteer, user, payload.volunteer_id, "volunteer_id")
    member = team_services.team_member_add(actor=user, team=team, volunteer=volunteer, is_leader=payload.is_leader)
    return Status(201, member)


@router.patch("/teams/members/{team_member_id}", response={200: TeamMemberOut, **WRITE},
              summary="Make a member a leader of the team, or not")
def set_team_leader(request: HttpRequest, team_member_id: int, payload: TeamLeaderIn):
    member = selectors.team_member_get(user=request.auth, pk=team_member_id)
    return team_services.team_leader_set(actor=request.auth, member=member, is_leader=payload.is_leader)


@router.delete("/teams/members/{team_member_id}", response={204: None, **WRITE}, summary="Remove a member from a team")
def remove_team_member(request: HttpRequest, team_member_id: int):
    member = selectors.team_member_get(user=request.auth, pk=team_member_id)
    team_services.team_member_remove(actor=request.auth, member=member)
    return Status(204, None)
