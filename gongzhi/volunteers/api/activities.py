"""The volunteers' activities API (/api/volunteers/activities/…): the activities open to me and
those of my scope, one activity, setting up (one-off or a series), changing, publishing,
cancelling, finishing; signing up and cancelling; checking in and out by the code; the organiser's
current code, the roster, checking someone in or out by hand and evaluating them."""


import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.areas.models import AreaNode
from gongzhi.core.errors import Id, InvalidInput, NotFound, errors
from gongzhi.core.pagination import Pagination
from gongzhi.core.permissions import can

from ..models import Skill, Team
from ..selectors import activities as selectors
from ..services import activities as services

router = Router(tags=["volunteers"])
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(401, 403, 404)


class ActivityOut(Schema):
    id: int
    title: str
    type: str
    type_label: str
    theme: str
    area_id: int
    area_name: str
    team_id: int | None = None
    team_name: str = ""
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    taken: int = 0
    waiting: int = 0
    skills: list[str] = []
    description: str
    recurrence: str
    series: str
    state: str
    state_label: str
    cancel_reason: str

    @staticmethod
    def resolve_type_label(obj) -> str:
        return str(obj.get_type_display())

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_team_name(obj) -> str:
        return obj.team.name if obj.team_id else ""

    @staticmethod
    def resolve_skills(obj) -> list[str]:
        return [s.name for s in obj.skills.all()]

    @staticmethod
    def resolve_taken(obj) -> int:
        return getattr(obj, "taken", None) if hasattr(obj, "taken") else selectors.taken_places(obj)


class ActivitySignupOut(Schema):
    id: int
    activity_id: int
    volunteer_id: int
    volunteer_name: str
    state: str
    state_label: str
    signed_up_at: dt.datetime
    checked_in_at: dt.datetime | None = None
    checked_out_at: dt.datetime | None = None
    check_method: str
    minutes: int
    evaluation: str

    @staticmethod
    def resolve_volunteer_name(obj) -> str:
        return obj.volunteer.name

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class ActivityDetailOut(ActivityOut):
    my_signup: ActivitySignupOut | None = None
    runs: bool = False


class ActivityIn(Schema):
    area_id: Id
    title: str = Field(max_length=100)
    type: str = Field(max_length=15)
    theme: str = Field("", max_length=100)
    place: str = Field(max_length=200)
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int = Field(ge=1, le=10000)
    description: str = Field("", max_length=5000)
    team_id: Id | None = None
    skill_ids: list[Id] = []
    recurrence: str = Field("once", max_length=10)
    repeat_until: dt.date | None = None
    publish: bool = False


class ActivityChangeIn(Schema):
    title: str | None = Field(None, max_length=100)
    type: str | None = Field(None, max_length=15)
    theme: str | None = Field(None, max_length=100)
    place: str | None = Field(None, max_length=200)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    capacity: int | None = Field(None, ge=1, le=10000)
    description: str | None = Field(None, max_length=5000)
    skill_ids: list[Id] | None = None


class ActivityReasonIn(Schema):
    reason: str = Field(max_length=200)


class ActivityCodeIn(Schema):
    code: str = Field(max_length=12)


class ActivityHandIn(Schema):
    at: dt.datetime | None = None


class ActivityEvaluationIn(Schema):
    evaluation: str = Field(max_length=200)


class ActivityCodeOut(Schema):
    code: str
    seconds_left: int
    window_seconds: int
    check_in_url: str


class ActivityRosterOut(Schema):
    signed_up: list[ActivitySignupOut]
    waitlisted: list[ActivitySignupOut]
    checked_in: list[ActivitySignupOut]
    done: list[ActivitySignupOut]
    no_show: list[ActivitySignupOut]
    cancelled: list[ActivitySignupOut]


def _detail(request, pk: int):
    activity = selectors.activity_for(request.auth, pk)
    activity.my_signup = selectors.my_signup(request.auth, activity)
    activity.runs = can(request.auth, "volunteers.run_activity", activity)
    return activity


