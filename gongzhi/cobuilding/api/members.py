"""Co-building API, members: reporting in (双报到), the employer's confirmation, posts and the
service log, the quarterly reports (双报告) with their PDF, and the public 三亮一树 lists. Outside
the user's scope is 404, like absent; no phone numbers anywhere."""

import datetime
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.areas.models import AreaNode
from gongzhi.core.errors import Id, InvalidInput, errors
from gongzhi.core.pagination import Pagination
from gongzhi.core.permissions import require
from gongzhi.party.models import PartyMember

from ..models import ServicePost
from ..quarter_report_pdf import quarter_report_pdf
from ..selectors import members as selectors
from ..services import members as services
from ..services import reports as report_services

router = Router(tags=["cobuilding"])

READ = errors(400, 401, 403, 404, 422)
WRITE = errors(400, 401, 403, 404, 409, 422)


class CobPostOut(Schema):
    id: int
    kind: str
    kind_label: str
    place_id: int | None = None
    place_name: str = ""
    note: str
    started_on: datetime.date
    ended_on: datetime.date | None = None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_place_name(obj) -> str:
        return obj.place.name if obj.place_id else ""


class CobMemberReportOut(Schema):
    id: int
    member_id: int
    member_name: str
    organization_name: str
    employer_name: str
    community_id: int
    community_name: str
    state: str
    skills: str
    duty: str
    public_profile: bool
    requested_at: datetime.datetime
    confirmed_at: datetime.datetime | None = None
    decision_note: str
    ended_on: datetime.date | None = None
    posts: list[CobPostOut]

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.name

    @staticmethod
    def resolve_organization_name(obj) -> str:
        return obj.member.organization.name

    @staticmethod
    def resolve_employer_name(obj) -> str:
        return obj.member.employer.name if obj.member.employer_id else obj.member.employer_name

    @staticmethod
    def resolve_community_name(obj) -> str:
        return obj.community.name

    @staticmethod
    def resolve_posts(obj) -> list:
        return list(obj.posts.select_related("place").all())


class CobMemberListOut(CobMemberReportOut):
    quarter_hours: Decimal = Decimal("0")
    served_this_quarter: bool

    @staticmethod
    def resolve_quarter_hours(obj) -> Decimal:
        return getattr(obj, "quarter_hours", None) or Decimal("0")

    @staticmethod
    def resolve_served_this_quarter(obj) -> bool:
        return bool(getattr(obj, "quarter_services", 0))


class CobPostIn(Schema):
    kind: str
    place_id: Id | None = None
    note: str = ""


class CobReportInIn(Schema):
    community_id: Id
    skills: str = ""
    duty: str = ""
    posts: list[CobPostIn] = []
    public_profile: bool = False


class CobMemberRegisterIn(CobReportInIn):
    member_id: Id


class CobMemberProfileIn(Schema):
    skills: str = Field("", max_length=200)
    duty: str = Field("", max_length=100)
    public_profile: bool = False


class CobNoteIn(Schema):
    note: str = ""


class CobLogIn(Schema):
    served_on: datetime.date
    hours: str
    what: str
    post_id: Id | None = None


class CobLogOut(Schema):
    id: int
    report_id: int
    post_id: int | None = None
    served_on: datetime.date
    hours: Decimal
    what: str


class CobQuarterReportOut(Schema):
    id: int
    report_id: int
    member_name: str
    community_name: str
    year: int
    quarter: int
    hours: Decimal
    services: int
    lines: list[dict]
    evaluation: str
    evaluation_note: str
    state: str
    delivery: str
    sent_at: datetime.datetime | None = None
    received_at: datetime.datetime | None = None
    pdf_url: str

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.report.member.name

    @staticmethod
    def resolve_community_name(obj) -> str:
        return obj.report.community.name

    @staticmethod
    def resolve_pdf_url(obj) -> str:
        return f"/api/cobuilding/quarter-reports/{obj.pk}/pdf"


class CobGenerateIn(Schema):
    community_id: Id
    year: int
    quarter: int


class CobGeneratedOut(Schema):
    drafted: int


class CobEvaluateIn(Schema):
    evaluation: str
    note: str = ""


class CobEmployerInboxOut(Schema):
    pending: list[CobMemberReportOut]
    reports: list[CobQuarterReportOut]


def _community(pk: int | None, field: str = "community_id") -> AreaNode:
    node = AreaNode.objects.filter(pk=pk, kind="community").first() if pk else None
    if node is None:
        raise InvalidInput(_("Choose a community."), fields={field: [_("Choose a community.")]})
    return node


