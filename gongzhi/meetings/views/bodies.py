"""Pages of the bodies that meet: the list of bodies, a body's page (members, cadences, calendar,
meetings, open decisions, party life and attendance), creating and changing a body and its members,
moving and cancelling a planned meeting, and the district's fixed contents of the theme party day.
Thin: forms parse, services write, selectors read (scoped; outside is 404)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gongzhi.accounts.models import User
from gongzhi.areas.models import AreaKind, AreaNode, Estate, Unit
from gongzhi.core import selectors as core_selectors
from gongzhi.core.errors import DomainError, Forbidden
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can, page_requires
from gongzhi.core.permissions import scoped_page as domain_view
from gongzhi.party.models import PartyMember, PartyOrganization

from .. import selectors
from ..models import BodyKind, Cadence, Meeting, MeetingKind, MeetingState, MemberRole, QuorumRule
from ..services import bodies as body_services
from ..services import schedule

BODY_AREA_KINDS = (AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.GRID)
DATE = forms.DateInput(attrs={"type": "date"})
WEEKDAYS = [
    pgettext_lazy("weekday, one character", "Mon"), pgettext_lazy("weekday, one character", "Tue"),
    pgettext_lazy("weekday, one character", "Wed"), pgettext_lazy("weekday, one character", "Thu"),
    pgettext_lazy("weekday, one character", "Fri"), pgettext_lazy("weekday, one character", "Sat"),
    pgettext_lazy("weekday, one character", "Sun"),
]
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")




def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _require(user, action: str, obj=None) -> None:
    if not can(user, action, obj):
        raise PermissionDenied


def meeting_url(meeting: Meeting) -> str:
    return selectors.meeting_url(meeting.pk)


def decision_url(decision) -> str:
    return reverse("meetings:decision", args=[decision.pk])


# --- forms (parse only; the services validate) -----------------------------------------------------


class BodyForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of body"), choices=BodyKind.choices)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    area = forms.ModelChoiceField(label=gettext_lazy("Area"), queryset=AreaNode.objects.none())
    cadence = forms.ChoiceField(
        label=gettext_lazy("Regular meeting"), choices=Cadence.choices, initial=Cadence.BIMONTHLY,
        help_text=gettext_lazy("A party branch also owes the 三会一课 and the monthly theme day."),
    )
    quorum_rule = forms.ChoiceField(label=gettext_lazy("Quorum"), choices=QuorumRule.choices)
    party_organization = forms.ModelChoiceField(
        label=gettext_lazy("Party organisation"), queryset=PartyOrganization.objects.none(), required=False
    )
    estate = forms.ModelChoiceField(label=gettext_lazy("Estate"), queryset=Estate.objects.none(), required=False)
    description = forms.CharField(label=gettext_lazy("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = AreaNode.objects.visible_to(user).filter(kind__in=BODY_AREA_KINDS).order_by("path")
        self.fields["party_organization"].queryset = PartyOrganization.objects.visible_to(user).order_by("path")
        self.fields["estate"].queryset = Estate.objects.visible_to(user).order_by("name")


class BodyEditForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    quorum_rule = forms.ChoiceField(label=gettext_lazy("Quorum"), choices=QuorumRule.choices)
    description = forms.CharField(label=gettext_lazy("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False)


class PhoneInput(forms.TextInput):
    """Never renders a phone number back into the page."""

    def format_value(self, value):
        return None


class MemberForm(forms.Form):
    capacity = forms.ChoiceField(label=gettext_lazy("Role"), choices=MemberRole.choices, initial=MemberRole.MEMBER)
    username = forms.CharField(
        label=gettext_lazy("Account (user name)"), max_length=150, required=False,
        help_text=gettext_lazy("For a person who signs in to the platform."),
    )
    party_member = forms.ModelChoiceField(
        label=gettext_lazy("Party member (from the registry)"), queryset=PartyMember.objects.none(), required=False
    )
    unit = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=Unit.objects.none(), required=False)
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50, required=False,
                           help_text=gettext_lazy("Required for a person without an account; otherwise taken from the account, the registry or the unit."))
    title = forms.CharField(label=pgettext_lazy("held by a person", "Title"), max_length=100, required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=20, required=False,
                            widget=PhoneInput(attrs={"inputmode": "tel", "autocomplete": "off"}))

    def __init__(self, *args, user, body, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party_member"].queryset = (
            PartyMember.objects.visible_to(user).filter(organization__area__path__startswith=body.area.path[: AreaNode.steplen])
            .select_related("organization").order_by("organization__path", "name")
        )
        self.fields["unit"].queryset = Unit.objects.visible_to(user).order_by("name")

    def clean_username(self):
        username = (self.cleaned_data.get("username") or "").strip()
        if not username:
            return None
        account = User.objects.filter(username=username, is_active=True).first()
        if account is None:
            raise forms.ValidationError(_("No active account has this user name."))
        return account


class MemberEditForm(forms.Form):
    capacity = forms.ChoiceField(label=gettext_lazy("Role"), choices=MemberRole.choices)
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    title = forms.CharField(label=pgettext_lazy("held by a person", "Title"), max_length=100, required=False)
    phone = forms.CharField(label=gettext_lazy("New phone"), max_length=20, required=False,
                            help_text=gettext_lazy("Leave empty to keep the current one."),
                            widget=PhoneInput(attrs={"inputmode": "tel", "autocomplete": "off"}))


class CadenceForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of meeting"),
                             choices=[c for c in MeetingKind.choices if c[0] != MeetingKind.COORDINATION])
    cadence = forms.ChoiceField(label=gettext_lazy("Cadence"), choices=Cadence.choices)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class MoveForm(ReasonForm):
    starts_at = forms.DateTimeField(label=gettext_lazy("New date and time"), widget=DATETIME, required=False,
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    field_order = ["starts_at", "reason"]


class ThemeItemForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("The branch's own item (X)"), max_length=200, required=False)
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ThemeDayContentsForm(forms.Form):
    """The district's fixed contents: four positions (a fifth, sixth … may be added)."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        by_position = {r.position: r for r in rows}
        count = max([4, *by_position.keys()]) + 1
        for position in range(1, count + 1):
            row = by_position.get(position)
            self.fields[f"title_{position}"] = forms.CharField(
                label=_("Content %(n)d") % {"n": position}, max_length=100, required=False,
                initial=row.title if row else "",
            )
            self.fields[f"active_{position}"] = forms.BooleanField(
                label=_("In use"), required=False, initial=row.is_active if row else True,
            )


