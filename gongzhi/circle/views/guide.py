"""The hall's pages, phone first: the guide of every hall (search), a matter with its materials,
level, time limit, fees, window and the free half-hours to book; my appointments (cancel); the
hall's queue of the day for its keeper and the area's staff (arrived, served, no-show); the staff's
matter form (new, edit)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core.errors import DomainError
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can
from gongzhi.core.permissions import scoped_page as scoped

from ..models import AppointmentState, MatterLevel
from ..selectors import guide as selectors
from ..services import guide as services
from ..workflow import APPOINTMENT_WORKFLOW


def _raise_not_found(exc: DomainError) -> None:
    if exc.status == 404:
        raise exc


class MatterForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("matter", "Name"), max_length=100)
    level = forms.ChoiceField(label=gettext_lazy("Handled by"), choices=MatterLevel.choices)
    materials = forms.CharField(label=gettext_lazy("Materials (one a line)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 4}))
    time_limit_days = forms.IntegerField(label=gettext_lazy("Time limit (working days; 0: on the spot)"),
                                         min_value=0, max_value=365, initial=0)
    fees = forms.CharField(label=gettext_lazy("Fees"), max_length=100, required=False)
    window = forms.CharField(label=gettext_lazy("Window"), max_length=50, required=False)
    bookable = forms.BooleanField(label=gettext_lazy("Takes appointments"), required=False, initial=True)
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    active = forms.BooleanField(label=gettext_lazy("Shown in the guide"), required=False, initial=True)


@scoped
def guide(request):
    query = request.GET.get("q", "").strip()[:50]
    rows = list(selectors.matters_list(user=request.user, query=query)[:300])
    halls: dict[int, dict] = {}
    for m in rows:
        halls.setdefault(m.point_id, {"hall": m.point, "matters": [], "may_run": False})["matters"].append(m)
    for entry in halls.values():
        entry["may_run"] = selectors.may_run(request.user, entry["hall"])
        entry["may_keep"] = can(request.user, "circle.keep", entry["hall"])
    return render(request, "circle/guide/guide.html", {
        "halls": list(halls.values()), "query": query, "keepable": selectors.halls_for_keeping(user=request.user)})


def _matter_page(request, row, *, error: str = "", chosen: str = "", status: int = 200):
    return render(request, "circle/guide/matter.html", {
        "matter": row, "days": selectors.matter_slots(matter=row), "error": error, "chosen": chosen,
        "may_keep": can(request.user, "circle.keep", row)}, status=status)


@scoped
def matter(request, matter_id: int):
    row = selectors.matter_get(user=request.user, pk=matter_id)
    return _matter_page(request, row)


@require_POST
@scoped
def matter_book(request, matter_id: int):
    row = selectors.matter_get(user=request.user, pk=matter_id)
    chosen = request.POST.get("starts_at", "")
    try:
        services.appointment_book(actor=request.user, matter=row, starts_at=chosen)
    except DomainError as exc:
        _raise_not_found(exc)
        fields = exc.fields or {}
        error = " ".join(fields.get("starts_at") or fields.get("matter") or [exc.message])
        return _matter_page(request, row, error=error, chosen=chosen, status=422)
    messages.success(request, _("Your appointment is booked."))
    return redirect("circle:my-appointments")


def _matter_form(request, *, hall, row=None):
    initial = {}
    if row is not None:
        initial = {"name": row.name, "level": row.level, "materials": "\n".join(row.materials),
                   "time_limit_days": row.time_limit_days, "fees": row.fees, "window": row.window,
                   "bookable": row.bookable, "notes": row.notes, "active": row.active}
    form = MatterForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                if row is None:
                    saved = services.matter_create(actor=request.user, hall=hall, **form.cleaned_data)
                else:
                    saved = services.matter_update(actor=request.user, matter=row, **form.cleaned_data)
            except DomainError as exc:
                _raise_not_found(exc)
                if exc.status == 403:
                    raise
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The guide is saved."))
                return redirect("circle:matter", matter_id=saved.pk)
    return render(request, "circle/guide/matter_form.html", {"form": form, "hall": hall, "matter": row},
                  status=status)


@scoped
def matter_new(request, point_id: int):
    hall = selectors.queue_hall(user=request.user, pk=point_id)
    if not can(request.user, "circle.keep", hall):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return _matter_form(request, hall=hall)


@scoped
def matter_edit(request, matter_id: int):
    row = selectors.matter_get(user=request.user, pk=matter_id)
    if not can(request.user, "circle.keep", row):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return _matter_form(request, hall=row.point, row=row)


@scoped
def my_appointments(request):
    rows = list(selectors.my_appointments(user=request.user)[:100])
    now = timezone.now()
    for r in rows:
        r.may_cancel = r.state == AppointmentState.BOOKED and r.starts_at > now
    return render(request, "circle/guide/my_appointments.html", {"rows": rows})


@scoped
def queue(request, point_id: int):
    q = selectors.hall_queue(user=request.user, pk=point_id)
    for group in (q.arrived, q.coming):
        for r in group:
            r.name = selectors.person_name(r.person)
            r.offered = {t.action for t in APPOINTMENT_WORKFLOW.offered(request.user, r)}
    for group in (q.served, q.no_shows):
        for r in group:
            r.name = selectors.person_name(r.person)
    return render(request, "circle/guide/queue.html", {"q": q, "now": timezone.now()})


ACTIONS = {
    "arrive": (services.appointment_arrive, gettext_lazy("Marked arrived.")),
    "serve": (services.appointment_serve, gettext_lazy("Marked served.")),
    "no_show": (services.appointment_no_show, gettext_lazy("Recorded as a no-show.")),
    "cancel": (services.appointment_cancel, gettext_lazy("The appointment is cancelled.")),
}


def _act(action: str):
    service, done = ACTIONS[action]

    @require_POST
    @scoped
    def view(request, appointment_id: int):
        row = selectors.appointment_get(user=request.user, pk=appointment_id)
        try:
            service(actor=request.user, appointment=row)
        except DomainError as exc:
            _raise_not_found(exc)
            messages.error(request, exc.message)
        else:
            messages.success(request, str(done))
        if action == "cancel" and row.person_id == request.user.pk:
            return redirect("circle:my-appointments")
        if selectors.may_run(request.user, row.matter.point):
            return redirect("circle:hall-queue", point_id=row.matter.point_id)
        return redirect("circle:my-appointments")

    view.__name__ = f"appointment_{action}"
    return view


urlpatterns = [
    path("guide/", guide, name="guide"),
    path("guide/<int:matter_id>/", matter, name="matter"),
    path("guide/<int:matter_id>/book/", matter_book, name="matter-book"),
    path("guide/<int:matter_id>/edit/", matter_edit, name="matter-edit"),
    path("halls/<int:point_id>/matters/new/", matter_new, name="matter-new"),
    path("halls/<int:point_id>/queue/", queue, name="hall-queue"),
    path("appointments/", my_appointments, name="my-appointments"),
    path("appointments/<int:appointment_id>/cancel/", _act("cancel"), name="appointment-cancel"),
    path("appointments/<int:appointment_id>/arrive/", _act("arrive"), name="appointment-arrive"),
    path("appointments/<int:appointment_id>/serve/", _act("serve"), name="appointment-serve"),
    path("appointments/<int:appointment_id>/no-show/", _act("no_show"), name="appointment-no-show"),
]
