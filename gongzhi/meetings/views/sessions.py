"""Pages of a meeting: calling an extraordinary meeting or a hearing from a body's page, the meeting
page (agenda, invitees with attendance, minutes, decisions), the chair's phone screen (the sign-in
code and its QR, the live count and the quorum), the invitee's sign-in, the minutes with their
versions and files, and the PDF. As thin as the API: parse, call a service or selector, render."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.accounts.selectors import users_visible
from gongzhi.core import downloads
from gongzhi.core import selectors as core_selectors
from gongzhi.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from gongzhi.core.forms import local_datetime as _local_input
from gongzhi.core.permissions import can, require

from .. import pdf, selectors
from ..models import AttendanceStatus, Body, MeetingKind, MeetingState, MemberRole, SignInMethod
from ..services import meetings as meeting_services
from ..services import minutes as minutes_services
from ..services import sessions
from ..workflow import MEETING_WORKFLOW

# What a body's page may call besides its regular meetings.
CALLABLE_KINDS = (MeetingKind.EXTRAORDINARY, MeetingKind.HEARING)
MARK_CHOICES = (AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT)


def _meeting(request, meeting_id: int):
    try:
        return selectors.meeting_get(user=request.user, pk=meeting_id)
    except NotFound as exc:
        raise Http404 from exc


def _require(user, action: str, obj) -> None:
    try:
        require(user, action, obj)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc




# --- calling a meeting ---------------------------------------------------------------------------


@login_required
def meeting_new(request, body_id: int):
    """An extraordinary meeting or a public hearing of a body (its members invited)."""
    try:
        body = Body.objects.visible_or_404(request.user, pk=body_id)
    except NotFound as exc:
        raise Http404 from exc
    _require(request.user, "meetings.convene", body)
    default_start = (timezone.localtime() + dt.timedelta(days=3)).replace(hour=14, minute=30, second=0, microsecond=0)
    context = {"body": body, "kinds": [(k.value, k.label) for k in CALLABLE_KINDS], "errors": {},
               "values": request.POST or {"kind": MeetingKind.EXTRAORDINARY,
                                          "starts_at": default_start.strftime("%Y-%m-%dT%H:%M")}}
    if request.method == "POST":
        post = request.POST
        try:
            if post.get("kind") not in CALLABLE_KINDS:
                message = _("Choose an extraordinary meeting or a public hearing.")
                raise InvalidInput(message, fields={"kind": [message]})
            starts_at = _local_input(post.get("starts_at", ""), "starts_at")
            meeting = meeting_services.meeting_create(
                actor=request.user, body=body, kind=post["kind"], title=post.get("title", ""), starts_at=starts_at,
                location=post.get("location", ""),
                agenda=[{"title": post["agenda"]}] if post.get("agenda", "").strip() else (),
            )
        except DomainError as exc:
            context["errors"] = exc.fields
            messages.error(request, exc.message)
            return render(request, "meetings/meeting_new.html", context, status=400)
        messages.success(request, _("The meeting is planned. Check the agenda and invitees, then send the notice."))
        return redirect("meetings:meeting", meeting_id=meeting.pk)
    return render(request, "meetings/meeting_new.html", context)


# --- the meeting page ----------------------------------------------------------------------------


def _meeting_context(request, meeting, *, revealed: dict | None = None) -> dict:
    user = request.user
    offered = [t for t in MEETING_WORKFLOW.offered(user, meeting) if t.action in ("notify", "open", "close", "record")]
    attendances = list(selectors.meeting_attendances(user=user, meeting=meeting).select_related("user"))
    may_reveal = can(user, "meetings.reveal_phone") and bool(attendances) and can(
        user, "meetings.reveal_phone", attendances[0])
    for row in attendances:
        row.revealed_phone = (revealed or {}).get(row.pk, "")
    context = {
        "meeting": meeting,
        "offered": offered,
        "agenda": selectors.meeting_agenda(user=user, meeting=meeting),
        "attendances": attendances,
        "lists": selectors.attendance_lists(user=user, meeting=meeting),
        "quorum": selectors.quorum_status(meeting),
        "current_minutes": selectors.minutes_current(user=user, meeting=meeting),
        "draft_minutes": selectors.minutes_draft(user=user, meeting=meeting),
        "decisions": selectors.meeting_decisions(user=user, meeting=meeting),
        "mine": selectors.attendance_of(user=user, meeting=meeting),
        "can_convene": meeting.state in sessions.OPEN_STATES and can(user, "meetings.convene", meeting),
        "can_run": can(user, "meetings.run", meeting),
        "can_mark": meeting.state != MeetingState.CANCELLED and can(user, "meetings.run", meeting),
        "can_write_minutes": can(user, "meetings.write_minutes", meeting),
        "can_record_decision": can(user, "meetings.record_decision", meeting),
        "may_reveal": may_reveal,
        "mark_choices": [(s.value, s.label) for s in AttendanceStatus if s in MARK_CHOICES],
        "capacities": MemberRole.choices,
        "signin_open": sessions.signin_open(meeting),
        "errors": {}, "form": "", "values": {},
    }
    if core_selectors.can_see_history(user):
        context["events"] = core_selectors.history_for(user=user, obj=meeting)[:50]
    return context


@login_required
def meeting_detail(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    return render(request, "meetings/meeting.html", _meeting_context(request, meeting))


def _invite(request, meeting) -> None:
    post = request.POST
    guest = {"name": post.get("name", ""), "organization": post.get("organization", ""), "phone": post.get("phone", ""),
             "capacity": post.get("capacity") or MemberRole.MEMBER}
    username = post.get("username", "").strip()
    if username:
        found = users_visible(user=request.user).filter(username=username, is_active=True).first()
        if found is None:
            message = _("No account with this user name that you can see.")
            raise InvalidInput(message, fields={"username": [message]})
        guest["user"] = found
    sessions.attendance_invite(actor=request.user, meeting=meeting, guest=guest)


def _agenda(request, meeting) -> None:
    post = request.POST
    item = None
    if post.get("item", "").isdigit():
        item = selectors.agenda_item_get(user=request.user, pk=int(post["item"]))
    case = selectors.case_by_reference(user=request.user, reference=post.get("case", ""))
    sessions.agenda_item_save(actor=request.user, meeting=meeting, item=item, title=post.get("title", ""),
                              notes=post.get("notes", ""), case=case, reference=post.get("reference", ""))


def _attendance(request, meeting):
    value = request.POST.get("attendance", "")
    if not value.isdigit():
        raise NotFound()
    row = selectors.attendance_get(user=request.user, pk=int(value))
    if row.meeting_id != meeting.pk:
        raise NotFound()
    return row


@login_required
@require_POST
def meeting_act(request, meeting_id: int):
    """Every form of the meeting page posts here with its `action`; errors come back beside the
    form's fields on the meeting page, with the input kept."""
    meeting = _meeting(request, meeting_id)
    user, post = request.user, request.POST
    action = post.get("action", "")
    done = {
        "notify": _("The notice was sent to every invitee with an account."),
        "open": _("The sign-in is open."),
        "close": _("The meeting is closed."),
        "record": _("The meeting is recorded as held."),
        "invite": _("Invited."),
        "agenda": _("The agenda is saved."),
        "agenda_remove": _("The item was taken off the agenda."),
        "mark": _("Attendance marked."),
    }
    try:
        if action == "notify":
            sessions.meeting_notify(actor=user, meeting=meeting)
        elif action == "open":
            sessions.meeting_open(actor=user, meeting=meeting)
        elif action == "close":
            sessions.meeting_close(actor=user, meeting=meeting)
        elif action == "record":
            sessions.meeting_record(actor=user, meeting=meeting)
        elif action == "invite":
            _invite(request, meeting)
        elif action == "agenda":
            _agenda(request, meeting)
        elif action == "agenda_remove":
            item = selectors.agenda_item_get(user=user, pk=int(post.get("item") or 0))
            sessions.agenda_item_remove(actor=user, item=item)
        elif action == "mark":
            sessions.attendance_mark(actor=user, attendance=_attendance(request, meeting),
                                     status=post.get("status", ""), reason=post.get("absence_reason", ""))
        elif action == "reveal":
            row = _attendance(request, meeting)
            phone = sessions.attendance_reveal_phone(actor=user, attendance=row, reason=post.get("reason", ""))
            return render(request, "meetings/meeting.html",
                          _meeting_context(request, selectors.meeting_get(user=user, pk=meeting.pk),
                                           revealed={row.pk: phone}))
        else:
            raise InvalidInput(_("Unknown action."))
    except NotFound as exc:
        raise Http404 from exc
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        meeting = selectors.meeting_get(user=user, pk=meeting.pk)
        context = _meeting_context(request, meeting)
        context.update(errors=exc.fields, form=action, values=post, error_message=exc.message,
                       error_row=post.get("attendance", "") or post.get("item", ""))
        messages.error(request, exc.message)
        return render(request, "meetings/meeting.html", context, status=400 if exc.status == 400 else exc.status)
    messages.success(request, done[action])
    back = post.get("next", "")
    if back == "chair":
        return redirect("meetings:meeting-chair", meeting_id=meeting.pk)
    return redirect(reverse("meetings:meeting", kwargs={"meeting_id": meeting.pk}) + (
        "#attendance" if action in ("mark", "invite") else ""))


