"""Co-building API: the projects list (/api/cobuilding/projects/…) — list, create (also from a
need), one project with partners, milestones and evaluations, change, the workflow (start,
complete, close), renewal, partners, milestones, the signed agreement (upload, download), the
residents' evaluation — and the units' problem list (/api/cobuilding/problems/…): list, raise, one
problem with its progress, take up, report, solve, reopen, withdraw."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from gongzhi.areas.models import AreaNode
from gongzhi.core import downloads
from gongzhi.core.errors import Id, InvalidInput, NotFound, errors
from gongzhi.core.pagination import Pagination
from gongzhi.core.permissions import require

from ..models import MemberReport, Need, ProblemKind
from ..selectors import problems as problem_selectors
from ..selectors import projects as selectors
from ..services import problems as problem_service
from ..services import projects as service

router = Router(tags=["cobuilding"])

READ = errors(400, 401, 403, 404, 422)
WRITE = errors(400, 401, 403, 404, 409, 422)


class CobProjectPartnerOut(Schema):
    id: int
    name: str
    unit_id: int | None = None
    member_report_id: int | None = None
    duties: str


class CobMilestoneOut(Schema):
    id: int
    title: str
    due_on: dt.date
    done_on: dt.date | None = None
    note: str
    is_overdue: bool = False


class CobProjectEvaluationOut(Schema):
    id: int
    rating: int
    comment: str
    created_at: dt.datetime


class CobProjectOut(Schema):
    id: int
    title: str
    area_id: int
    area_name: str
    owner_unit_id: int
    owner_unit_name: str
    category_id: int | None = None
    state: str
    term_start: dt.date
    term_end: dt.date
    budget: Decimal
    has_overdue_milestone: bool
    rating_average: float | None = None
    rating_count: int
    decision_id: int | None = None
    renewed_from_id: int | None = None

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_owner_unit_name(obj) -> str:
        return obj.owner_unit.name

    @staticmethod
    def resolve_has_overdue_milestone(obj) -> bool:
        return bool(getattr(obj, "has_overdue", False))

    @staticmethod
    def resolve_rating_average(obj) -> float | None:
        average = getattr(obj, "rating_average", None)
        return round(float(average), 2) if average is not None else None

    @staticmethod
    def resolve_rating_count(obj) -> int:
        return getattr(obj, "rating_count", 0) or 0


class CobProjectDetailOut(CobProjectOut):
    description: str
    agreement_parties: str
    agreement_duties: str
    agreement_signed_on: dt.date | None = None
    has_agreement_file: bool
    outcome: str
    partners: list[CobProjectPartnerOut]
    milestones: list[CobMilestoneOut]
    evaluations: list[CobProjectEvaluationOut]

    @staticmethod
    def resolve_has_agreement_file(obj) -> bool:
        return bool(obj.agreement_file)

    @staticmethod
    def resolve_partners(obj) -> list:
        return getattr(obj, "partners_list", [])

    @staticmethod
    def resolve_milestones(obj) -> list:
        return getattr(obj, "milestones_list", [])

    @staticmethod
    def resolve_evaluations(obj) -> list:
        return getattr(obj, "evaluations_list", [])


class CobPartnerIn(Schema):
    unit_id: Id | None = None
    member_report_id: Id | None = None
    duties: str = ""


class CobMilestoneIn(Schema):
    title: str
    due_on: dt.date


class CobProjectIn(Schema):
    area_id: Id | None = None
    title: str = ""
    description: str = ""
    category_id: Id | None = None
    owner_unit_id: Id
    agreement_parties: str = ""
    agreement_duties: str = ""
    term_start: dt.date
    term_end: dt.date
    agreement_signed_on: dt.date | None = None
    budget: Decimal = Decimal("0")
    decision_id: Id | None = None
    need_id: Id | None = None
    partners: list[CobPartnerIn] = []
    milestones: list[CobMilestoneIn] = []


class CobProjectChangeIn(Schema):
    title: str | None = None
    description: str | None = None
    agreement_parties: str | None = None
    agreement_duties: str | None = None
    term_start: dt.date | None = None
    term_end: dt.date | None = None
    agreement_signed_on: dt.date | None = None
    budget: Decimal | None = None
    decision_id: Id | None = None


class CobProjectTransitionIn(Schema):
    outcome: str = ""


class CobProjectRenewIn(Schema):
    term_start: dt.date
    term_end: dt.date
    title: str = ""
    budget: Decimal | None = None


class CobMilestoneDoneIn(Schema):
    note: str = ""
    done_on: dt.date | None = None


class CobEvaluationIn(Schema):
    rating: int
    comment: str = ""


class CobProblemUpdateOut(Schema):
    id: int
    text: str
    created_at: dt.datetime


class CobProblemOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    area_id: int
    kind: str
    title: str
    state: str
    owner_name: str
    deadline: dt.date | None = None
    is_overdue: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_is_overdue(obj) -> bool:
        return bool(getattr(obj, "is_overdue", False))


class CobProblemDetailOut(CobProblemOut):
    description: str
    solution: str
    updates: list[CobProblemUpdateOut]

    @staticmethod
    def resolve_updates(obj) -> list:
        return getattr(obj, "updates_list", [])


class CobProblemIn(Schema):
    unit_id: Id
    area_id: Id
    kind: str
    title: str
    description: str = ""


class CobProblemTakeUpIn(Schema):
    owner_name: str
    deadline: dt.date


class CobProblemReportIn(Schema):
    text: str


class CobProblemSolveIn(Schema):
    solution: str


class CobProblemReopenIn(Schema):
    reason: str
    deadline: dt.date | None = None


# --- projects -------------------------------------------------------------------------------------


def _project(user, pk: int):
    project = selectors.project_get(user=user, pk=pk)
    project.partners_list = list(selectors.partners_of(project=project))
    project.milestones_list = selectors.milestones_of(project=project)
    project.evaluations_list = list(selectors.evaluations_of(project=project)[:200])
    return project


def _detail(user, pk: int):
    return _project(user, pk)


def _partners(user, rows: list[CobPartnerIn]) -> list[dict]:
    units = selectors.units_for(user)
    made = []
    for row in rows:
        if row.unit_id is not None:
            unit = units.filter(pk=row.unit_id).first()
            if unit is None:
                raise InvalidInput(_("Choose partners from the list."), fields={"partners": [_("Choose partners from the list.")]})
            made.append({"unit": unit, "duties": row.duties})
        elif row.member_report_id is not None:
            report = MemberReport.objects.visible_to(user).filter(pk=row.member_report_id).first()
            if report is None:
                raise InvalidInput(_("Choose partners from the list."), fields={"partners": [_("Choose partners from the list.")]})
            made.append({"member_report": report, "duties": row.duties})
        else:
            raise InvalidInput(_("Each partner is a unit or a reported party member."),
                               fields={"partners": [_("Each partner is a unit or a reported party member.")]})
    return made


@router.get("/projects", response={200: list[CobProjectOut], **READ}, summary="Co-building projects I see")
@paginate(Pagination)
def project_list(request: HttpRequest, state: str = "", area_id: Id | None = None, owner_unit_id: Id | None = None,
                 overdue: bool = False):
    require(request.auth, "cobuilding.view_home")
    return selectors.projects_visible(user=request.auth, state=state, area_id=area_id, owner_id=owner_unit_id,
                                      overdue=overdue)


@router.post("/projects", response={201: CobProjectDetailOut, **WRITE},
             summary="A new project (from a need when need_id is given)")
def project_create(request: HttpRequest, payload: CobProjectIn):
    user = request.auth
    require(user, "cobuilding.keep_projects")
    area = None
    if payload.area_id is not None:
        area = AreaNode.objects.visible_to(user).filter(pk=payload.area_id).first()
        if area is None:
            raise InvalidInput(_("Choose the community or street of the project."),
                               fields={"area_id": [_("Choose the community or street of the project.")]})
    owner = selectors.units_for(user).filter(pk=payload.owner_unit_id).first()
    if owner is None:
        raise InvalidInput(_("Choose the unit that owns the project."),
                           fields={"owner_unit_id": [_("Choose the unit that owns the project.")]})
    fields = {
        "description": payload.description, "agreement_parties": payload.agreement_parties,
        "agreement_duties": payload.agreement_duties, "agreement_signed_on": payload.agreement_signed_on,
        "budget": payload.budget, "decision": payload.decision_id, "partners": _partners(user, payload.partners),
        "milestones": [(m.title, m.due_on) for m in payload.milestones],
    }
    if payload.category_id is not None:
        fields["category"] = payload.category_id
    if payload.need_id is not None:
        need = Need.objects.visible_or_404(user, pk=payload.need_id)
        made = service.project_from_need(actor=user, need=need, owner_unit=owner, term_start=payload.term_start,
                                         term_end=payload.term_end, title=payload.title, area=area, **fields)
    else:
        if area is None:
            raise InvalidInput(_("Choose the community or street of the project."),
                               fields={"area_id": [_("Choose the community or street of the project.")]})
        made = service.project_create(actor=user, area=area, title=payload.title, owner_unit=owner,
                                      term_start=payload.term_start, term_end=payload.term_end, **fields)
    return Status(201, _detail(user, made.pk))


@router.get("/projects/{project_id}", response={200: CobProjectDetailOut, **READ},
            summary="A project with its agreement, partners, milestones and evaluations")
def project_get(request: HttpRequest, project_id: Id):
    return _detail(request.auth, project_id)


@router.patch("/projects/{project_id}", response={200: CobProjectDetailOut, **WRITE}, summary="Change a project")
def project_update(request: HttpRequest, project_id: Id, payload: CobProjectChangeIn):
    selectors.project_get(user=request.auth, pk=project_id)
    changes = payload.dict(exclude_unset=True)
    if "decision_id" in changes:
        changes["decision"] = changes.pop("decision_id")
    service.project_update(actor=request.auth, project=project_id, **changes)
    return _detail(request.auth, project_id)


@router.post("/projects/{project_id}/start", response={200: CobProjectDetailOut, **WRITE}, summary="Start a project")
def project_start(request: HttpRequest, project_id: Id):
    selectors.project_get(user=request.auth, pk=project_id)
    service.project_start(actor=request.auth, project=project_id)
    return _detail(request.auth, project_id)


@router.post("/projects/{project_id}/complete", response={200: CobProjectDetailOut, **WRITE},
             summary="Mark a project completed with its outcome")
def project_complete(request: HttpRequest, project_id: Id, payload: CobProjectTransitionIn):
    selectors.project_get(user=request.auth, pk=project_id)
    service.project_complete(actor=request.auth, project=project_id, outcome=payload.outcome)
    return _detail(request.auth, project_id)


@router.post("/projects/{project_id}/close", response={200: CobProjectDetailOut, **WRITE}, summary="Close a project")
def project_close(request: HttpRequest, project_id: Id, payload: CobProjectTransitionIn):
    selectors.project_get(user=request.auth, pk=project_id)
    service.project_close(actor=request.auth, project=project_id, outcome=payload.outcome)
    return _detail(request.auth, project_id)


@router.post("/projects/{project_id}/renew", response={201: CobProjectDetailOut, **WRITE},
             summary="Renew a project for a new term (a new project with the same partners)")
def project_renew(request: HttpRequest, project_id: Id, payload: CobProjectRenewIn):
    selectors.project_get(user=request.auth, pk=project_id)
    made = service.project_renew(actor=request.auth, project=project_id, term_start=payload.term_start,
                                 term_end=payload.term_end, title=payload.title, budget=payload.budget)
    return Status(201, _detail(request.auth, made.pk))


@router.post("/projects/{project_id}/partners", response={201: CobProjectPartnerOut, **WRITE}, summary="Add a partner")
def partner_add(request: HttpRequest, project_id: Id, payload: CobPartnerIn):
    selectors.project_get(user=request.auth, pk=project_id)
    rows = _partners(request.auth, [payload])
    return Status(201, service.partner_add(actor=request.auth, project=project_id, **rows[0]))


@router.delete("/projects/{project_id}/partners/{partner_id}", response={204: None, **WRITE},
               summary="Remove a partner")
def partner_remove(request: HttpRequest, project_id: Id, partner_id: Id):
    project = selectors.project_get(user=request.auth, pk=project_id)
    if not project.partners.filter(pk=partner_id).exists():
        raise NotFound()
    service.partner_remove(actor=request.auth, partner=partner_id)
    return Status(204, None)


@router.post("/projects/{project_id}/milestones", response={201: CobMilestoneOut, **WRITE}, summary="Add a milestone")
def milestone_add(request: HttpRequest, project_id: Id, payload: CobMilestoneIn):
    selectors.project_get(user=request.auth, pk=project_id)
    return Status(201, service.milestone_add(actor=request.auth, project=project_id, title=payload.title,
                                             due_on=payload.due_on))


@router.post("/projects/{project_id}/milestones/{milestone_id}/done", response={200: CobMilestoneOut, **WRITE},
             summary="Mark a milestone done with a note")
def milestone_done(request: HttpRequest, project_id: Id, milestone_id: Id, payload: CobMilestoneDoneIn):
    project = selectors.project_get(user=request.auth, pk=project_id)
    if not project.milestones.filter(pk=milestone_id).exists():
        raise NotFound()
    return service.milestone_done(actor=request.auth, milestone=milestone_id, note=payload.note,
                                  done_on=payload.done_on)


@router.post("/projects/{project_id}/agreement", response={200: CobProjectDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)},
             summary="Attach the signed agreement (multipart: a PDF)")
def agreement_upload(request: HttpRequest, project_id: Id, file: UploadedFile = File(default=None)):  # noqa: B008
    selectors.project_get(user=request.auth, pk=project_id)
    service.agreement_upload(actor=request.auth, project=project_id, upload=file,
                             signed_on=request.POST.get("agreement_signed_on") or None)
    return _detail(request.auth, project_id)


@router.get("/projects/{project_id}/agreement.pdf", response={200: None, **READ}, summary="The signed agreement (PDF)")
def agreement_download(request: HttpRequest, project_id: Id):
    project = selectors.project_get(user=request.auth, pk=project_id)
    if not project.agreement_file:
        raise NotFound()
    service.agreement_downloaded(actor=request.auth, project=project)
    return downloads.serve(project.agreement_file, content_type="application/pdf",
                           name=f"{project.title}-agreement.pdf")


@router.post("/projects/{project_id}/evaluations", response={201: CobProjectEvaluationOut, **WRITE},
             summary="A resident of the area rates the project 1–5 (once)")
def project_evaluate(request: HttpRequest, project_id: Id, payload: CobEvaluationIn):
    selectors.project_get(user=request.auth, pk=project_id)
    return Status(201, service.project_evaluate(actor=request.auth, project=project_id, rating=payload.rating,
                                                comment=payload.comment))


# --- problems -------------------------------------------------------------------------------------


def _problem(user, pk: int):
    problem = problem_selectors.problem_get(user=user, pk=pk)
    problem.updates_list = list(problem_selectors.updates_of(problem=problem))
    return problem


@router.get("/problems", response={200: list[CobProblemOut], **READ}, summary="Units' problems I see")
@paginate(Pagination)
def problem_list(request: HttpRequest, state: str = "", kind: str = "", unit_id: Id | None = None,
                 overdue: bool = False):
    require(request.auth, "cobuilding.view_home")
    return problem_selectors.problems_visible(user=request.auth, state=state, kind=kind, unit_id=unit_id,
                                              overdue=overdue)


@router.post("/problems", response={201: CobProblemDetailOut, **WRITE}, summary="Raise a unit's problem")
def problem_raise(request: HttpRequest, payload: CobProblemIn):
    user = request.auth
    require(user, "cobuilding.raise_problem")
    if getattr(user, "unit_id", None) == payload.unit_id:
        unit = user.unit
    else:
        unit = selectors.units_for(user).filter(pk=payload.unit_id).first()
    if unit is None:
        raise InvalidInput(_("Choose the unit."), fields={"unit_id": [_("Choose the unit.")]})
    area = next((a for a in problem_service.areas_of_unit(unit) if a.pk == payload.area_id), None)
    if area is None:
        raise InvalidInput(_("Choose the unit's street or community."),
                           fields={"area_id": [_("Choose the unit's street or community.")]})
    if payload.kind not in ProblemKind.values:
        raise InvalidInput(_("Choose a kind from the list."), fields={"kind": [_("Choose a kind from the list.")]})
    made = problem_service.problem_raise(actor=user, unit=unit, area=area, kind=payload.kind, title=payload.title,
                                         description=payload.description)
    return Status(201, _problem(user, made.pk))


@router.get("/problems/{problem_id}", response={200: CobProblemDetailOut, **READ},
            summary="A unit's problem with its progress")
def problem_get(request: HttpRequest, problem_id: Id):
    return _problem(request.auth, problem_id)


@router.post("/problems/{problem_id}/take-up", response={200: CobProblemDetailOut, **WRITE},
             summary="Take up a problem: who and by when")
def problem_take_up(request: HttpRequest, problem_id: Id, payload: CobProblemTakeUpIn):
    problem_selectors.problem_get(user=request.auth, pk=problem_id)
    problem_service.problem_take_up(actor=request.auth, problem=problem_id, owner_name=payload.owner_name,
                                    deadline=payload.deadline)
    return _problem(request.auth, problem_id)


@router.post("/problems/{problem_id}/progress", response={201: CobProblemUpdateOut, **WRITE},
             summary="Report progress on a problem")
def problem_report(request: HttpRequest, problem_id: Id, payload: CobProblemReportIn):
    problem_selectors.problem_get(user=request.auth, pk=problem_id)
    return Status(201, problem_service.problem_report(actor=request.auth, problem=problem_id, text=payload.text))


@router.post("/problems/{problem_id}/solve", response={200: CobProblemDetailOut, **WRITE},
             summary="Mark a problem solved, saying how")
def problem_solve(request: HttpRequest, problem_id: Id, payload: CobProblemSolveIn):
    problem_selectors.problem_get(user=request.auth, pk=problem_id)
    problem_service.problem_solve(actor=request.auth, problem=problem_id, solution=payload.solution)
    return _problem(request.auth, problem_id)


@router.post("/problems/{problem_id}/reopen", response={200: CobProblemDetailOut, **WRITE},
             summary="Reopen a solved problem")
def problem_reopen(request: HttpRequest, problem_id: Id, payload: CobProblemReopenIn):
    problem_selectors.problem_get(user=request.auth, pk=problem_id)
    problem_service.problem_reopen(actor=request.auth, problem=problem_id, reason=payload.reason,
                                   deadline=payload.deadline)
    return _problem(request.auth, problem_id)


@router.post("/problems/{problem_id}/withdraw", response={200: CobProblemDetailOut, **WRITE},
             summary="Withdraw a problem not yet taken up (the unit)")
def problem_withdraw(request: HttpRequest, problem_id: Id):
    problem_selectors.problem_get(user=request.auth, pk=problem_id)
    problem_service.problem_withdraw(actor=request.auth, problem=problem_id)
    return _problem(request.auth, problem_id)
