"""Staff pages of the resolution side (desktop and phone): the area's resolutions with filters
(state, overdue milestones, open rectifications), a resolution's page (owners, plan, milestones,
spending, progress with photos, the committee's rectifications and sign-off, the actions the gate
offers), owners' "my resolutions", the committee's open rectifications, photos and the printable
notice. Reads through the scoped selectors (outside scope is 404); writes through the services,
whose refusals come back beside the field."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.areas.models import AreaNode, Department, Unit
from gongzhi.core import downloads
from gongzhi.core import selectors as core_selectors
from gongzhi.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from gongzhi.core.permissions import can, page_requires
from gongzhi.core.permissions import scoped_page as scoped

from .. import selectors_resolutions as selectors
from ..models import RectificationState, ResolutionState
from ..pdf import notice_pdf
from ..public_selectors import community_of
from ..services import resolutions as service
from ..services import supervision
from ..services.publication import notice, notice_filename

PER_PAGE = 20




def _yesno(request, name: str) -> bool:
    return request.GET.get(name) in ("1", "on", "true")


def _dress(resolution) -> None:
    resolution.budget_yuan = service.yuan(resolution.budget_fen)
    resolution.spent_yuan = service.yuan(resolution.spent_fen)
    resolution.over_budget = resolution.budget_fen > 0 and resolution.spent_fen > resolution.budget_fen


STATES = (
    ("", gettext_lazy("All")),
    (ResolutionState.IMPLEMENTING, gettext_lazy("Being carried out")),
    (ResolutionState.DONE, gettext_lazy("Carried out, awaiting sign-off")),
    ("signed_off", gettext_lazy("Signed off")),
)


@page_requires("deliberation.view_topics")
def resolution_list(request):
    state = request.GET.get("state", "")
    if state not in dict(STATES):
        state = ""
    overdue, open_rect = _yesno(request, "overdue"), _yesno(request, "open_rectifications")
    qs = selectors.resolutions_list(user=request.user, state=state, overdue=overdue, open_rectifications=open_rect)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    for r in page:
        _dress(r)
    query = f"state={state}&overdue={'1' if overdue else ''}&open_rectifications={'1' if open_rect else ''}"
    return render(request, "deliberation/resolutions/list.html", {
        "page": page, "state": state, "states": [(v, str(label)) for v, label in STATES], "overdue": overdue,
        "open_rectifications": open_rect, "query": query, "title": _("Resolutions"),
    })


@page_requires("deliberation.carry_out")
def my_resolutions(request):
    state = request.GET.get("state", ResolutionState.IMPLEMENTING)
    page = Paginator(selectors.my_resolutions(user=request.user, state=state), PER_PAGE).get_page(request.GET.get("page"))
    for r in page:
        _dress(r)
    return render(request, "deliberation/resolutions/list.html", {
        "page": page, "state": state, "states": [(v, str(label)) for v, label in STATES[1:3]], "mine": True,
        "query": f"state={state}", "title": _("My resolutions"),
    })


@page_requires("deliberation.supervise")
def committee_rectifications(request):
    state = request.GET.get("state", "unsettled")
    qs = selectors.committee_rectifications(user=request.user, state=state)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    states = [("unsettled", _("To rectify or to check")), *[(v, str(label)) for v, label in RectificationState.choices],
              ("all", _("All"))]
    return render(request, "deliberation/resolutions/rectifications.html",
                  {"page": page, "state": state, "states": states})


# --- a resolution ---------------------------------------------------------------------------------


def _page(request, resolution_id: int, *, status: int = 200, errors=None, values=None, form: str = ""):
    user = request.user
    resolution = selectors.resolution_get(user=user, pk=resolution_id)
    _dress(resolution)
    offered = selectors.offered(user=user, resolution=resolution)
    rectifications = list(resolution.rectifications.all())
    for x in rectifications:
        x.actions = selectors.rectification_actions(user=user, rectification=x)
        x.form_key = f"rect-{x.pk}"
    area = resolution.topic.area
    context = {
        "resolution": resolution, "offered": offered, "rectifications": rectifications,
        "notice": notice(resolution), "community": community_of(area),
        "spendings": [(s, service.yuan(s.amount_fen)) for s in resolution.spendings.all()],
        "errors": errors or {}, "values": values or {}, "form": form,
        "max_photos": service.PHOTOS_PER_REPORT,
        "can_list": can(user, "deliberation.view_topics"),
    }
    if offered["manage_owners"]:
        district_path = area.path[: AreaNode.steplen]
        context["units"] = Unit.objects.filter(area__path__startswith=community_of(area).path if community_of(area)
                                               else area.path).order_by("name")[:200]
        context["departments"] = Department.objects.filter(district__path=district_path, is_active=True).order_by("name")
    if core_selectors.can_see_history(user):
        context["events"] = core_selectors.history_for(user=user, obj=resolution)[:50]
    return render(request, "deliberation/resolutions/detail.html", context, status=status)


@scoped
def resolution_detail(request, resolution_id: int):
    return _page(request, resolution_id)


def _act(request, resolution_id: int, run, done: str, form: str):
    found = selectors.resolution_get(user=request.user, pk=resolution_id)
    try:
        run(found)
    except InvalidInput as exc:
        messages.error(request, exc.message)
        return _page(request, resolution_id, status=400, errors=exc.fields, values=request.POST, form=form)
    except DomainError as exc:
        if isinstance(exc, NotFound | Forbidden):
            raise
        messages.error(request, exc.message)
        return redirect("deliberation:resolution", resolution_id=resolution_id)
    messages.success(request, done)
    return redirect("deliberation:resolution", resolution_id=resolution_id)


def _date(value: str, field: str):
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise InvalidInput(_("Give a date like 2026-05-01."), fields={field: [_("Give a date like 2026-05-01.")]})
    return parsed


def _int(value: str, field: str, message: str) -> int:
    try:
        return int((value or "").strip())
    except ValueError:
        raise InvalidInput(message, fields={field: [message]}) from None


@require_POST
@scoped
def owner_add(request, resolution_id: int):
    post = request.POST

    def run(r):
        owner = None
        if post.get("unit"):
            owner = Unit.objects.filter(pk=_int(post["unit"], "owner", _("Choose a unit."))).first()
        elif post.get("department"):
            owner = Department.objects.filter(pk=_int(post["department"], "owner", _("Choose a department."))).first()
        else:
            owner = post.get("name", "")
        if owner is None:
            raise InvalidInput(_("Choose a unit."), fields={"owner": [_("Choose a unit.")]})
        service.owner_add(actor=request.user, resolution=r, owner=owner)

    return _act(request, resolution_id, run, _("Owner added."), "owner")


@require_POST
@scoped
def owner_remove(request, resolution_id: int, owner_id: int):
    return _act(request, resolution_id, lambda r: service.owner_remove(actor=request.user, resolution=r, owner_id=owner_id),
                _("Owner removed."), "owner")


@require_POST
@scoped
def plan(request, resolution_id: int):
    def run(r):
        budget = service.fen_from_yuan(request.POST.get("budget", ""), "budget")
        service.resolution_plan(actor=request.user, resolution=r, budget_fen=budget,
                                deadline=_date(request.POST.get("deadline", ""), "deadline"))

    return _act(request, resolution_id, run, _("Plan saved."), "plan")


@require_POST
@scoped
def milestone_add(request, resolution_id: int):
    return _act(request, resolution_id, lambda r: service.milestone_add(
        actor=request.user, resolution=r, title=request.POST.get("title", ""),
        due_on=_date(request.POST.get("due_on", ""), "due_on")), _("Milestone added."), "milestone")


@require_POST
@scoped
def milestone_done(request, resolution_id: int, milestone_id: int):
    def run(r):
        milestone = selectors.milestone_get(user=request.user, pk=milestone_id)
        if milestone.resolution_id != r.pk:
            raise NotFound()
        service.milestone_done(actor=request.user, milestone=milestone, note=request.POST.get("note", ""))

    return _act(request, resolution_id, run, _("Milestone reached."), "milestone")


@require_POST
@scoped
def spending_add(request, resolution_id: int):
    def run(r):
        amount = service.fen_from_yuan(request.POST.get("amount", ""), "amount")
        if amount == 0:
            raise InvalidInput(_("An amount spent is more than zero."), fields={"amount": [_("An amount spent is more than zero.")]})
        service.spending_record(actor=request.user, resolution=r, amount_fen=amount,
                                spent_on=_date(request.POST.get("spent_on", ""), "spent_on"),
                                purpose=request.POST.get("purpose", ""))

    return _act(request, resolution_id, run, _("Spending recorded."), "spending")


@require_POST
@scoped
def report(request, resolution_id: int):
    def run(r):
        progress = _int(request.POST.get("progress", ""), "progress", _("Progress is a whole number from 0 to 100."))
        service.progress_report(actor=request.user, resolution=r, text=request.POST.get("text", ""), progress=progress,
                                photos=request.FILES.getlist("photos"))

    return _act(request, resolution_id, run, _("Progress reported."), "report")


@require_POST
@scoped
def complete(request, resolution_id: int):
    return _act(request, resolution_id, lambda r: service.resolution_complete(
        actor=request.user, resolution=r, note=request.POST.get("note", "")), _("Marked as carried out."), "complete")


@require_POST
@scoped
def reopen(request, resolution_id: int):
    return _act(request, resolution_id, lambda r: supervision.resolution_reopen(
        actor=request.user, resolution=r, reason=request.POST.get("reason", "")), _("Reopened."), "reopen")


@require_POST
@scoped
def sign_off(request, resolution_id: int):
    return _act(request, resolution_id, lambda r: supervision.resolution_sign_off(
        actor=request.user, resolution=r, opinion=request.POST.get("opinion", "")), _("Signed off."), "sign_off")


@require_POST
@scoped
def carried_out(request, resolution_id: int):
    return _act(request, resolution_id, lambda r: supervision.topic_carried_out(
        actor=request.user, resolution=r, note=request.POST.get("note", "")), _("The topic is closed as carried out."),
        "carried_out")


@require_POST
@scoped
def rectification_raise(request, resolution_id: int):
    def run(r):
        owner = request.POST.get("owner", "")
        owner_id = int(owner) if owner.isdigit() else None
        supervision.rectification_raise(actor=request.user, resolution=r, problem=request.POST.get("problem", ""),
                                        owner=owner_id, deadline=_date(request.POST.get("deadline", ""), "deadline"))

    return _act(request, resolution_id, run, _("Rectification raised."), "rectify")


def _rectification_act(request, rectification_id: int, run, done: str):
    found = selectors.rectification_get(user=request.user, pk=rectification_id)
    return _act(request, found.resolution_id, lambda r: run(found), done, f"rect-{rectification_id}")


@require_POST
@scoped
def rectification_respond(request, rectification_id: int):
    return _rectification_act(request, rectification_id, lambda x: supervision.rectification_respond(
        actor=request.user, rectification=x, response=request.POST.get("response", "")), _("Reported as rectified."))


@require_POST
@scoped
def rectification_accept(request, rectification_id: int):
    return _rectification_act(request, rectification_id, lambda x: supervision.rectification_accept(
        actor=request.user, rectification=x, note=request.POST.get("note", "")), _("Rectification accepted."))


@require_POST
@scoped
def rectification_reject(request, rectification_id: int):
    return _rectification_act(request, rectification_id, lambda x: supervision.rectification_reject(
        actor=request.user, rectification=x, reason=request.POST.get("reason", ""),
        deadline=_date(request.POST.get("deadline", ""), "deadline")), _("Sent back: not yet rectified."))


@scoped
def photo(request, photo_id: int):
    found = selectors.photo_get(user=request.user, pk=photo_id)
    return downloads.serve(found.file, content_type=found.content_type, name=found.name)


@scoped
def notice_download(request, resolution_id: int):
    found = selectors.resolution_get(user=request.user, pk=resolution_id)
    response = HttpResponse(notice_pdf(resolution=found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{notice_filename(found)}"'
    return response


urlpatterns = [
    path("resolutions/", resolution_list, name="resolutions"),
    path("resolutions/mine/", my_resolutions, name="my-resolutions"),
    path("resolutions/rectifications/", committee_rectifications, name="rectifications"),
    path("resolutions/<int:resolution_id>/", resolution_detail, name="resolution"),
    path("resolutions/<int:resolution_id>/notice.pdf", notice_download, name="resolution-notice"),
    path("resolutions/<int:resolution_id>/owners/", owner_add, name="resolution-owner-add"),
    path("resolutions/<int:resolution_id>/owners/<int:owner_id>/remove/", owner_remove, name="resolution-owner-remove"),
    path("resolutions/<int:resolution_id>/plan/", plan, name="resolution-plan"),
    path("resolutions/<int:resolution_id>/milestones/", milestone_add, name="resolution-milestone-add"),
    path("resolutions/<int:resolution_id>/milestones/<int:milestone_id>/done/", milestone_done,
         name="resolution-milestone-done"),
    path("resolutions/<int:resolution_id>/spending/", spending_add, name="resolution-spending"),
    path("resolutions/<int:resolution_id>/report/", report, name="resolution-report"),
    path("resolutions/<int:resolution_id>/complete/", complete, name="resolution-complete"),
    path("resolutions/<int:resolution_id>/reopen/", reopen, name="resolution-reopen"),
    path("resolutions/<int:resolution_id>/sign-off/", sign_off, name="resolution-sign-off"),
    path("resolutions/<int:resolution_id>/carried-out/", carried_out, name="resolution-carried-out"),
    path("resolutions/<int:resolution_id>/rectifications/", rectification_raise, name="rectification-raise"),
    path("resolutions/rectifications/<int:rectification_id>/respond/", rectification_respond, name="rectification-respond"),
    path("resolutions/rectifications/<int:rectification_id>/accept/", rectification_accept, name="rectification-accept"),
    path("resolutions/rectifications/<int:rectification_id>/reject/", rectification_reject, name="rectification-reject"),
    path("resolutions/photos/<int:photo_id>/", photo, name="resolution-photo"),
]