def _posts(items: list[CobPostIn], community: AreaNode) -> list[dict]:
    posts = []
    for item in items:
        place = None
        if item.place_id is not None:
            place = AreaNode.objects.filter(pk=item.place_id, path__startswith=community.path).first()
            if place is None:
                message = _("The place of a post lies in the community.")
                raise InvalidInput(message, fields={"posts": [message]})
        posts.append({"kind": item.kind, "place": place, "note": item.note})
    return posts


# --- the member ----------------------------------------------------------------------------------


@router.post("/members/report-in", response={201: CobMemberReportOut, **WRITE},
             summary="Report in to the community where I live (双报到)")
def report_in(request: HttpRequest, payload: CobReportInIn):
    community = _community(payload.community_id)
    report = services.report_in(actor=request.auth, community=community, skills=payload.skills, duty=payload.duty,
                                posts=_posts(payload.posts, community), public_profile=payload.public_profile)
    return Status(201, report)


@router.get("/members/mine", response={200: CobMemberReportOut | None, **READ}, summary="My registration")
def my_registration(request: HttpRequest):
    require(request.auth, "cobuilding.report_in")
    return selectors.my_report(user=request.auth)


@router.get("/members/employer-inbox", response={200: CobEmployerInboxOut, **READ},
            summary="For a unit's liaison: registrations to confirm and reports to acknowledge")
def employer_inbox(request: HttpRequest):
    require(request.auth, "cobuilding.confirm_for_employer")
    inbox = selectors.employer_inbox(user=request.auth)
    return {"pending": list(inbox["pending"]), "reports": list(inbox["reports"])}


# --- the staff's list and registrations ------------------------------------------------------------


@router.get("/members", response={200: list[CobMemberListOut], **READ}, summary="Members who reported in")
@paginate(Pagination)
def list_members(request: HttpRequest, community: Id | None = None, state: str = "", not_served: bool = False):
    require(request.auth, "cobuilding.view_list")
    return selectors.member_list(user=request.auth, community_id=community, state=state or None,
                                 not_served=not_served)


@router.post("/members", response={201: CobMemberReportOut, **WRITE}, summary="Register a member (staff)")
def register_member(request: HttpRequest, payload: CobMemberRegisterIn):
    require(request.auth, "cobuilding.keep_registrations")
    community = _community(payload.community_id)
    member = PartyMember.objects.visible_to(request.auth).filter(pk=payload.member_id).first()
    if member is None:
        message = _("Choose an in-service party member.")
        raise InvalidInput(message, fields={"member_id": [message]})
    report = services.register_member(actor=request.auth, member=member, community=community, skills=payload.skills,
                                      duty=payload.duty, posts=_posts(payload.posts, community),
                                      public_profile=payload.public_profile)
    return Status(201, report)


@router.get("/members/{member_report_id}", response={200: CobMemberReportOut, **READ}, summary="One registration")
def get_member(request: HttpRequest, member_report_id: Id):
    return selectors.report_get(user=request.auth, pk=member_report_id)


@router.post("/members/{member_report_id}/confirm", response={200: CobMemberReportOut, **WRITE},
             summary="Confirm a registration for the employer")
def confirm_member(request: HttpRequest, member_report_id: Id, payload: CobNoteIn):
    return services.confirm(actor=request.auth, report=member_report_id, note=payload.note)


@router.post("/members/{member_report_id}/refuse", response={200: CobMemberReportOut, **WRITE},
             summary="Do not confirm a registration")
def refuse_member(request: HttpRequest, member_report_id: Id, payload: CobNoteIn):
    return services.refuse(actor=request.auth, report=member_report_id, note=payload.note)


@router.put("/members/{member_report_id}/profile", response={200: CobMemberReportOut, **WRITE},
            summary="What the member offers, their duty, consent to the public profile (the member or the staff)")
def update_member_profile(request: HttpRequest, member_report_id: Id, payload: CobMemberProfileIn):
    return services.update_profile(actor=request.auth, report=member_report_id, skills=payload.skills,
                                   duty=payload.duty, public_profile=payload.public_profile)


@router.post("/members/{member_report_id}/end", response={200: CobMemberReportOut, **WRITE},
             summary="End a registration (the member or the staff)")
def end_member(request: HttpRequest, member_report_id: Id, payload: CobNoteIn):
    return services.end(actor=request.auth, report=member_report_id, note=payload.note)


@router.post("/members/{member_report_id}/posts", response={201: CobPostOut, **WRITE}, summary="Add a post")
def add_post(request: HttpRequest, member_report_id: Id, payload: CobPostIn):
    report = selectors.report_get(user=request.auth, pk=member_report_id)
    place = _posts([payload], report.community)[0]["place"]
    return Status(201, services.add_post(actor=request.auth, report=report, kind=payload.kind, place=place,
                                         note=payload.note))