# --- the list -------------------------------------------------------------------------------------


@domain_view
def body_list(request):
    """The bodies the user sees (in scope, or sat on), by kind and area, or only the ones the user
    sits on."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in BodyKind.values else ""
    area_id = _int(request.GET.get("area"))
    mine = request.GET.get("mine") == "1"
    search = request.GET.get("q", "").strip()[:50]
    items = list(selectors.bodies_visible(user=request.user, kind=kind or None, area_id=area_id, mine=mine,
                                          search=search)[:300])
    areas = AreaNode.objects.visible_to(request.user).filter(kind__in=BODY_AREA_KINDS).order_by("path")[:500]
    districts = [d for d in selectors.districts_for(user=request.user) if can(request.user, "meetings.manage_theme_day", d)]
    year = timezone.localdate().year
    branch_rates = (selectors.branch_attendance_rates(user=request.user, year=year, area_id=area_id)[:300]
                    if any(b.kind in selectors.PARTY_BODY_KINDS for b in items) else [])
    return render(request, "meetings/body_list.html", {
        "bodies": items, "kinds": BodyKind.choices, "kind": kind, "areas": areas, "area_id": area_id, "mine": mine,
        "q": search, "can_create": can(request.user, "meetings.manage_body"), "theme_districts": districts,
        "year": year, "branch_rates": branch_rates,
    })


# --- a body ---------------------------------------------------------------------------------------


def _month_param(value: str) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year, month = (int(p) for p in (value or "").split("-", 1))
        dt.date(year, month, 1)
        if not 2000 <= year <= 2100:
            raise ValueError
        return year, month
    except (TypeError, ValueError):
        return today.year, today.month


def _shift(year: int, month: int, by: int) -> str:
    index = year * 12 + (month - 1) + by
    return f"{index // 12}-{index % 12 + 1:02d}"


def body_context(request, body, **extra) -> dict:
    user = request.user
    today = timezone.localdate()
    year = _int(request.GET.get("year"), today.year)
    if not 2000 <= year <= 2100:
        year = today.year
    cal_year, cal_month = _month_param(request.GET.get("month", ""))
    month_meetings = selectors.body_meetings(user=user, body=body).filter(
        starts_at__year=cal_year, starts_at__month=cal_month)
    upcoming = list(selectors.body_meetings(user=user, body=body, upcoming=True)[:12])
    past = list(selectors.body_meetings(user=user, body=body, upcoming=False)[:20])
    selectors.remember_offices(user=user, meetings=(*upcoming, *past))
    for m in (*upcoming, *past):
        m.url = meeting_url(m)
        m.can_convene = m.state in (MeetingState.PLANNED, MeetingState.NOTIFIED) and can(user, "meetings.convene", m)
    decisions = list(selectors.body_open_decisions(user=user, body=body)[:50])
    for d in decisions:
        d.url = decision_url(d)
    offers = selectors.body_offers(user=user, body=body)
    members = selectors.body_members(body=body)
    is_party = body.kind in selectors.PARTY_BODY_KINDS
    theme_days = selectors.theme_days(user=user, body=body, year=today.year) if is_party else []
    next_theme_day = next((m for m in sorted(theme_days, key=lambda m: m.starts_at)
                           if m.state in (MeetingState.PLANNED, MeetingState.NOTIFIED)), None)
    context = {
        "body": body, "members": members, **offers,
        "party_life": selectors.party_life(user=user, body=body, today=today), "is_party": is_party,
        "upcoming": upcoming, "past": past, "decisions": decisions,
        "calendar": selectors.month_calendar(meetings=month_meetings, year=cal_year, month=cal_month),
        "cal_month": dt.date(cal_year, cal_month, 1), "weekdays": WEEKDAYS, "prev_month": _shift(cal_year, cal_month, -1),
        "next_month": _shift(cal_year, cal_month, 1),
        "attendance": selectors.member_attendance_rates(user=user, body=body, year=year), "year": year,
        "years": list(range(today.year, today.year - 5, -1)),
        "next_theme_day": next_theme_day, "theme_days": theme_days,
        "fixed_contents": list(selectors.theme_day_contents_for(body=body)) if is_party else [],
        "cadence_form": CadenceForm(), "theme_form": ThemeItemForm(), "reveal_form": ReasonForm(),
        "can_add_x": bool(next_theme_day) and can(user, "meetings.convene", next_theme_day),
    }
    if core_selectors.can_see_history(user):
        context["events"] = core_selectors.history_for(user=user, obj=body)[:30]
    context.update(extra)
    return context


@domain_view
def body_detail(request, body_id: int):
    body = selectors.body_get(user=request.user, pk=body_id)
    return render(request, "meetings/body.html", body_context(request, body))


@page_requires("meetings.manage_body")
@domain_view
def body_create(request):
    form = BodyForm(request.POST or None, user=request.user, initial={"quorum_rule": QuorumRule.MORE_THAN_HALF})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            body = body_services.body_create(
                actor=request.user, kind=data["kind"], name=data["name"], area=data["area"], cadence=data["cadence"],
                quorum_rule=data["quorum_rule"], party_organization=data.get("party_organization"),
                estate=data.get("estate"), description=data.get("description", ""),
            )
        except Forbidden:
            form.add_error("area", _("You may not manage the bodies of this area."))
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The body “%(name)s” was created.") % {"name": body.name})
            return redirect("meetings:body", body_id=body.pk)
    return render(request, "meetings/body_form.html", {"form": form, "title": _("New body")},
                  status=400 if request.method == "POST" else 200)


@domain_view
def body_edit(request, body_id: int):
    body = selectors.body_get(user=request.user, pk=body_id)
    _require(request.user, "meetings.manage_body", body)
    form = BodyEditForm(request.POST or None, initial={
        "name": body.name, "quorum_rule": body.quorum_rule, "description": body.description, "is_active": body.is_active})
    if request.method == "POST" and form.is_valid():
        try:
            body_services.body_update(actor=request.user, body=body, **form.cleaned_data)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("meetings:body", body_id=body.pk)
    return render(request, "meetings/body_form.html",
                  {"form": form, "body": body, "title": _("Change %(name)s") % {"name": body.name}},
                  status=400 if request.method == "POST" else 200)


@require_POST
@domain_view
def body_cadence(request, body_id: int):
    body = selectors.body_get(user=request.user, pk=body_id)
    _require(request.user, "meetings.manage_body", body)
    form = CadenceForm(request.POST)
    if form.is_valid():
        try:
            body_services.cadence_set(actor=request.user, body=body, **form.cleaned_data)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The cadence was saved."))
            return redirect("meetings:body", body_id=body.pk)
    return render(request, "meetings/body.html", body_context(request, body, cadence_form=form), status=400)


@domain_view
def member_add(request, body_id: int):
    body = selectors.body_get(user=request.user, pk=body_id)
    _require(request.user, "meetings.manage_body", body)
    form = MemberForm(request.POST or None, user=request.user, body=body)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        party_member = data.get("party_member")
        account = data.get("username") or (party_member.user if party_member and party_member.user_id else None)
        try:
            member = body_services.member_add(
                actor=request.user, body=body, capacity=data["capacity"],
                name=data.get("name") or (party_member.name if party_member else ""),
                title=data.get("title", ""), user=account, party_member=party_member, unit=data.get("unit"),
                phone=data.get("phone", ""),
            )
        except DomainError as exc:
            if "user" in (exc.fields or {}):
                form.add_error("username", exc.fields["user"][0])
            else:
                add_domain_errors(form, exc)
        else:
            messages.success(request, _("%(name)s now sits on the body.") % {"name": member.name})
            return redirect("meetings:body", body_id=body.pk)
    return render(request, "meetings/body_member_form.html",
                  {"form": form, "body": body, "title": _("Add a member")},
                  status=400 if request.method == "POST" else 200)


@domain_view
def member_edit(request, member_id: int):
    member = selectors.member_get(user=request.user, pk=member_id)
    _require(request.user, "meetings.manage_body", member.body)
    form = MemberEditForm(request.POST or None, initial={"capacity": member.capacity, "name": member.name,
                                                         "title": member.title})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        phone = (data.pop("phone") or "").strip() or None
        try:
            body_services.member_update(actor=request.user, member=member, phone=phone, **data)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("meetings:body", body_id=member.body_id)
    return render(request, "meetings/body_member_form.html",
                  {"form": form, "body": member.body, "member": member,
                   "title": _("Change %(name)s") % {"name": member.name}},
                  status=400 if request.method == "POST" else 200)


@require_POST
@domain_view
def member_remove(request, member_id: int):
    member = selectors.member_get(user=request.user, pk=member_id)
    _require(request.user, "meetings.manage_body", member.body)
    body_services.member_remove(actor=request.user, member=member)
    messages.success(request, _("%(name)s no longer sits on the body.") % {"name": member.name})
    return redirect("meetings:body", body_id=member.body_id)


@never_cache
@require_POST
@domain_view
def member_reveal(request, member_id: int):
    """Show a member's full phone number once (not cached); the reveal is an audit event."""
    member = selectors.member_get(user=request.user, pk=member_id)
    _require(request.user, "meetings.reveal_phone", member)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    phone = body_services.member_reveal_phone(actor=request.user, member=member, reason=reason)
    response = render(request, "meetings/body.html",
                      body_context(request, member.body, revealed={"member": member.pk, "phone": phone or "—"}))
    response["Cache-Control"] = "no-store"
    return response


