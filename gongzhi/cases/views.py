"""Pages of the case pipeline: inboxes per role, filing a request, the case page with its timeline
and action dialogs, the resident's requests and rating, the figures (with .xlsx export), and the
in-app messages. As thin as the API: parse, call a service or selector, render."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.areas.selectors import (
    PLACE_KINDS,
    address_of,
    area_node_get,
    area_roots_for,
    building_of,
    place_get,
)
from gongzhi.core import components, downloads, pii, xlsx
from gongzhi.core import selectors as core_selectors
from gongzhi.core.errors import DomainError, InvalidInput, NotFound, check_period
from gongzhi.core.permissions import can, page_requires
from gongzhi.residents.selectors import own_households, person_get

from . import routing, selectors, services, workflow
from .models import (
    Case,
    Category,
    Channel,
    DisputeOutcome,
    DisputeStage,
    Level,
    PartyRole,
    Rating,
    Result,
)
from .services.intake import text_problems

BOX_LABELS = {
    "triage": gettext_lazy("To accept and dispatch"),
    "to_claim": gettext_lazy("To claim"),
    "in_progress": gettext_lazy("In progress"),
    "due_soon": gettext_lazy("Due soon"),
    "overdue": gettext_lazy("Overdue"),
    "verify": gettext_lazy("To verify"),
}
# The status dot of an open case (selectors.light), as its tooltip and the legend under the title say.
LIGHT_LABELS = {
    "green": gettext_lazy("On time"),
    "yellow": gettext_lazy("Yellow light: the deadline is near"),
    "red": gettext_lazy("Red light: overdue"),
}


def _boxes(user) -> list[str]:
    return selectors.boxes_for(user)


PER_PAGE = 30


def _bulk_action(user, box: str) -> str:
    """The action a worker may take on ticked rows of this tab: claim what waits to be claimed,
    accept and dispatch (along the catalogue's route) what waits in triage."""
    if box == "to_claim" and can(user, "cases.claim"):
        return "claim"
    if box == "triage" and can(user, "cases.dispatch"):
        return "dispatch"
    return ""


@login_required
def inbox(request):
    if not request.user.is_superuser and can(request.user, "cases.view_mine"):
        return redirect("cases:mine")
    user = request.user
    boxes = _boxes(user)
    box = request.GET.get("box") or (boxes[0] if boxes else "")
    if box not in boxes and box != "whistle":
        raise Http404
    if box == "whistle" and not can(user, "cases.box_whistle"):
        raise Http404
    now = timezone.now()
    filters, filter_errors = selectors.parse_case_filters(request.GET)
    context = {"box": box, "filters": filters, "filter_errors": filter_errors, "cases": None,
               "light_legend": list(LIGHT_LABELS.items())}
    if box == "whistle":
        context["page"] = Paginator(selectors.whistle_inbox(user=user), PER_PAGE).get_page(request.GET.get("page"))
    else:
        qs = selectors.filter_cases(selectors.inbox(user=user, box=box, now=now), filters, user=user, now=now)
        if request.GET.get("format") == "xlsx":
            return _inbox_xlsx(request, box, qs, filters)
        page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
        context["page"] = page
        context["cases"] = [(c, selectors.light(c, now=now), selectors.state_label(c.state)) for c in page]
    counts = selectors.box_counts(user=user, boxes=boxes, filters=filters, now=now)
    tabs = [(b, BOX_LABELS[b], counts[b]) for b in boxes]
    if can(user, "cases.box_whistle"):
        tabs.append(("whistle", _("Whistle calls"), selectors.whistle_inbox(user=user).count()))
    context.update({
        "tabs": tabs,
        "bulk_action": _bulk_action(user, box),
        "can_export": box != "whistle" and can(user, "cases.export_list"),
        "categories": Category.objects.filter(is_active=True, parent__isnull=True).order_by("order"),
        "channels": Channel.choices, "levels": Level.choices,
        "lights": [("green", _("On time")), ("yellow", _("Due soon")), ("red", _("Overdue"))],
        "sorts": [("", _("Usual order")), ("newest", _("Newest first")), ("deadline", _("Deadline first"))],
        "filter_query": filters.as_params(),
    })
    if filter_errors:
        messages.error(request, _("Some filters were not understood; see the marked fields."))
    return render(request, "cases/inbox.html", context)


def _inbox_xlsx(request, box: str, qs, filters) -> HttpResponse:
    try:
        content = services.cases_export(
            actor=request.user, cases=qs,
            title=_("Cases: %(box)s") % {"box": BOX_LABELS[box]},
            scope_label="；".join(_area_label(node) for node in area_roots_for(user=request.user)[:5]),
            period=xlsx.period_label(filters.since, filters.until) or _("Whole period"),
            filters={"box": box, **{k: pii.redact(v) for k, v in filters.as_params().items()}},
        )
    except DomainError as exc:
        raise Http404 from exc
    response = HttpResponse(content, content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="cases-{box}-{timezone.localdate():%Y%m%d}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def bulk(request):
    """Ticked rows of an inbox tab: the same action on each, reported case by case."""
    box = request.POST.get("box", "")
    action = request.POST.get("action", "")
    back = redirect(f"{reverse('cases:inbox')}?box={box}" if box in selectors.WORK_BOXES else reverse("cases:inbox"))
    if not action or action != _bulk_action(request.user, box):
        messages.error(request, _("This action is not offered here."))
        return back
    ids = [int(v) for v in request.POST.getlist("cases") if v.isdigit()]
    try:
        result = services.cases_bulk(actor=request.user, action=action, case_ids=ids)
    except DomainError as exc:
        messages.error(request, exc.message)
        return back
    if result.done:
        messages.success(request, ngettext("%(action)s: %(n)d case done.", "%(action)s: %(n)d cases done.",
                                           len(result.done)) % {"action": _action_label(action), "n": len(result.done)})
    for reference, reason in result.failed:
        messages.error(request, _("%(ref)s was not moved: %(reason)s") % {"ref": reference, "reason": reason})
    return back


@login_required
def mine(request):
    page = Paginator(selectors.inbox(user=request.user, box="mine").select_related("category"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "cases/mine.html", {"page": page})


def _place(user, value) -> AreaNode | None:
    """The place picked on the form (a grid, building, entrance unit or flat the user may name)."""
    if not str(value or "").isdigit():
        return None
    try:
        node = place_get(user=user, pk=int(value))
    except NotFound:
        return None
    return node if node.kind in PLACE_KINDS else None


@page_requires("cases.file")
def new(request):
    user = request.user
    leaves = Category.objects.filter(is_active=True, parent__isnull=False).select_related("parent").order_by(
        "parent__order", "order"
    )
    staff = can(user, "cases.view_internal")
    channels = [(c.value, c.label) for c in Channel if c.value in services.STAFF_CHANNELS] if staff else [
        (Channel.ONLINE.value, Channel.ONLINE.label)]
    own = own_households(user=user)
    # a household's contact card (民情联系卡) opens this form with ?location=<household>
    place = _place(user, request.POST.get("location") if request.method == "POST" else request.GET.get("location"))
    context = {"channels": channels, "staff": staff, "leaves": leaves,
               "values": request.POST, "errors": {}, "lookup": request.GET.get("phone", ""),
               "triage_available": services.suggestions_available(),
               "own_places": [{"id": h.pk, "address": address_of(h), "building": building_of(h)} for h in own],
               "place": {"id": place.pk, "address": address_of(place), "building": building_of(place)} if place else None,
               "map_node": place.pk if place else (own[0].pk if own else ""),
               "places_url": reverse("api:area_places"), "map_url": reverse("api:area_map"),
               # names this submission: sent again (a retry after an error, a double click) it files once
               "submit_token": request.POST.get("submit_token") or uuid.uuid4().hex}
    if staff and context["lookup"]:
        context["found"] = selectors.find_caller(user=user, phone=context["lookup"])
    if request.method == "POST":
        post = request.POST
        # "auto": the requester leaves the matter to triage (offered while a triage model is active)
        recognise = post.get("category") == "auto" and context["triage_available"]
        category = None if recognise else leaves.filter(pk=post.get("category") or 0).first()
        location = place
        answers = {k[len("answer_"):]: v for k, v in post.items() if k.startswith("answer_") and v}
        person = None
        try:
            if staff and post.get("person", "").isdigit():
                person = person_get(user=user, pk=int(post["person"]))
            if category is None and not recognise:
                # every problem of the form at once, each beside its field
                problems = {"category": [_("Choose a matter.")],
                            **text_problems(post.get("title", ""), post.get("description", ""))}
                raise InvalidInput(_("Choose a matter."), fields=problems)
            case = services.case_submit(
                actor=user,
                channel=post.get("channel") or Channel.ONLINE,
                category=category,
                title=post.get("title", ""),
                description=post.get("description", ""),
                location=location,
                latitude=post.get("latitude") or None,
                longitude=post.get("longitude") or None,
                address=post.get("address", ""),
                caller_name=post.get("caller_name", ""),
                caller_phone=post.get("caller_phone", ""),
                anonymous=post.get("anonymous") == "on",
                answers=answers,
                attachments=request.FILES.getlist("photos"),
                person=person,
                idempotency_key=post.get("submit_token", ""),
            )
        except DomainError as exc:
            context["errors"] = exc.fields
            messages.error(request, exc.message)
            return render(request, "cases/new.html", context, status=exc.status if exc.status >= 500 else 400)
        if getattr(case, "replayed", False):
            messages.info(request, _("Your request %(ref)s was already filed.") % {"ref": case.reference})
            return redirect("cases:detail", pk=case.pk)
        messages.success(request, _("Your request %(ref)s was filed.") % {"ref": case.reference})
        return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/new.html", context)


@login_required
def detail(request, pk: int, revealed: bool = False, phone: str = "", failed: dict | None = None):
    try:
        case = selectors.case_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    possible = workflow.offered(request.user, case)
    staff = can(request.user, "cases.view_internal")
    my_calls = selectors.whistle_inbox(user=request.user).filter(case=case) \
        if can(request.user, "cases.department_work") and not request.user.is_superuser else []
    context = {
        "case": case,
        "text_shown": revealed or selectors.sees_text_numbers(user=request.user, case=case),
        "may_reveal_text": can(request.user, "cases.reveal_text_numbers", case),
        "light": selectors.light(case),
        "answers": selectors.answers_display(case),
        "light_label": LIGHT_LABELS.get(selectors.light(case), ""),
        "light_legend": list(LIGHT_LABELS.items()),
        "timeline": selectors.timeline(user=request.user, case=case),
        "calls": selectors.whistle_calls(case=case),
        "supervisions": selectors.supervisions(user=request.user, case=case),
        "requester": selectors.requester_display(user=request.user, case=case),
        "contact": selectors.requester_contact(user=request.user, case=case),
        "revealed_phone": phone,
        "failed": failed,
        # A department answers each call on its own (报到, its part): those two are offered in the
        # call's box, with the call they answer, not as bare actions of the case.
        "actions": [a for a in possible if a not in CALL_ACTIONS],
        "results": Result.choices,
        "ratings": Rating.choices,
        "departments": routing.Department.objects.filter(
            district__path=routing.prefix(case.location_path, 1), is_active=True
        ),
        "my_calls": my_calls,
        "dispute": getattr(case, "dispute", None) if case.kind == "dispute" else None,
        "party_roles": PartyRole.choices,
        "mediator_kinds": [(k.value, k.label) for k in selectors.NAMED_MEDIATOR_KINDS],
        "dispute_outcomes": DisputeOutcome.choices,
        "dispute_stages": DisputeStage.choices,
        "is_handler": can(request.user, "cases.mediate", case),
    }
    if context["dispute"] is not None and context["is_handler"]:
        context["mediator_choices"] = selectors.mediator_candidates(user=request.user, case=case)
        context["held_at_default"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    if "dispatch" in possible:
        context["dispatch_targets"] = selectors.dispatch_targets(user=request.user, case=case)
    if staff:
        context["triage"] = selectors.triage_display(case)
        if case.state in ("submitted", "accepted") and "merge" in possible:
            context["similar"] = selectors.similar_open_cases(user=request.user, case=case)
    if "recategorise" in possible:
        context["leaves"] = Category.objects.filter(is_active=True, parent__isnull=False).select_related(
            "parent").order_by("parent__order", "order")
    if core_selectors.can_see_history(request.user):
        context["events"] = core_selectors.history_for(user=request.user, obj=case)[:50]
    # Panels of the apps above (meetings on the case …), each {"title", "template", "context"}.
    context["panels"] = [p for provide in components.extensions("cases.case.panels")
                         if (p := provide(user=request.user, case=case))]
    return render(request, "cases/detail.html", context)


@login_required
def attachment(request, pk: int):
    """A case attachment, for those who may see the case (and, for internal notes, staff only);
    404 otherwise. Uploads are never served from MEDIA_URL."""
    try:
        found = selectors.attachment_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    return downloads.serve(found.file, content_type=found.content_type, name=found.name)


def _node(request, value):
    return area_node_get(user=request.user, pk=int(value)) if value else None


def _dispatch_target(post) -> tuple[str, str]:
    """(node id, department id) from the dialog's picker ("node:<id>" / "department:<id>", empty for
    the catalogue's route) or from separate `node` / `department` fields."""
    target = post.get("target", "")
    if not target:
        return post.get("node", ""), post.get("department", "")
    kind, _sep, ident = target.partition(":")
    if kind not in ("node", "department") or not ident.isdigit():
        raise ValueError(target)
    return (ident, "") if kind == "node" else ("", ident)


@login_required
@require_POST
def act(request, pk: int, action: str):
    """One action dialog posts here; errors come back as a message on the case page."""
    user, post = request.user, request.POST
    try:
        case = selectors.case_get(user=user, pk=pk)
        files = request.FILES.getlist("photos")
        if action == "reveal_text":
            # the text as typed, once, on this answer (audited); the case page masks it again
            services.case_reveal_text(actor=user, case=case, reason=post.get("reason", ""))
            return detail(request, pk, revealed=True)
        if action == "reveal_contact":
            # the requester's number, once, on this answer (audited); the page masks it again
            number = services.case_reveal_contact(actor=user, case=case, reason=post.get("reason", ""))
            return detail(request, pk, phone=number)
        if action == "accept":
            services.case_accept(actor=user, case=case, note=post.get("note", ""))
        elif action == "reject":
            services.case_reject(actor=user, case=case, reason=post.get("reason", ""))
        elif action == "merge":
            master = selectors.case_by_number(user=user, value=post.get("master", ""))
            services.case_merge(actor=user, case=case, master=master, note=post.get("note", ""))
        elif action == "recategorise":
            category = Category.objects.filter(pk=post.get("category") or 0).first() \
                if (post.get("category") or "").isdigit() else None
            services.case_recategorise(actor=user, case=case, category=category, note=post.get("note", ""))
        elif action == "dispatch":
            node_id, department_id = _dispatch_target(post)
            department = routing.Department.objects.filter(pk=department_id).first() if department_id else None
            services.case_dispatch(actor=user, case=case, node=_node(request, node_id),
                                   department=department, note=post.get("note", ""))
        elif action == "claim":
            services.case_claim(actor=user, case=case)
        elif action == "return":
            services.case_return(actor=user, case=case, reason=post.get("reason", ""))
        elif action == "escalate":
            services.case_escalate(actor=user, case=case, reason=post.get("reason", ""))
        elif action == "contact":
            services.case_record_contact(actor=user, case=case, method=post.get("method", "phone"),
                                         note=post.get("note", ""))
        elif action == "note":
            services.case_add_note(actor=user, case=case, note=post.get("note", ""), attachments=files,
                                   internal=post.get("internal") == "on")
        elif action == "request_extension":
            services.case_request_extension(actor=user, case=case, days=int(post.get("days") or 0),
                                            reason=post.get("reason", ""))
        elif action == "approve_extension":
            services.case_decide_extension(actor=user, case=case, approve=post.get("approve") == "yes",
                                           note=post.get("note", ""))
        elif action == "resolve":
            services.case_resolve(actor=user, case=case, result=post.get("result", ""),
                                  feedback=post.get("feedback", ""), attachments=files)
        elif action in ("verify_pass", "verify_fail"):
            services.case_verify(actor=user, case=case, passed=action == "verify_pass", note=post.get("note", ""))
        elif action == "rate":
            solved = {"yes": True, "no": False}.get(post.get("solved", ""))
            services.case_rate(actor=user, case=case, rating=post.get("rating", ""), solved=solved,
                               comment=post.get("comment", ""))
        elif action == "callback":
            solved = {"yes": True, "no": False}.get(post.get("solved", ""))
            services.record_callback(actor=user, case=case, rating=post.get("rating", ""), solved=solved,
                                     comment=post.get("comment", ""))
        elif action == "reopen":
            services.case_reopen(actor=user, case=case, note=post.get("note", ""))
        elif action == "whistle":
            departments = list(routing.Department.objects.filter(pk__in=post.getlist("departments")))
            services.case_whistle(actor=user, case=case, departments=departments, reason=post.get("reason", ""),
                                  hours=int(post.get("hours") or 2))
        elif action in CALL_ACTIONS:
            call = _answered_call(user, case, action, post.get("call", ""))
            if action == "acknowledge":
                services.whistle_acknowledge(actor=user, call=call, note=post.get("note", ""))
            else:
                services.whistle_report(actor=user, call=call, report=post.get("report", ""), attachments=files)
        elif action == "dispute_party":
            services.dispute_add_party(actor=user, case=case, role=post.get("role", ""), name=post.get("name", ""),
                                       phone=post.get("phone", ""))
        elif action == "mediation":
            services.dispute_record_session(
                actor=user, case=case, held_at=_held_at(post.get("held_at", "")), mediators=_mediators_from(post),
                summary=post.get("summary", ""),
                outcome=post.get("outcome", ""), place=post.get("place", ""), agreement=post.get("agreement", ""),
            )
        elif action == "dispute_escalate":
            services.dispute_escalate(actor=user, case=case, stage=post.get("stage", ""), reason=post.get("reason", ""))
        else:
            raise Http404
    except NotFound as exc:
        raise Http404 from exc
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", None) or _("The request is invalid."))
        # the case page again, the dialog open with what was typed and each problem beside its box
        failed = {"action": action, "values": post, "errors": getattr(exc, "fields", {}) or {}}
        return detail(request, pk, failed=failed)
    messages.success(request, _("Done: %(action)s") % {"action": _action_label(action)})
    if not Case.objects.visible_to(user).filter(pk=pk).exists():
        return redirect("cases:inbox")
    return redirect("cases:detail", pk=pk)


# What a called department does on a case: each answers one whistle call.
CALL_ACTIONS = ("acknowledge", "report_part")


def _answered_call(user, case: Case, action: str, call_id: str):
    """The call a department's 报到 or report answers: the one the form names, or (a form that names
    none) the department's oldest call on the case still waiting for that answer."""
    calls = selectors.whistle_inbox(user=user).filter(case=case)
    if call_id:
        call = calls.filter(pk=int(call_id)).first() if call_id.isdigit() else None
    else:
        waiting = calls.filter(acknowledged_at=None) if action == "acknowledge" else calls
        call = waiting.first() or calls.first()
    if call is None:
        raise NotFound()
    return call


def _held_at(value: str) -> dt.datetime:
    """A datetime-local value ("2026-12-01T14:30") in the current time zone; empty means now."""
    value = value.strip()
    if not value:
        return timezone.now()
    try:
        held_at = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        message = _("Give the date and time the session was held.")
        raise InvalidInput(message, fields={"held_at": [message]}) from exc
    return held_at if timezone.is_aware(held_at) else timezone.make_aware(held_at)


def _mediators_from(post) -> list[dict]:
    """The mediation dialog's mediators: people picked from the list ("user:<id>", "member:<id>")
    and people named by hand, each with their own kind (`other_name` / `other_kind`, row by row)."""
    mediators: list[dict] = []
    for value in post.getlist("mediator"):
        source, _sep, ident = value.partition(":")
        key = {"user": "user_id", "member": "party_member_id"}.get(source)
        if key is None or not ident.isdigit():
            raise ValueError(value)
        mediators.append({key: int(ident)})
    for name, kind in zip(post.getlist("other_name"), post.getlist("other_kind"), strict=False):
        if name.strip():
            mediators.append({"name": name.strip(), "kind": kind})
    return mediators


def _action_label(action: str) -> str:
    if action in workflow.BY_ACTION:
        return str(workflow.BY_ACTION[action].label)
    return {"verify_pass": _("Verification passed"), "verify_fail": _("Verification failed"),
            "dispute_party": _("Party added"), "mediation": _("Mediation recorded"),
            "dispute_escalate": _("Dispute moved on")}.get(action, action)


# ---------------------------------------------------------------------------------------------
# Figures


def _figures_params(request):
    roots = area_roots_for(user=request.user)
    node_id = request.GET.get("node")
    node = area_node_get(user=request.user, pk=int(node_id)) if node_id and node_id.isdigit() else (
        roots[0] if roots else None)
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("start") or today.replace(day=1).isoformat())
        end = dt.date.fromisoformat(request.GET.get("end") or today.isoformat())
    except ValueError:
        start, end = today.replace(day=1), today
    category = Category.objects.filter(code=request.GET.get("category") or "").first()
    check_period(start, end)  # InvalidInput on "end": the page says so beside the field
    return roots, node, start, end, category


def _compute(request, node, start, end, category) -> dict:
    since, until = selectors.day_span(start, end)
    return selectors.figures(user=request.user, node=node, category=category, start=since, end=until)


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


FIGURE_ROWS = [
    ("response_rate", gettext_lazy("Response rate")),
    ("resolution_rate", gettext_lazy("Resolution rate")),
    ("satisfaction_rate", gettext_lazy("Satisfaction rate")),
    ("composite", gettext_lazy("Composite score")),
]
# The counts behind the rates, as the .xlsx export labels them.
COUNT_LABELS = {
    "cases": gettext_lazy("Cases counted"),
    "responded_in_time": gettext_lazy("Responded in time"),
    "responded": gettext_lazy("Responded"),
    "rated": gettext_lazy("Rated"),
    "rated_by_callback": gettext_lazy("Of which recorded on a callback"),
    "solved": gettext_lazy("Rated as solved"),
    "satisfied": gettext_lazy("Satisfied"),
    "basic": gettext_lazy("Basically satisfied"),
    "unsatisfied": gettext_lazy("Not satisfied"),
    "closed": gettext_lazy("Closed"),
}


@login_required
def figures(request):
    if not can(request.user, "cases.view_figures"):
        raise Http404
    try:
        roots, node, start, end, category = _figures_params(request)
        if node is None:
            raise Http404
        data = _compute(request, node, start, end, category)
    except NotFound as exc:
        raise Http404 from exc
    except InvalidInput as exc:
        return _figures_refused(request, exc)
    rows = [(label, _pct(data[key])) for key, label in FIGURE_ROWS]
    levels = [(Level(level).label, v["count"], _pct(v["share"])) for level, v in data["closed_by_level"].items()]
    if request.GET.get("format") == "xlsx":
        return _xlsx(node, start, end, category, rows, levels, data)
    context = {
        "roots": roots, "node": node, "start": start, "end": end, "category": category, "rows": rows,
        "levels": levels, "counts": data["counts"],
        "categories": Category.objects.filter(is_active=True).order_by("parent_id", "order"),
        "nodes": AreaNode.objects.visible_to(request.user).filter(
            kind__in=[AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.GRID]).order_by("path")[:500],
        "query": request.GET.urlencode(),
        "hot": selectors.hot_issues(
            user=request.user, node=node,
            since=selectors.day_span(start, end)[0],
        ),
    }
    # Actions of the apps above on each hot issue (raise a deliberation topic …), each {"label", "url"}.
    for row in context["hot"]:
        row["actions"] = [a for provide in components.extensions("cases.hot_issue.actions")
                          for a in provide(user=request.user, row=row)]
    since, until = selectors.day_span(start, end)
    outcomes = selectors.triage_outcomes(user=request.user, node=node, start=since, end=until)
    context["triage"] = outcomes | {
        key: _pct(outcomes[key]) for key in ("first_guess_right", "within_three", "auto_routed_kept")
    }
    return render(request, "cases/figures.html", context)


def _figures_refused(request, exc: InvalidInput):
    """The figures page with the period as typed and the problem beside its field, no figures."""
    roots = area_roots_for(user=request.user)
    node_id = request.GET.get("node") or ""
    context = {
        "roots": roots, "node": AreaNode.objects.visible_to(request.user).filter(pk=node_id).first()
        if node_id.isdigit() else None,
        "start": request.GET.get("start", ""), "end": request.GET.get("end", ""), "errors": exc.fields,
        "category": Category.objects.filter(code=request.GET.get("category") or "").first(),
        "categories": Category.objects.filter(is_active=True).order_by("parent_id", "order"),
        "nodes": AreaNode.objects.visible_to(request.user).filter(
            kind__in=[AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.GRID]).order_by("path")[:500],
        "refused": True,
    }
    return render(request, "cases/figures.html", context, status=400)


def _xlsx(node, start, end, category, rows, levels, data) -> HttpResponse:
    """The figures as people read them: rates as percentages, the counts behind them, the area,
    the period and the matter in the title rows."""
    table = [[str(label), xlsx.Value(data[key], xlsx.PERCENT)] for key, label in FIGURE_ROWS]
    table.append([])
    table.append([_("Level"), _("Closed cases"), _("Share")])
    for (label, count, _share), v in zip(levels, data["closed_by_level"].values(), strict=True):
        table.append([str(label), xlsx.Value(count, xlsx.INTEGER), xlsx.Value(v["share"], xlsx.PERCENT)])
    table.append([])
    for key, value in data["counts"].items():
        table.append([str(COUNT_LABELS.get(key, key)), xlsx.Value(value, xlsx.INTEGER)])
    matter = category.name if category else _("All")
    content = xlsx.write_table(
        name=_("Three rates"),
        title=_("Three rates: %(area)s, %(matter)s") % {"area": node.name, "matter": matter},
        scope=_area_label(node), period=xlsx.period_label(start, end),
        columns=[xlsx.Column(_("Figure"), 26), xlsx.Column(_("Value"), 14), xlsx.Column(_("Share"), 12, xlsx.PERCENT)],
        rows=table,
    )
    response = HttpResponse(content, content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="figures-{node.code}-{start}-{end}.xlsx"'
    return response


def _area_label(node) -> str:
    """西站街道 瓜州路社区: the node and the nodes above it, as people name the place."""
    return node.full_name.replace(" / ", " ")
