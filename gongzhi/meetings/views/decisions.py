"""Decision pages: "my meetings", "my decisions", a decision (owners, deadline, progress with
photos, the actions the workflow offers), recording a decision at a meeting (also the chair's
quick entry), and calling a coordination meeting from a case. Reads through the scoped selectors
(outside scope is 404); writes through the services, whose errors come back beside the field."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.areas.models import Department
from gongzhi.cases.selectors import case_get
from gongzhi.core import components, downloads
from gongzhi.core import selectors as core_selectors
from gongzhi.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from gongzhi.core.permissions import can, page_requires
from gongzhi.core.permissions import scoped_page as scoped

from .. import selectors
from ..models import AgendaItem, DecisionState, Meeting, MemberRole
from ..services import decisions as service
from ..services.meetings import checked_phone

PER_PAGE = 30




# --- my meetings, my decisions -------------------------------------------------------------------


@page_requires("meetings.view_mine")
def mine(request):
    """The meetings I am invited to: upcoming first, with my attendance and the sign-in link."""
    page = Paginator(selectors.my_meetings(user=request.user), PER_PAGE).get_page(request.GET.get("page"))
    selectors.remember_offices(user=request.user, meetings=page)
    for meeting in page:
        meeting.url = selectors.meeting_url(meeting.pk)
        meeting.signin = selectors.signin_url(meeting)
        meeting.may_decide = meeting.state in service.DECIDING_STATES and can(
            request.user, "meetings.record_decision", meeting)
    open_count = selectors.my_decisions(user=request.user).count()
    return render(request, "meetings/my_meetings.html", {"page": page, "open_decisions": open_count})


@page_requires("meetings.view_mine")
def my_decisions(request):
    """The decisions I, my unit or my department own: overdue first."""
    state = request.GET.get("state", "open")
    if state not in (*DecisionState.values, "all"):
        state = "open"
    page = Paginator(selectors.my_decisions(user=request.user, state=state), PER_PAGE).get_page(request.GET.get("page"))
    states = [("open", _("In progress")), ("done", _("Done")), ("all", _("All"))]
    return render(request, "meetings/my_decisions.html", {"page": page, "state": state, "states": states})


# --- a decision ----------------------------------------------------------------------------------


def _decision_page(request, decision_id: int, *, status: int = 200, errors=None, values=None):
    user = request.user
    decision = selectors.decision_get(user=user, pk=decision_id)
    context = {
        "decision": decision,
        "offered": selectors.offered(user=user, decision=decision),
        "dispatch_to": selectors.dispatch_offers(user=user, decision=decision),
        "meeting_url": selectors.meeting_url(decision.meeting_id),
        "case_visible": decision.case_id is not None
        and selectors.Case.objects.visible_to(user).filter(pk=decision.case_id).exists(),
        "errors": errors or {},
        "values": values or {},
        "max_photos": components.setting("MEETINGS_PHOTOS_PER_UPDATE"),
        "today": timezone.localdate(),
    }
    if core_selectors.can_see_history(user):
        context["events"] = core_selectors.history_for(user=user, obj=decision)[:50]
    # Panels of the apps above (co-building projects decided here …), each {"title", "template", "context"}.
    context["panels"] = [p for provide in components.extensions("meetings.decision.panels")
                         if (p := provide(user=user, decision=decision))]
    return render(request, "meetings/decision.html", context, status=status)


@scoped
def decision(request, decision_id: int):
    return _decision_page(request, decision_id)


@require_POST
@scoped
def decision_report(request, decision_id: int):
    return _act(request, decision_id, lambda d, v: service.decision_report(
        actor=request.user, decision=d, text=v, photos=request.FILES.getlist("photos")), _("Progress reported."), "text")


def raise_status(exc: DomainError) -> None:
    """A refusal or an unseen object is not a form error: let `scoped` answer 403 / 404."""
    if isinstance(exc, NotFound | Forbidden):
        raise exc


def _act(request, decision_id: int, run, done: str, field: str):
    found = selectors.decision_get(user=request.user, pk=decision_id)
    try:
        run(found, request.POST.get(field, ""))
    except InvalidInput as exc:
        messages.error(request, exc.message)
        return _decision_page(request, decision_id, status=400, errors=exc.fields, values=request.POST)
    except DomainError as exc:
        raise_status(exc)
        messages.error(request, exc.message)
        return redirect("meetings:decision", decision_id=decision_id)
    messages.success(request, done)
    return redirect("meetings:decision", decision_id=decision_id)


@require_POST
@scoped
def decision_complete(request, decision_id: int):
    return _act(request, decision_id, lambda d, v: service.decision_complete(actor=request.user, decision=d, note=v),
                _("Marked as done."), "note")


@require_POST
@scoped
def decision_reopen(request, decision_id: int):
    return _act(request, decision_id, lambda d, v: service.decision_reopen(actor=request.user, decision=d, reason=v),
                _("The decision is open again."), "reason")


@require_POST
@scoped
def decision_withdraw(request, decision_id: int):
    return _act(request, decision_id, lambda d, v: service.decision_withdraw(actor=request.user, decision=d, reason=v),
                _("The decision was withdrawn."), "reason")


@require_POST
@scoped
def decision_dispatch(request, decision_id: int):
    """Send the decision's case to an owning department (the case pipeline's own checks apply)."""

    def run(found, value):
        department = Department.objects.filter(pk=int(value)).first() if value.isdigit() else None
        case = service.decision_dispatch_case(actor=request.user, decision=found, department=department)
        return case

    return _act(request, decision_id, run, _("The case was sent to the department."), "department")


@scoped
def decision_photo(request, photo_id: int):
    """A progress photo, for those who see its decision; never served from a public media URL."""
    photo = selectors.photo_get(user=request.user, pk=photo_id)
    return downloads.serve(photo.file, content_type=photo.content_type, name=photo.name)


# --- recording a decision ------------------------------------------------------------------------


def _owners_from(post, user, meeting: Meeting) -> list:
    """The owners picked in the form: accounts, units, departments (by id, among the choices) and
    names typed one per line (or separated by commas)."""
    choices = selectors.owner_choices(user=user, meeting=meeting)
    users = {str(u.pk): u for u in choices["users"]}
    units = {str(u.pk): u for u in choices["units"]}
    departments = {str(d.pk): d for d in choices["departments"]}
    owners: list = []
    for value in post.getlist("owner"):
        kind, _sep, ident = value.partition(":")
        found = {"user": users, "unit": units, "department": departments}.get(kind, {}).get(ident)
        if found is None:
            message = _("Choose owners among the people, units and departments you can see.")
            raise InvalidInput(message, fields={"owners": [message]})
        owners.append(found)
    # A typed name that is exactly one invitee's, unit's or department's name is linked to it (so
    # the chair's quick entry reaches people with accounts); any other name stays a plain name.
    known: dict[str, list] = {}
    for obj in [*choices["users"], *choices["units"], *choices["departments"]]:
        for label in {str(obj) if not hasattr(obj, "name") else obj.name, getattr(obj, "short_name", "")} - {""}:
            known.setdefault(label, []).append(obj)
    names = post.get("owner_names", "").replace("，", ",").replace("、", ",").replace("\n", ",")
    for name in (n.strip() for n in names.split(",")):
        if name:
            matches = known.get(name, [])
            owners.append(matches[0] if len(matches) == 1 else name)
    return owners


def _date(value: str, field: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    parsed = None
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        message = _("Enter a date such as 2026-06-30.")
        raise InvalidInput(message, fields={field: [message]})
    return parsed


@scoped
def decision_create(request, meeting_id: int):
    """Record a decision at a meeting (the full form; the chair's screen posts its quick form here)."""
    meeting = Meeting.objects.visible_or_404(request.user, pk=meeting_id)
    if not can(request.user, "meetings.record_decision", meeting):
        raise PermissionDenied
    context = {
        "meeting": meeting,
        "choices": selectors.owner_choices(user=request.user, meeting=meeting),
        "agenda": AgendaItem.objects.filter(meeting=meeting),
        "decisions": selectors.decisions_of_meeting(user=request.user, meeting=meeting),
        "meeting_url": selectors.meeting_url(meeting.pk),
        "values": {"deadline": (timezone.localdate() + dt.timedelta(days=14)).isoformat()},
        "picked": [],
        "errors": {},
        "today": timezone.localdate().isoformat(),
        "not_yet": meeting.state not in service.DECIDING_STATES,
    }
    if request.method == "POST":
        post = request.POST
        context["values"], context["picked"] = post, post.getlist("owner")
        try:
            item = None
            if post.get("agenda_item", "").isdigit():
                item = AgendaItem.objects.filter(meeting=meeting, pk=int(post["agenda_item"])).first()
            deadline = _date(post.get("deadline", ""), "deadline")
            made = service.decision_record(
                actor=request.user, meeting=meeting, text=post.get("text", ""), deadline=deadline,
                owners=_owners_from(post, request.user, meeting), agenda_item=item,
            )
        except InvalidInput as exc:
            context["errors"] = exc.fields
            messages.error(request, exc.message)
            return render(request, "meetings/decision_form.html", context, status=400)
        except DomainError as exc:
            raise_status(exc)
            messages.error(request, exc.message)
            return render(request, "meetings/decision_form.html", context, status=409)
        messages.success(request, _("Decision %(n)d recorded.") % {"n": made.number})
        back = post.get("next", "")
        if back.startswith("/") and not back.startswith("//"):
            return redirect(back)
        return redirect("meetings:decision-create", meeting_id=meeting.pk)
    return render(request, "meetings/decision_form.html", context)


# --- a coordination meeting from a case ----------------------------------------------------------

PARTY_ROWS = 6


def _party_rows(post, errors: dict) -> list[dict]:
    """The form's party rows with what was typed and the first error of each row (kept on error)."""
    rows = []
    for i in range(PARTY_ROWS):
        problems = [m for f in ("name", "org", "phone", "user") for m in errors.get(f"party_{f}_{i}", [])]
        rows.append({"i": i, "name": post.get(f"party_name_{i}", ""), "org": post.get(f"party_org_{i}", ""),
                     "phone": post.get(f"party_phone_{i}", ""), "user": post.get(f"party_user_{i}", ""),
                     "error": problems[0] if problems else ""})
    return rows


def _parties_from(post, user) -> list[dict]:
    """The parties typed in the form's rows: name, organisation, phone, or an account (by username
    among those the caller may see)."""
    User = get_user_model()
    parties = []
    for i in range(PARTY_ROWS):
        name = post.get(f"party_name_{i}", "").strip()
        org = post.get(f"party_org_{i}", "").strip()
        phone = post.get(f"party_phone_{i}", "").strip()
        account = post.get(f"party_user_{i}", "").strip()
        if not (name or org or phone or account):
            continue
        party: dict = {"name": name, "organization": org, "phone": phone, "capacity": MemberRole.MEMBER}
        if account:
            found = User.objects.visible_to(user).filter(pk=int(account)).first() if account.isdigit() else None
            if found is None:
                message = _("Choose an account you can see.")
                raise InvalidInput(message, fields={f"party_user_{i}": [message]})
            party["user"] = found
        elif not name:
            message = _("Give the party's name.")
            raise InvalidInput(message, fields={f"party_name_{i}": [message]})
        checked_phone(phone, field=f"party_phone_{i}")
        parties.append(party)
    return parties


@scoped
def coordination_call(request, case_id: int):
    """Call a coordination meeting on a case with its parties, a time and a place."""
    case = case_get(user=request.user, pk=case_id)
    if not can(request.user, "meetings.call_coordination", case):
        raise PermissionDenied
    User = get_user_model()
    context = {
        "case": case,
        "rows": _party_rows({}, {}),
        "accounts": User.objects.visible_to(request.user).filter(is_active=True).order_by("display_name", "username")[:200],
        "values": {},
        "errors": {},
    }
    if request.method == "POST":
        post = request.POST
        context["values"] = post
        try:
            starts_at = None
            raw = post.get("starts_at", "").strip()
            if raw:
                starts_at = parse_datetime(raw)
                if starts_at is None:
                    message = _("Enter a date and time.")
                    raise InvalidInput(message, fields={"starts_at": [message]})
                if timezone.is_naive(starts_at):
                    starts_at = timezone.make_aware(starts_at)
            meeting = service.coordination_call(
                actor=request.user, case=case, starts_at=starts_at, location=post.get("location", ""),
                parties=_parties_from(post, request.user), title=post.get("title", ""),
            )
        except InvalidInput as exc:
            context["errors"], context["rows"] = exc.fields, _party_rows(post, exc.fields)
            messages.error(request, exc.message)
            return render(request, "meetings/decision_coordination.html", context, status=400)
        except (ValueError, OverflowError):
            context["rows"] = _party_rows(post, {})
            message = _("Enter a date and time.")
            context["errors"] = {"starts_at": [message]}
            messages.error(request, message)
            return render(request, "meetings/decision_coordination.html", context, status=400)
        messages.success(request, _("The coordination meeting “%(title)s” was called.") % {"title": meeting.title})
        return redirect(selectors.meeting_url(meeting.pk) or reverse("cases:detail", kwargs={"pk": case.pk}))
    return render(request, "meetings/decision_coordination.html", context)


urlpatterns = [
    path("mine/", mine, name="mine"),
    path("mine/decisions/", my_decisions, name="my-decisions"),
    path("decisions/<int:decision_id>/", decision, name="decision"),
    path("decisions/<int:decision_id>/report/", decision_report, name="decision-report"),
    path("decisions/<int:decision_id>/complete/", decision_complete, name="decision-complete"),
    path("decisions/<int:decision_id>/reopen/", decision_reopen, name="decision-reopen"),
    path("decisions/<int:decision_id>/withdraw/", decision_withdraw, name="decision-withdraw"),
    path("decisions/<int:decision_id>/dispatch/", decision_dispatch, name="decision-dispatch"),
    path("decisions/photos/<int:photo_id>/", decision_photo, name="decision-photo"),
    path("decisions/record/<int:meeting_id>/", decision_create, name="decision-create"),
    path("cases/<int:case_id>/coordination/", coordination_call, name="coordination-call"),
]