# --- party life: the theme day's fixed contents and a branch's own item ---------------------------------


@require_POST
@domain_view
def theme_day_item(request, meeting_id: int):
    meeting = Meeting.objects.visible_or_404(request.user, pk=meeting_id)
    _require(request.user, "meetings.convene", meeting)
    form = ThemeItemForm(request.POST)
    if form.is_valid():
        try:
            body_services.theme_day_add_item(actor=request.user, meeting=meeting, **form.cleaned_data)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The item was added to the theme day."))
            return redirect("meetings:body", body_id=meeting.body_id)
    if meeting.body_id is None:
        raise Http404
    return render(request, "meetings/body.html", body_context(request, meeting.body, theme_form=form), status=400)


@page_requires("meetings.manage_theme_day")
@domain_view
def theme_day_contents(request, district_id: int):
    """The district's fixed contents of the monthly theme party day (the "4" of "4+X")."""
    district = selectors.district_get(user=request.user, pk=district_id)
    _require(request.user, "meetings.manage_theme_day", district)
    rows = list(selectors.theme_day_contents(district=district))
    form = ThemeDayContentsForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        by_position = {r.position: r for r in rows}
        try:
            changed = _save_theme_contents(request, district, form, by_position)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            if changed:
                messages.success(request, _("The fixed contents were saved."))
            return redirect("meetings:theme-day", district_id=district.pk)
    return render(request, "meetings/body_theme_day.html", {"district": district, "form": form, "rows": rows},
                  status=400 if request.method == "POST" else 200)