@router.get("/members/{member_report_id}/log", response={200: list[CobLogOut], **READ}, summary="Service log")
@paginate(Pagination)
def list_log(request: HttpRequest, member_report_id: Id):
    return selectors.logs_of(selectors.report_get(user=request.auth, pk=member_report_id))


@router.post("/members/{member_report_id}/log", response={201: CobLogOut, **WRITE}, summary="Log a service")
def add_log(request: HttpRequest, member_report_id: Id, payload: CobLogIn):
    report = selectors.report_get(user=request.auth, pk=member_report_id)
    post = None
    if payload.post_id is not None:
        post = ServicePost.objects.filter(pk=payload.post_id, report=report).first()
        if post is None:
            message = _("Choose one of the member's posts.")
            raise InvalidInput(message, fields={"post_id": [message]})
    entry = services.log_service(actor=request.auth, report=report, served_on=payload.served_on, hours=payload.hours,
                                 what=payload.what, post=post)
    return Status(201, entry)


@router.get("/members/{member_report_id}/quarter-reports", response={200: list[CobQuarterReportOut], **READ},
            summary="A registration's quarterly reports")
def list_member_quarter_reports(request: HttpRequest, member_report_id: Id):
    report = selectors.report_get(user=request.auth, pk=member_report_id)
    return list(selectors.quarter_reports_of(report).select_related("report__member", "report__community"))


# --- quarterly reports -------------------------------------------------------------------------------


@router.get("/quarter-reports", response={200: list[CobQuarterReportOut], **READ}, summary="Quarterly reports")
@paginate(Pagination)
def list_quarter_reports(request: HttpRequest, community: Id | None = None, state: str = ""):
    require(request.auth, "cobuilding.view_list")
    return selectors.quarter_report_list(user=request.auth, community_id=community, state=state or None)


@router.post("/quarter-reports/generate", response={200: CobGeneratedOut, **WRITE},
             summary="Draft the reports of an ended quarter for a community")
def generate_quarter_reports(request: HttpRequest, payload: CobGenerateIn):
    community = AreaNode.objects.visible_to(request.auth).filter(pk=payload.community_id, kind="community").first()
    if community is None:
        raise InvalidInput(_("Choose a community."), fields={"community_id": [_("Choose a community.")]})
    return {"drafted": report_services.generate(actor=request.auth, community=community, year=payload.year,
                                                quarter=payload.quarter)}


@router.get("/quarter-reports/{quarter_report_id}", response={200: CobQuarterReportOut, **READ},
            summary="One quarterly report")
def get_quarter_report(request: HttpRequest, quarter_report_id: Id):
    return selectors.quarter_report_get(user=request.auth, pk=quarter_report_id)


@router.post("/quarter-reports/{quarter_report_id}/evaluate", response={200: CobQuarterReportOut, **WRITE},
             summary="Evaluate a report")
def evaluate_quarter_report(request: HttpRequest, quarter_report_id: Id, payload: CobEvaluateIn):
    row = selectors.quarter_report_get(user=request.auth, pk=quarter_report_id)
    return report_services.evaluate(actor=request.auth, quarter_report=row, evaluation=payload.evaluation,
                                    note=payload.note)


@router.post("/quarter-reports/{quarter_report_id}/send", response={200: CobQuarterReportOut, **WRITE},
             summary="Send to the employer (in the app, or as a PDF to post)")
def send_quarter_report(request: HttpRequest, quarter_report_id: Id):
    return report_services.send(actor=request.auth, quarter_report=quarter_report_id)


@router.post("/quarter-reports/{quarter_report_id}/acknowledge", response={200: CobQuarterReportOut, **WRITE},
             summary="Confirm receipt (the employer's liaison; the staff for a posted PDF)")
def acknowledge_quarter_report(request: HttpRequest, quarter_report_id: Id):
    return report_services.acknowledge(actor=request.auth, quarter_report=quarter_report_id)


@router.get("/quarter-reports/{quarter_report_id}/pdf", response={200: None, **READ}, summary="The report as a PDF")
def quarter_report_pdf_api(request: HttpRequest, quarter_report_id: Id):
    row = selectors.quarter_report_get(user=request.auth, pk=quarter_report_id)
    report_services.record_export(actor=request.auth, quarter_report=row)
    response = HttpResponse(quarter_report_pdf(quarter_report=row), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="quarter-report-{row.year}Q{row.quarter}-{row.pk}.pdf"'
    return response
