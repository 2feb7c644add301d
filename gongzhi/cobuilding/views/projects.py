"""Co-building pages: the projects list (项目清单) and the units' problem list (问题清单).

Projects: the list (filters by state, area, owner; overdue milestones flagged), a new project (also
from a need: ?need=<id>), a project with its agreement, partners, milestones, workflow actions,
renewal and the residents' evaluation, and the signed agreement's download. Problems: the list, a
new problem, a problem with its progress and the staff's actions. Reads through the scoped
selectors (outside scope is 404); writes through the services, errors shown beside the field."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.areas.models import AreaNode
from gongzhi.core import downloads
from gongzhi.core.errors import Conflict, DomainError, InvalidInput
from gongzhi.core.permissions import can, page_requires, scoped_page

from ..models import Category, Need, ProblemKind, ProblemState, ProjectState
from ..selectors import problems as problem_selectors
from ..selectors import projects as selectors
from ..services import problems as problem_service
from ..services import projects as service

PER_PAGE = 30
PARTNER_ROWS = 3
MILESTONE_ROWS = 3


def _int(raw) -> int | None:
    raw = (raw or "").strip() if isinstance(raw, str) else raw
    return int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 10 else None


def _errors(exc: DomainError, field: str) -> dict:
    return getattr(exc, "fields", None) or {field: [exc.message]}


# --- projects -------------------------------------------------------------------------------------


@page_requires("cobuilding.view_home")
@scoped_page
def project_list(request):
    state = request.GET.get("state", "")
    state = state if state in ProjectState.values else ""
    area_id, owner_id = _int(request.GET.get("area")), _int(request.GET.get("owner"))
    overdue = request.GET.get("overdue") == "1"
    rows = selectors.projects_visible(user=request.user, state=state, area_id=area_id, owner_id=owner_id,
                                      overdue=overdue)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    keeper = can(request.user, "cobuilding.keep_projects")
    return render(request, "cobuilding/projects/list.html", {
        "page": page, "states": ProjectState.choices, "state": state, "area_id": area_id, "owner_id": owner_id,
        "overdue": overdue, "can_keep": keeper,
        "areas": selectors.project_areas(request.user) if keeper else [],
        "units": selectors.units_for(request.user)[:300] if keeper else [],
    })


def _form_choices(user) -> dict:
    return {
        "areas": selectors.project_areas(user),
        "units": list(selectors.units_for(user)[:500]),
        "reports": list(selectors.member_reports_for(user)[:500]),
        "decisions": list(selectors.decisions_for(user)[:200]),
        "categories": Category.objects.filter(is_active=True).order_by("order", "name"),
        "partner_rows": range(PARTNER_ROWS), "milestone_rows": range(MILESTONE_ROWS),
    }


def _partners_from(post, choices) -> list[dict]:
    units = {u.pk: u for u in choices["units"]}
    reports = {r.pk: r for r in choices["reports"]}
    rows = []
    for i in range(PARTNER_ROWS):
        who = post.get(f"partner_{i}", "")
        duties = post.get(f"partner_duties_{i}", "")
        if not who:
            continue
        kind, _sep, pk = who.partition(":")
        found = units.get(_int(pk)) if kind == "unit" else reports.get(_int(pk)) if kind == "member" else None
        if found is None:
            message = _("Choose partners from the list.")
            raise InvalidInput(message, fields={"partners": [message]})
        rows.append({"unit": found, "duties": duties} if kind == "unit" else {"member_report": found, "duties": duties})
    return rows


FORM_FIELDS = ("area", "title", "description", "category", "owner_unit", "agreement_parties", "agreement_duties",
               "term_start", "term_end", "agreement_signed_on", "budget", "decision")


@page_requires("cobuilding.keep_projects")
@scoped_page
def project_new(request):
    user = request.user
    choices = _form_choices(user)
    need = None
    need_id = _int(request.GET.get("need") or request.POST.get("need"))
    if need_id:
        need = Need.objects.visible_or_404(user, pk=need_id)
    values = dict.fromkeys(FORM_FIELDS, "")
    if need is not None:
        community = AreaNode.objects.filter(path=need.community_path).first()
        values.update(title=need.title, description=need.description, category=str(need.category_id),
                      area=str(community.pk if community else need.area_id))
    errors: dict = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in FORM_FIELDS}
        areas = {a.pk: a for a in choices["areas"]}
        units = {u.pk: u for u in choices["units"]}
        try:
            fields = {
                "area": areas.get(_int(values["area"])), "title": values["title"], "description": values["description"],
                "category": _int(values["category"]), "owner_unit": units.get(_int(values["owner_unit"])),
                "agreement_parties": values["agreement_parties"], "agreement_duties": values["agreement_duties"],
                "term_start": values["term_start"], "term_end": values["term_end"],
                "agreement_signed_on": values["agreement_signed_on"], "budget": values["budget"],
                "decision": _int(values["decision"]), "partners": _partners_from(request.POST, choices),
                "milestones": [(request.POST.get(f"milestone_{i}", ""), request.POST.get(f"milestone_due_{i}", ""))
                            for i in range(MILESTONE_ROWS) if request.POST.get(f"milestone_{i}", "").strip()],
            }
            if need is not None:
                project = service.project_from_need(actor=user, need=need, **fields)
            else:
                project = service.project_create(actor=user, **fields)
            upload = request.FILES.get("agreement_file")
            if upload is not None:
                try:
                    service.agreement_upload(actor=user, project=project, upload=upload)
                except InvalidInput as exc:
                    messages.warning(request, exc.message)
            return redirect("cobuilding:project-detail", project_id=project.pk)
        except InvalidInput as exc:
            errors = _errors(exc, "title")
        except Conflict as exc:
            errors = {"title": [exc.message]}
    return render(request, "cobuilding/projects/form.html", {
        **choices, "values": values, "errors": errors, "need": need, "post": request.POST,
    }, status=400 if errors else 200)


def _project_page(request, project_id: int, *, errors=None, values=None, status=200):
    user = request.user
    project = selectors.project_get(user=user, pk=project_id)
    keeper = can(user, "cobuilding.keep_projects", project)
    context = {
        "project": project, "partners": selectors.partners_of(project=project),
        "milestones": selectors.milestones_of(project=project),
        "evaluations": selectors.evaluations_of(project=project)[:50],
        "my_evaluation": selectors.my_evaluation(user=user, project=project),
        "may_evaluate": service.lives_in_area(user, project.area) and project.state != ProjectState.PLANNED,
        "renewals": selectors.renewals_of(user=user, project=project),
        "can_keep": keeper, "errors": errors or {}, "values": values or {},
    }
    if keeper:
        context.update(units=list(selectors.units_for(user)[:500]),
                       reports=list(selectors.member_reports_for(user)[:500]))
    return render(request, "cobuilding/projects/detail.html", context, status=status)


@page_requires("cobuilding.view_home")
@scoped_page
def project_detail(request, project_id: int):
    return _project_page(request, project_id)


def _act(request, project_id: int, run, field: str, done: str):
    values = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    try:
        run()
    except InvalidInput as exc:
        return _project_page(request, project_id, errors=_errors(exc, field), values=values, status=400)
    except Conflict as exc:
        return _project_page(request, project_id, errors={field: [exc.message]}, values=values, status=409)
    messages.success(request, done)
    return redirect("cobuilding:project-detail", project_id=project_id)


@require_POST
@scoped_page
def project_transition(request, project_id: int):
    selectors.project_get(user=request.user, pk=project_id)
    action, user, post = request.POST.get("action", ""), request.user, request.POST
    runs = {
        "start": lambda: service.project_start(actor=user, project=project_id),
        "complete": lambda: service.project_complete(actor=user, project=project_id, outcome=post.get("outcome", "")),
        "close": lambda: service.project_close(actor=user, project=project_id, outcome=post.get("outcome", "")),
    }
    if action not in runs:
        return _project_page(request, project_id, errors={"outcome": [_("Choose an action.")]}, status=400)
    return _act(request, project_id, runs[action], "outcome", _("Saved."))


@require_POST
@scoped_page
def project_agreement_upload(request, project_id: int):
    selectors.project_get(user=request.user, pk=project_id)
    return _act(request, project_id, lambda: service.agreement_upload(
        actor=request.user, project=project_id, upload=request.FILES.get("agreement_file"),
        signed_on=request.POST.get("agreement_signed_on", "")), "agreement_file", _("The agreement is attached."))


@require_POST
@scoped_page
def project_partner(request, project_id: int):
    user, post = request.user, request.POST
    selectors.project_get(user=user, pk=project_id)
    remove = _int(post.get("remove"))
    if remove:
        return _act(request, project_id, lambda: service.partner_remove(actor=user, partner=remove), "partners",
                    _("The partner was removed."))

    def run():
        choices = {"units": list(selectors.units_for(user)[:500]),
                   "reports": list(selectors.member_reports_for(user)[:500])}
        post_row = {"partner_0": post.get("partner", ""), "partner_duties_0": post.get("duties", "")}
        rows = _partners_from(post_row, choices)
        if not rows:
            message = _("Choose a partner.")
            raise InvalidInput(message, fields={"partners": [message]})
        service.partner_add(actor=user, project=project_id, **rows[0])

    return _act(request, project_id, run, "partners", _("The partner was added."))


@require_POST
@scoped_page
def project_milestone(request, project_id: int):
    user, post = request.user, request.POST
    selectors.project_get(user=user, pk=project_id)
    done = _int(post.get("milestone"))
    if done:
        if not selectors.Milestone.objects.filter(pk=done, project_id=project_id).exists():
            raise Http404
        return _act(request, project_id, lambda: service.milestone_done(actor=user, milestone=done,
                                                                       note=post.get("note", "")),
                    "note", _("The milestone is done."))
    return _act(request, project_id, lambda: service.milestone_add(
        actor=user, project=project_id, title=post.get("title", ""), due_on=post.get("due_on", "")),
        "milestone", _("The milestone was added."))


@page_requires("cobuilding.keep_projects")
@scoped_page
def project_renew(request, project_id: int):
    project = selectors.project_get(user=request.user, pk=project_id)
    values = {"title": project.title, "term_start": "", "term_end": "", "budget": str(project.budget)}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        try:
            new = service.project_renew(actor=request.user, project=project, **values)
            messages.success(request, _("The project was renewed."))
            return redirect("cobuilding:project-detail", project_id=new.pk)
        except InvalidInput as exc:
            errors, status = _errors(exc, "term_end"), 400
        except Conflict as exc:
            errors, status = {"term_start": [exc.message]}, 409
    return render(request, "cobuilding/projects/renew.html", {"project": project, "values": values,
                                                               "errors": errors}, status=status)


@require_POST
@scoped_page
def project_evaluate(request, project_id: int):
    selectors.project_get(user=request.user, pk=project_id)
    return _act(request, project_id, lambda: service.project_evaluate(
        actor=request.user, project=project_id, rating=request.POST.get("rating", ""),
        comment=request.POST.get("comment", "")), "rating", _("Thank you for your evaluation."))


@page_requires("cobuilding.view_home")
@scoped_page
def project_agreement(request, project_id: int):
    project = selectors.project_get(user=request.user, pk=project_id)
    if not project.agreement_file:
        raise Http404
    service.agreement_downloaded(actor=request.user, project=project)
    return downloads.serve(project.agreement_file, content_type="application/pdf",
                           name=f"{project.title}-agreement.pdf")


# --- problems -------------------------------------------------------------------------------------


@page_requires("cobuilding.view_home")
@scoped_page
def problem_list(request):
    state = request.GET.get("state", "")
    state = state if state in ProblemState.values else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in ProblemKind.values else ""
    overdue = request.GET.get("overdue") == "1"
    rows = problem_selectors.problems_visible(user=request.user, state=state, kind=kind, overdue=overdue)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cobuilding/problems/list.html", {
        "page": page, "states": ProblemState.choices, "kinds": ProblemKind.choices, "state": state, "kind": kind,
        "overdue": overdue, "can_raise": can(request.user, "cobuilding.raise_problem"),
    })


def _problem_units(user) -> list:
    if getattr(user, "unit_id", None):
        return [user.unit]
    return list(selectors.units_for(user)[:500])


@page_requires("cobuilding.raise_problem")
@scoped_page
def problem_new(request):
    user = request.user
    units = _problem_units(user)
    values = {"unit": str(units[0].pk) if len(units) == 1 else "", "area": "", "kind": "", "title": "",
              "description": ""}
    errors: dict = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        unit = {u.pk: u for u in units}.get(_int(values["unit"]))
        area = None
        if unit is not None:
            area = {a.pk: a for a in problem_service.areas_of_unit(unit)}.get(_int(values["area"]))
        try:
            problem = problem_service.problem_raise(actor=user, unit=unit, area=area, kind=values["kind"],
                                                   title=values["title"], description=values["description"])
            return redirect("cobuilding:problem-detail", problem_id=problem.pk)
        except InvalidInput as exc:
            errors = _errors(exc, "title")
    areas = []
    for unit in units[:50]:
        areas += [(unit, a) for a in problem_service.areas_of_unit(unit)]
    return render(request, "cobuilding/problems/form.html", {
        "units": units, "areas": areas, "kinds": ProblemKind.choices, "values": values, "errors": errors,
    }, status=400 if errors else 200)


def _problem_page(request, problem_id: int, *, errors=None, values=None, status=200):
    user = request.user
    problem = problem_selectors.problem_get(user=user, pk=problem_id)
    handler = can(user, "cobuilding.handle_problem", problem)
    return render(request, "cobuilding/problems/detail.html", {
        "problem": problem, "updates": problem_selectors.updates_of(problem=problem), "can_handle": handler,
        "can_withdraw": problem.state == ProblemState.OPEN and (handler or getattr(user, "unit_id", None) == problem.unit_id),
        "errors": errors or {}, "values": values or {},
    }, status=status)


@page_requires("cobuilding.view_home")
@scoped_page
def problem_detail(request, problem_id: int):
    return _problem_page(request, problem_id)


@require_POST
@scoped_page
def problem_act(request, problem_id: int):
    user, post = request.user, request.POST
    problem_selectors.problem_get(user=user, pk=problem_id)
    action = post.get("action", "")
    runs = {
        "take_up": ("owner_name", lambda: problem_service.problem_take_up(
            actor=user, problem=problem_id, owner_name=post.get("owner_name", ""), deadline=post.get("deadline", ""))),
        "report": ("text", lambda: problem_service.problem_report(actor=user, problem=problem_id,
                                                                 text=post.get("text", ""))),
        "solve": ("solution", lambda: problem_service.problem_solve(actor=user, problem=problem_id,
                                                                   solution=post.get("solution", ""))),
        "reopen": ("reason", lambda: problem_service.problem_reopen(
            actor=user, problem=problem_id, reason=post.get("reason", ""), deadline=post.get("deadline", ""))),
        "withdraw": ("title", lambda: problem_service.problem_withdraw(actor=user, problem=problem_id)),
    }
    if action not in runs:
        return _problem_page(request, problem_id, errors={"title": [_("Choose an action.")]}, status=400)
    field, run = runs[action]
    values = {k: v for k, v in post.items() if k != "csrfmiddlewaretoken"}
    try:
        run()
    except InvalidInput as exc:
        return _problem_page(request, problem_id, errors=_errors(exc, field), values=values, status=400)
    except Conflict as exc:
        return _problem_page(request, problem_id, errors={field: [exc.message]}, values=values, status=409)
    messages.success(request, _("Saved."))
    return redirect("cobuilding:problem-detail", problem_id=problem_id)


urlpatterns = [
    path("projects/", project_list, name="projects"),
    path("projects/new/", project_new, name="project-new"),
    path("projects/<int:project_id>/", project_detail, name="project-detail"),
    path("projects/<int:project_id>/transition/", project_transition, name="project-transition"),
    path("projects/<int:project_id>/agreement/upload/", project_agreement_upload, name="project-agreement-upload"),
    path("projects/<int:project_id>/agreement.pdf", project_agreement, name="project-agreement"),
    path("projects/<int:project_id>/partners/", project_partner, name="project-partner"),
    path("projects/<int:project_id>/milestones/", project_milestone, name="project-milestone"),
    path("projects/<int:project_id>/renew/", project_renew, name="project-renew"),
    path("projects/<int:project_id>/evaluate/", project_evaluate, name="project-evaluate"),
    path("problems/", problem_list, name="problems"),
    path("problems/new/", problem_new, name="problem-new"),
    path("problems/<int:problem_id>/", problem_detail, name="problem-detail"),
    path("problems/<int:problem_id>/act/", problem_act, name="problem-act"),
]