def _save_theme_contents(request, district, form, by_position) -> int:
    from django.db import transaction

    changed = 0
    with transaction.atomic():
        for name in form.fields:
            if not name.startswith("title_"):
                continue
            position = int(name.split("_", 1)[1])
            title = (form.cleaned_data.get(name) or "").strip()
            active = bool(form.cleaned_data.get(f"active_{position}"))
            row = by_position.get(position)
            if not title and row is None:
                continue
            if not title:
                title, active = row.title, False  # emptied: the content is no longer used
            try:
                body_services.theme_day_content_save(actor=request.user, district=district, position=position,
                                                     title=title, is_active=active)
            except DomainError as exc:
                if "title" in (exc.fields or {}):
                    exc.fields = {name: exc.fields["title"]}
                raise
            changed += 1
    return changed


# --- moving and cancelling a planned meeting -----------------------------------------------------


def _meeting_for_schedule(request, meeting_id: int) -> Meeting:
    meeting = Meeting.objects.visible_or_404(request.user, pk=meeting_id)
    _require(request.user, "meetings.convene", meeting)
    return meeting


def _back(meeting: Meeting):
    url = meeting_url(meeting)
    if url:
        return redirect(url)
    if meeting.body_id:
        return redirect("meetings:body", body_id=meeting.body_id)
    return redirect("meetings:bodies")