def _skills(ids) -> list[Skill]:
    return list(Skill.objects.filter(pk__in=ids)) if ids else []


@router.get("/activities", response={200: list[ActivityOut], **errors(401, 403, 404, 422)},
            summary="Activities of my scope (staff), by month")
@paginate(Pagination)
def activity_list(request: HttpRequest, month: dt.date | None = None):
    return selectors.staff_activities(request.auth, month=month)


@router.get("/activities/open", response={200: list[ActivityOut], **errors(401, 403, 404, 422)},
            summary="Upcoming activities open to me for sign-up")
@paginate(Pagination)
def activity_open_list(request: HttpRequest, type: str = "", skill: Id | None = None, on: dt.date | None = None,
                       until: dt.date | None = None):
    return selectors.open_activities(request.auth, type=type, skill=skill, on=on, until=until)


@router.get("/activities/mine", response={200: list[ActivitySignupOut], **errors(401, 403, 404, 422)},
            summary="My sign-ups")
@paginate(Pagination)
def activity_my_signups(request: HttpRequest):
    return selectors.my_signups(request.auth)


@router.post("/activities", response={201: ActivityDetailOut, **WRITE_ERRORS},
             summary="Set up an activity (or a weekly/monthly series)")
def activity_new(request: HttpRequest, payload: ActivityIn):
    area = AreaNode.objects.filter(pk=payload.area_id).first()
    if area is None or not can(request.auth, "volunteers.run_activity", area):
        message = _("Choose an area where you run activities.")
        raise InvalidInput(message, fields={"area_id": [message]})
    team = None
    if payload.team_id is not None:
        team = Team.objects.filter(pk=payload.team_id).first()
        if team is None:  # the service checks the team works in the area and is the leader's own
            message = _("Choose the team you lead.")
            raise InvalidInput(message, fields={"team_id": [message]})
    activity = services.activity_create(
        actor=request.auth, area=area, title=payload.title, type=payload.type, theme=payload.theme,
        place=payload.place, starts_at=payload.starts_at, ends_at=payload.ends_at, capacity=payload.capacity,
        description=payload.description, team=team, skills=_skills(payload.skill_ids), recurrence=payload.recurrence,
        repeat_until=payload.repeat_until, publish=payload.publish,
    )
    return Status(201, _detail(request, activity.pk))


@router.get("/activities/{activity_id}", response={200: ActivityDetailOut, **READ_ERRORS}, summary="One activity")
def activity_detail(request: HttpRequest, activity_id: int):
    return _detail(request, activity_id)


@router.patch("/activities/{activity_id}", response={200: ActivityDetailOut, **WRITE_ERRORS},
              summary="Change the activity")
def activity_change(request: HttpRequest, activity_id: int, payload: ActivityChangeIn):
    selectors.activity_for(request.auth, activity_id)
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    skill_ids = changes.pop("skill_ids", None)
    services.activity_update(actor=request.auth, activity=activity_id,
                             skills=_skills(skill_ids) if skill_ids is not None else None, **changes)
    return _detail(request, activity_id)


@router.post("/activities/{activity_id}/publish", response={200: ActivityDetailOut, **WRITE_ERRORS},
             summary="Publish for sign-up")
def activity_publish(request: HttpRequest, activity_id: int):
    services.activity_publish(actor=request.auth, activity=selectors.activity_for(request.auth, activity_id))
    return _detail(request, activity_id)


@router.post("/activities/{activity_id}/cancel", response={200: ActivityDetailOut, **WRITE_ERRORS},
             summary="Cancel the activity with the reason (those signed up are told)")
def activity_cancel(request: HttpRequest, activity_id: int, payload: ActivityReasonIn):
    services.activity_cancel(actor=request.auth, activity=selectors.activity_for(request.auth, activity_id),
                             reason=payload.reason)
    return _detail(request, activity_id)


@router.post("/activities/{activity_id}/finish", response={200: ActivityDetailOut, **WRITE_ERRORS},
             summary="Finish: check out those still in, record no-shows")