# --- the chair's phone screen --------------------------------------------------------------------


def _status(meeting) -> dict:
    quorum = selectors.quorum_status(meeting)
    labels = {"met": _("Quorum met"), "not_met": _("Quorum not met"), "none": _("No quorum required")}
    return {"present": meeting.present_count, "expected": meeting.expected_count, "quorum": quorum,
            "quorum_label": labels[quorum], "state": meeting.state, "signin_open": sessions.signin_open(meeting)}


@login_required
def meeting_chair(request, meeting_id: int):
    """The chair's phone at the door: the code in large type and its QR, the live count against the
    expected and the quorum, the agenda, and the quick decision entry."""
    meeting = _meeting(request, meeting_id)
    _require(request.user, "meetings.run", meeting)
    offered = [t for t in MEETING_WORKFLOW.offered(request.user, meeting) if t.action in ("open", "close")]
    context = {"meeting": meeting, "status": _status(meeting), "offered": offered,
               "agenda": selectors.meeting_agenda(user=request.user, meeting=meeting),
               "signin_url": _signin_url(request, meeting),
               "can_record_decision": can(request.user, "meetings.record_decision", meeting)}
    return render(request, "meetings/meeting_chair.html", context)


@login_required
def meeting_status(request, meeting_id: int):
    """The live count as JSON, for the chair's screen's polling (static script, no inline code)."""
    meeting = _meeting(request, meeting_id)
    _require(request.user, "meetings.run", meeting)
    response = JsonResponse(_status(meeting))
    response["Cache-Control"] = "no-store"
    return response


