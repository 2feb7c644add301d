"""Pages of public hearings (公开听证): the hearings a user sees (a resident's phone page), the
hearings of a topic, calling a hearing on a topic (staff), and one hearing: register or cancel, the
speakers' list and waiting list, and for the staff the registrations (phones masked, revealed with
a reason that is recorded), registering someone by name and phone, reordering the speakers, the
views recorded at the hearing and the record of views attached to the topic (PDF). As thin as the
API: parse, call a service or selector, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from gongzhi.core.forms import local_datetime as _local_input
from gongzhi.core.permissions import can, require

from .. import hearings_pdf
from .. import hearings_selectors as selectors
from ..models import ViewPosition
from ..services import hearings as services


def _hearing(request, hearing_id: int):
    try:
        return selectors.hearing_get(user=request.user, pk=hearing_id)
    except NotFound as exc:
        raise Http404 from exc


def _topic(request, topic_id: int):
    try:
        return selectors.topic_get(user=request.user, pk=topic_id)
    except NotFound as exc:
        raise Http404 from exc


def _require(user, action: str, obj=None) -> None:
    try:
        require(user, action, obj) if obj is not None else require(user, action)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc




# --- lists ---------------------------------------------------------------------------------------


@login_required
def hearing_list(request):
    """The hearings the user sees: a resident, those of the areas they live in (phone page)."""
    _require(request.user, "deliberation.register")
    return render(request, "deliberation/hearings/list.html", {"items": selectors.hearings_for(user=request.user)})


@login_required
def topic_hearings(request, topic_id: int):
    """The hearings of one topic (what the topic's page shows in its panel)."""
    topic = _topic(request, topic_id)
    return render(request, "deliberation/hearings/topic.html", selectors.topic_panel(user=request.user, topic=topic))


# --- calling a hearing ---------------------------------------------------------------------------


@login_required
def hearing_new(request, topic_id: int):
    topic = _topic(request, topic_id)
    _require(request.user, "deliberation.hold_hearing", topic)
    start = (timezone.localtime() + dt.timedelta(days=10)).replace(hour=14, minute=30, second=0, microsecond=0)
    closes = (start - dt.timedelta(days=3)).replace(hour=17, minute=0)
    values = request.POST or {"starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                              "registration_closes_at": closes.strftime("%Y-%m-%dT%H:%M"),
                              "seats": 50, "speakers_limit": 10, "minutes_per_speaker": 5}
    context = {"topic": topic, "values": values, "errors": {}}
    if request.method == "POST":
        post = request.POST
        try:
            hearing = services.hearing_call(
                actor=request.user, topic=topic, title=post.get("title", ""),
                starts_at=_local_input(post.get("starts_at", ""), "starts_at"),
                registration_closes_at=_local_input(post.get("registration_closes_at", ""), "registration_closes_at"),
                location=post.get("location", ""), seats=post.get("seats"), speakers_limit=post.get("speakers_limit"),
                minutes_per_speaker=post.get("minutes_per_speaker"),
            )
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            context["errors"] = exc.fields
            messages.error(request, exc.message)
            return render(request, "deliberation/hearings/new.html", context, status=exc.status)
        messages.success(request, _("The hearing is called and announced to the residents of the topic's scope."))
        return redirect("deliberation:hearing", hearing_id=hearing.pk)
    return render(request, "deliberation/hearings/new.html", context)


# --- one hearing ---------------------------------------------------------------------------------


def _context(request, hearing, *, revealed: dict | None = None) -> dict:
    user = request.user
    summary = selectors.hearing_summary(user=user, hearing=hearing)
    listed = selectors.speakers(user=user, hearing=hearing)
    registrations = list(selectors.registrations_of(user=user, hearing=hearing))
    for row in registrations:
        row.revealed_phone = (revealed or {}).get(row.pk, "")
    may_hold = summary["may_hold"]
    views = list(selectors.views_of(user=user, hearing=hearing))
    return {
        **summary,
        "topic": hearing.topic,
        "meeting": hearing.meeting,
        "speakers": listed["speakers"],
        "waiting": listed["waiting"],
        "registrations": registrations,
        "may_reveal": may_hold and bool(registrations) and can(user, "deliberation.reveal_phone", registrations[0]),
        "views": views,
        "show_views": summary["started"] and (may_hold or bool(views)),
        "step": selectors.step_to_complete(user=user, hearing=hearing) if views else None,
        "positions": ViewPosition.choices,
        "errors": {}, "form": "", "values": {},
    }


@login_required
def hearing_detail(request, hearing_id: int):
    hearing = _hearing(request, hearing_id)
    return render(request, "deliberation/hearings/hearing.html", _context(request, hearing))


def _registration(request, hearing):
    value = request.POST.get("registration", "")
    if not value.isdigit():
        raise NotFound()
    return selectors.registration_get(user=request.user, hearing=hearing, pk=int(value))


def _move(request, hearing) -> None:
    """One step up or down the speakers' list (with its waiting list)."""
    listed = selectors.speakers(user=request.user, hearing=hearing)
    order = [r.pk for r in [*listed["speakers"], *listed["waiting"]]]
    row = _registration(request, hearing)
    if row.pk not in order:
        message = _("This person did not ask to speak.")
        raise InvalidInput(message, fields={"order": [message]})
    i = order.index(row.pk)
    j = i - 1 if request.POST.get("direction") == "up" else i + 1
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
    services.speakers_reorder(actor=request.user, hearing=hearing, order=order)


@login_required
@require_POST
def hearing_act(request, hearing_id: int):
    """Every form of the hearing page posts here with its `action`; a refusal comes back beside the
    form's fields on the hearing page, with the input kept."""
    hearing = _hearing(request, hearing_id)
    user, post = request.user, request.POST
    action = post.get("action", "")
    done = {
        "register": _("You are registered."),
        "register_other": _("Registered."),
        "cancel": _("The registration is cancelled; the seat is free again."),
        "move": _("The speakers' list is reordered."),
        "view": _("The view is recorded."),
        "attach": _("The record of views is attached to the topic."),
        "step": _("The topic's step is completed with the hearing's record."),
    }
    try:
        if action == "register":
            services.hearing_register(actor=user, hearing=hearing, wants_to_speak=post.get("wants_to_speak") == "on",
                                      affiliation=post.get("affiliation", ""))
        elif action == "register_other":
            services.hearing_register(actor=user, hearing=hearing, on_behalf=True, name=post.get("name", ""),
                                      phone=post.get("phone", ""), affiliation=post.get("affiliation", ""),
                                      wants_to_speak=post.get("wants_to_speak") == "on")
        elif action == "cancel":
            services.registration_cancel(actor=user, registration=_registration(request, hearing))
        elif action == "move":
            _move(request, hearing)
        elif action == "view":
            services.view_record(actor=user, hearing=hearing, text=post.get("text", ""),
                                 position=post.get("position", ""), speaker=post.get("speaker", ""),
                                 registration=post.get("registration") or None)
        elif action == "attach":
            services.record_attach(actor=user, hearing=hearing)
        elif action == "step":
            services.hearing_step_complete(actor=user, hearing=hearing)
        elif action == "reveal":
            row = _registration(request, hearing)
            phone = services.registration_reveal_phone(actor=user, registration=row, reason=post.get("reason", ""))
            return render(request, "deliberation/hearings/hearing.html",
                          _context(request, selectors.hearing_get(user=user, pk=hearing.pk), revealed={row.pk: phone}))
        else:
            raise InvalidInput(_("Unknown action."))
    except NotFound as exc:
        raise Http404 from exc
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        context = _context(request, selectors.hearing_get(user=user, pk=hearing.pk))
        context.update(errors=exc.fields or {"__all__": [exc.message]}, form=action, values=post,
                       error_message=exc.message)
        messages.error(request, exc.message)
        return render(request, "deliberation/hearings/hearing.html", context, status=exc.status)
    messages.success(request, done[action])
    anchor = {"view": "#views", "move": "#speakers", "register_other": "#registrations", "attach": "#views", "step": "#views"}
    return redirect(reverse("deliberation:hearing", kwargs={"hearing_id": hearing.pk}) + anchor.get(action, ""))


@login_required
def hearing_record_pdf(request, hearing_id: int):
    """The record of views (PDF, no phone numbers); before the hearing, its speakers' list."""
    hearing = _hearing(request, hearing_id)
    response = HttpResponse(hearings_pdf.record_pdf(hearing=hearing), content_type="application/pdf")
    stamp = timezone.localtime(hearing.meeting.starts_at).strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="hearing-{hearing.pk}-{stamp}-views.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("hearings/", hearing_list, name="hearings"),
    path("topics/<int:topic_id>/hearings/", topic_hearings, name="topic-hearings"),
    path("topics/<int:topic_id>/hearings/new/", hearing_new, name="hearing-new"),
    path("hearings/<int:hearing_id>/", hearing_detail, name="hearing"),
    path("hearings/<int:hearing_id>/act/", hearing_act, name="hearing-act"),
    path("hearings/<int:hearing_id>/views.pdf", hearing_record_pdf, name="hearing-record-pdf"),
]