def activity_finish(request: HttpRequest, activity_id: int):
    services.activity_finish(actor=request.auth, activity=selectors.activity_for(request.auth, activity_id))
    return _detail(request, activity_id)


@router.post("/activities/{activity_id}/signup", response={201: ActivitySignupOut, **WRITE_ERRORS},
             summary="Sign me up (or onto the waiting list)")
def activity_sign_up(request: HttpRequest, activity_id: int):
    activity = selectors.activity_for(request.auth, activity_id)
    return Status(201, services.signup_create(actor=request.auth, activity=activity))


@router.post("/activities/{activity_id}/signup/cancel", response={200: ActivitySignupOut, **WRITE_ERRORS},
             summary="Cancel my sign-up (the first waiting moves up)")
def activity_sign_up_cancel(request: HttpRequest, activity_id: int):
    activity = selectors.activity_for(request.auth, activity_id)
    signup = selectors.my_signup(request.auth, activity)
    if signup is None:
        raise NotFound()
    return services.signup_cancel(actor=request.auth, signup=signup)


@router.post("/activities/{activity_id}/check-in", response={200: ActivitySignupOut, **WRITE_ERRORS},
             summary="Check in with the code on the organiser's phone")
def activity_check_in(request: HttpRequest, activity_id: int, payload: ActivityCodeIn):
    selectors.activity_for(request.auth, activity_id)
    return services.check_in_by_code(actor=request.auth, activity=activity_id, code=payload.code)


@router.post("/activities/{activity_id}/check-out", response={200: ActivitySignupOut, **WRITE_ERRORS},
             summary="Check out with the code on the organiser's phone")
def activity_check_out(request: HttpRequest, activity_id: int, payload: ActivityCodeIn):
    selectors.activity_for(request.auth, activity_id)
    return services.check_out_by_code(actor=request.auth, activity=activity_id, code=payload.code)


@router.get("/activities/{activity_id}/code", response={200: ActivityCodeOut, **READ_ERRORS},
            summary="The code to show now (the organiser)")
def activity_code(request: HttpRequest, activity_id: int):
    from django.urls import reverse

    shown = services.current_code(actor=request.auth, activity=activity_id)
    url = request.build_absolute_uri(reverse("volunteers:activity-check-in", args=[activity_id]))
    return {**shown, "check_in_url": f"{url}?code={shown['code']}"}


@router.get("/activities/{activity_id}/roster", response={200: ActivityRosterOut, **READ_ERRORS},
            summary="Who signed up, waits, came, served, did not come")
def activity_roster(request: HttpRequest, activity_id: int):
    from gongzhi.core.permissions import require

    activity = selectors.activity_for(request.auth, activity_id)
    if not can(request.auth, "volunteers.view_list", activity):
        require(request.auth, "volunteers.run_activity", activity)
    return selectors.roster(activity)


@router.post("/activities/signups/{signup_id}/check-in", response={200: ActivitySignupOut, **WRITE_ERRORS},
             summary="Check someone in by hand (the organiser)")
def activity_hand_check_in(request: HttpRequest, signup_id: int, payload: ActivityHandIn):
    return services.check_in_by_organiser(actor=request.auth, signup=selectors.signup_for(request.auth, signup_id),
                                          at=payload.at)


@router.post("/activities/signups/{signup_id}/check-out", response={200: ActivitySignupOut, **WRITE_ERRORS},
             summary="Check someone out by hand (the organiser)")
def activity_hand_check_out(request: HttpRequest, signup_id: int, payload: ActivityHandIn):
    return services.check_out_by_organiser(actor=request.auth, signup=selectors.signup_for(request.auth, signup_id),
                                           at=payload.at)


@router.post("/activities/signups/{signup_id}/evaluation", response={200: ActivitySignupOut, **WRITE_ERRORS},
             summary="The organiser's evaluation of a participant")
def activity_evaluate(request: HttpRequest, signup_id: int, payload: ActivityEvaluationIn):
    return services.signup_evaluate(actor=request.auth, signup=selectors.signup_for(request.auth, signup_id),
                                    evaluation=payload.evaluation)