def _signin_url(request, meeting) -> str:
    if not sessions.signin_open(meeting):
        return ""
    relative = reverse("meetings:meeting-sign-in", kwargs={"meeting_id": meeting.pk})
    return request.build_absolute_uri(f"{relative}?code={meeting.signin_code}&via=qr")


@login_required
def meeting_qr(request, meeting_id: int):
    """The QR of the sign-in URL as SVG, for the chair's screen: with the code while the sign-in is
    open; without it otherwise (it leads to the sign-in page, where a code is still needed)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    meeting = _meeting(request, meeting_id)
    _require(request.user, "meetings.run", meeting)
    url = _signin_url(request, meeting) or request.build_absolute_uri(
        reverse("meetings:meeting-sign-in", kwargs={"meeting_id": meeting.pk}))
    buffer = io.BytesIO()
    qrcode.make(url, image_factory=SvgPathImage, box_size=12, border=2).save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- signing in ----------------------------------------------------------------------------------


@login_required
def meeting_sign_in(request, meeting_id: int):
    """The invitee's sign-in: the code typed, or carried by the QR's link (a GET never signs in:
    the invitee confirms with the button)."""
    meeting = _meeting(request, meeting_id)
    mine = selectors.attendance_of(user=request.user, meeting=meeting)
    values = request.POST or {"code": request.GET.get("code", ""), "via": request.GET.get("via", "")}
    context = {"meeting": meeting, "mine": mine, "values": values, "errors": {}}
    if request.method == "POST":
        try:
            via = SignInMethod.QR if request.POST.get("via") == "qr" else SignInMethod.CODE
            sessions.attendance_sign_in(actor=request.user, meeting=meeting, code=request.POST.get("code", ""), via=via)
        except Forbidden as exc:
            context["errors"] = {"code": [exc.message]}
            messages.error(request, exc.message)
            return render(request, "meetings/meeting_sign_in.html", context, status=403)
        except DomainError as exc:
            context["errors"] = exc.fields or {"code": [exc.message]}
            messages.error(request, exc.message)
            return render(request, "meetings/meeting_sign_in.html", context, status=400)
        messages.success(request, _("You are signed in. Welcome."))
        return redirect("meetings:meeting-sign-in", meeting_id=meeting.pk)
    return render(request, "meetings/meeting_sign_in.html", context)


@login_required
def sign_in_by_code(request):
    """Sign in with the code alone (the invitee did not come from the meeting's page)."""
    context = {"values": request.POST or request.GET, "errors": {}}
    if request.method == "POST":
        code = sessions.normalise_code(request.POST.get("code", ""))
        meeting = selectors.meeting_for_code(user=request.user, code=code)
        if meeting is not None:
            try:
                sessions.attendance_sign_in(actor=request.user, meeting=meeting, code=code)
            except DomainError as exc:
                context["errors"] = exc.fields or {"code": [exc.message]}
                return render(request, "meetings/sign_in.html", context, status=400)
            messages.success(request, _("You are signed in. Welcome."))
            return redirect("meetings:meeting-sign-in", meeting_id=meeting.pk)
        message = _("No meeting you are invited to has this sign-in code open.")
        context["errors"] = {"code": [message]}
        return render(request, "meetings/sign_in.html", context, status=400)
    return render(request, "meetings/sign_in.html", context)


# --- minutes -------------------------------------------------------------------------------------


@login_required
def minutes_page(request, meeting_id: int):
    """The minutes: the latest approved version for readers, the draft and the editor for the
    secretary, approval for the chair, every version with its files."""
    meeting = _meeting(request, meeting_id)
    user = request.user
    draft = selectors.minutes_draft(user=user, meeting=meeting)
    context = {
        "meeting": meeting,
        "current": selectors.minutes_current(user=user, meeting=meeting),
        "draft": draft,
        "versions": selectors.minutes_versions(user=user, meeting=meeting),
        "can_write": meeting.state in minutes_services.MINUTED_STATES and can(user, "meetings.write_minutes", meeting),
        "can_approve": draft is not None and can(user, "meetings.approve_minutes", draft),
        "errors": {}, "values": {}, "form": "",
    }
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "write":
                minutes_services.minutes_write(actor=user, meeting=meeting, text=request.POST.get("text", ""))
                messages.success(request, _("The draft of the minutes is saved."))
            elif action == "approve" and draft is not None:
                minutes_services.minutes_approve(actor=user, minutes=draft)
                messages.success(request, _("The minutes are approved."))
            elif action == "attach" and draft is not None:
                minutes_services.minutes_attach(actor=user, minutes=draft, files=request.FILES.getlist("attachments"))
                messages.success(request, _("The files are attached."))
            else:
                raise InvalidInput(_("Unknown action."))
        except NotFound as exc:
            raise Http404 from exc
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            context.update(errors=exc.fields, values=request.POST, form=action)
            messages.error(request, exc.message)
            return render(request, "meetings/minutes.html", context, status=exc.status)
        return redirect("meetings:minutes", meeting_id=meeting.pk)
    return render(request, "meetings/minutes.html", context)


@login_required
def minutes_file(request, meeting_id: int, attachment_id: int):
    """A file of the minutes, only to those who see the meeting (never from MEDIA_URL)."""
    meeting = _meeting(request, meeting_id)
    try:
        found = selectors.minutes_attachment_get(user=request.user, pk=attachment_id)
    except NotFound as exc:
        raise Http404 from exc
    if found.minutes.meeting_id != meeting.pk:
        raise Http404
    return downloads.serve(found.file, content_type=found.content_type, name=found.name)


@login_required
def minutes_pdf(request, meeting_id: int):
    """The printable minutes with attendance (PDF)."""
    meeting = _meeting(request, meeting_id)
    data = pdf.minutes_pdf(user=request.user, meeting=meeting)
    response = HttpResponse(data, content_type="application/pdf")
    stamp = timezone.localtime(meeting.starts_at).strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="minutes-{meeting.pk}-{stamp}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("bodies/<int:body_id>/meetings/new/", meeting_new, name="meeting-new"),
    path("sign-in/", sign_in_by_code, name="sign-in"),
    path("<int:meeting_id>/", meeting_detail, name="meeting"),
    path("<int:meeting_id>/act/", meeting_act, name="meeting-act"),
    path("<int:meeting_id>/chair/", meeting_chair, name="meeting-chair"),
    path("<int:meeting_id>/status.json", meeting_status, name="meeting-status"),
    path("<int:meeting_id>/qr.svg", meeting_qr, name="meeting-qr"),
    path("<int:meeting_id>/sign-in/", meeting_sign_in, name="meeting-sign-in"),
    path("<int:meeting_id>/minutes/", minutes_page, name="minutes"),
    path("<int:meeting_id>/minutes.pdf", minutes_pdf, name="minutes-pdf"),
    path("<int:meeting_id>/minutes/files/<int:attachment_id>/", minutes_file, name="minutes-file"),
]