@domain_view
def meeting_move(request, meeting_id: int):
    meeting = _meeting_for_schedule(request, meeting_id)
    form = MoveForm(request.POST or None, initial={"starts_at": timezone.localtime(meeting.starts_at)})
    if request.method == "POST" and form.is_valid():
        try:
            schedule.meeting_move(actor=request.user, meeting=meeting, starts_at=form.cleaned_data.get("starts_at"),
                                  reason=form.cleaned_data.get("reason", ""))
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The meeting was moved; the invitees are told."))
            return _back(meeting)
    return render(request, "meetings/body_meeting_change.html",
                  {"form": form, "meeting": meeting, "title": _("Move the meeting"), "danger": False},
                  status=400 if request.method == "POST" else 200)


@domain_view
def meeting_cancel(request, meeting_id: int):
    meeting = _meeting_for_schedule(request, meeting_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            schedule.meeting_cancel(actor=request.user, meeting=meeting, reason=form.cleaned_data.get("reason", ""))
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The meeting was cancelled; the invitees are told."))
            return _back(meeting)
    return render(request, "meetings/body_meeting_change.html",
                  {"form": form, "meeting": meeting, "title": _("Cancel the meeting"), "danger": True},
                  status=400 if request.method == "POST" else 200)


urlpatterns = [
    path("bodies/", body_list, name="bodies"),
    path("bodies/new/", body_create, name="body-create"),
    path("bodies/<int:body_id>/", body_detail, name="body"),
    path("bodies/<int:body_id>/edit/", body_edit, name="body-edit"),
    path("bodies/<int:body_id>/cadences/", body_cadence, name="body-cadence"),
    path("bodies/<int:body_id>/members/new/", member_add, name="member-add"),
    path("body-members/<int:member_id>/edit/", member_edit, name="member-edit"),
    path("body-members/<int:member_id>/remove/", member_remove, name="member-remove"),
    path("body-members/<int:member_id>/reveal/", member_reveal, name="member-reveal"),
    path("theme-day/<int:district_id>/", theme_day_contents, name="theme-day"),
    path("theme-days/<int:meeting_id>/items/", theme_day_item, name="theme-day-item"),
    path("schedule/<int:meeting_id>/move/", meeting_move, name="meeting-move"),
    path("schedule/<int:meeting_id>/cancel/", meeting_cancel, name="meeting-cancel"),
]
