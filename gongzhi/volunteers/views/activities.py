"""Activities pages. A volunteer on a phone: find open activities (type, specialty, date), sign up
or join the waiting list, cancel, check in and out with the code; my activities. The organiser and
staff: the month's activities, setting one up (one-off or a series), its page with the roster
(hand check-in/out, evaluations, publish, cancel with the reason, finish) and the check-in screen
(the rotating code and its QR code, refreshed by a static script). As thin as the API."""

from __future__ import annotations

import datetime as dt

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.areas.models import AreaNode
from gongzhi.core.errors import DomainError, Forbidden, NotFound
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can, require, scoped_page

from .. import checkin_codes
from ..models import ActivityRecurrence, ActivityState, ActivityType, SignupState, Skill, Team
from ..selectors import activities as selectors
from ..selectors.accounts import volunteer_of
from ..services import activities as services
from ..workflow_activities import ACTIVITY_WORKFLOW


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _error_text(exc: DomainError) -> str:
    return "; ".join(m for ms in (exc.fields or {}).values() for m in ms) or exc.message


# --- the volunteer's phone -------------------------------------------------------------------------


@scoped_page
def activity_find(request):
    """Open activities of my area and the areas above it."""
    type_ = request.GET.get("type", "")
    type_ = type_ if type_ in ActivityType.values else ""
    try:
        skill = int(request.GET.get("skill", "") or 0) or None
    except ValueError:
        skill = None
    on = _date(request.GET.get("on", ""))
    activities = list(selectors.open_activities(request.user, type=type_, skill=skill, on=on)[:100])
    mine = {s.activity_id: s for s in selectors.my_signups(request.user).filter(activity__in=activities)}
    for activity in activities:
        activity.my_signup = mine.get(activity.pk)
    return render(request, "volunteers/activities/find.html", {
        "activities": activities, "types": ActivityType.choices, "skills": selectors.skills(),
        "type": type_, "skill": skill, "on": on, "volunteer": volunteer_of(request.user),
    })


@scoped_page
def activity_mine(request):
    return render(request, "volunteers/activities/mine.html", {"signups": selectors.my_signups(request.user)[:200]})


@scoped_page
def activity_join(request, activity_id: int):
    """One activity as a volunteer sees it: sign up, cancel, check in and out with the code."""
    activity = selectors.activity_for(request.user, activity_id)
    return render(request, "volunteers/activities/join.html", {
        "activity": activity, "signup": selectors.my_signup(request.user, activity),
        "taken": selectors.taken_places(activity), "runs": can(request.user, "volunteers.run_activity", activity),
        "code": request.GET.get("code", "")[:12],
    })


@scoped_page
def activity_check_in(request, activity_id: int):
    """The page the QR code opens: the code filled in, one button (check in, or out once in)."""
    activity = selectors.activity_for(request.user, activity_id)
    signup = selectors.my_signup(request.user, activity)
    if request.method == "POST":
        code = request.POST.get("code", "")
        try:
            if signup is not None and signup.state == SignupState.CHECKED_IN:
                services.check_out_by_code(actor=request.user, activity=activity, code=code)
                messages.success(request, _("Checked out. Thank you for serving!"))
            else:
                services.check_in_by_code(actor=request.user, activity=activity, code=code)
                messages.success(request, _("Checked in."))
        except NotFound:
            raise
        except DomainError as exc:
            messages.error(request, _error_text(exc))
        return redirect("volunteers:activity-join", activity_id=activity.pk)
    return render(request, "volunteers/activities/check_in.html", {
        "activity": activity, "signup": signup, "code": request.GET.get("code", "")[:12],
    })


@scoped_page
@require_POST
def activity_sign_up(request, activity_id: int):
    activity = selectors.activity_for(request.user, activity_id)
    try:
        if request.POST.get("cancel"):
            signup = selectors.my_signup(request.user, activity)
            if signup is None:
                raise Http404
            services.signup_cancel(actor=request.user, signup=signup)
            messages.success(request, _("Your sign-up was cancelled."))
        else:
            signup = services.signup_create(actor=request.user, activity=activity)
            if signup.state == SignupState.WAITLISTED:
                messages.success(request, _("The places are taken: you are on the waiting list."))
            else:
                messages.success(request, _("You are signed up."))
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    return redirect("volunteers:activity-join", activity_id=activity.pk)


# --- staff and organisers -----------------------------------------------------------------------------


@scoped_page
def activity_list(request):
    require(request.user, "volunteers.view_list")
    today = timezone.localdate()
    month = _date(request.GET.get("month", "") + "-01") if request.GET.get("month") else None
    month = (month or today).replace(day=1)
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return render(request, "volunteers/activities/list.html", {
        "activities": selectors.staff_activities(request.user, month=month), "month": month,
        "previous": previous, "following": following,
        "may_create": can(request.user, "volunteers.register"),
    })


class ActivityForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("title"), max_length=100)
    type = forms.ChoiceField(label=gettext_lazy("type"), choices=ActivityType.choices)
    theme = forms.CharField(label=gettext_lazy("theme of the month"), max_length=100, required=False)
    area = forms.ModelChoiceField(label=gettext_lazy("area"), queryset=AreaNode.objects.none())
    team = forms.ModelChoiceField(label=gettext_lazy("team"), queryset=Team.objects.none(), required=False)
    place = forms.CharField(label=gettext_lazy("place"), max_length=200)
    starts_at = forms.DateTimeField(label=gettext_lazy("starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=gettext_lazy("ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    capacity = forms.IntegerField(label=gettext_lazy("headcount"), min_value=1, max_value=10000)
    skills = forms.ModelMultipleChoiceField(label=gettext_lazy("specialties needed"), queryset=Skill.objects.all(),
                                            required=False, widget=forms.CheckboxSelectMultiple)
    description = forms.CharField(label=gettext_lazy("description"), widget=forms.Textarea(attrs={"rows": 3}),
                                  required=False)
    recurrence = forms.ChoiceField(label=gettext_lazy("recurrence"), choices=ActivityRecurrence.choices)
    repeat_until = forms.DateField(label=gettext_lazy("repeat until"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = AreaNode.objects.visible_to(user)
        self.fields["team"].queryset = Team.objects.visible_to(user).filter(is_active=True)


@scoped_page
def activity_new(request):
    require(request.user, "volunteers.register")
    form = ActivityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = services.activity_create(
                actor=request.user, area=data["area"], title=data["title"], type=data["type"], theme=data["theme"],
                place=data["place"], starts_at=data["starts_at"], ends_at=data["ends_at"], capacity=data["capacity"],
                description=data["description"], team=data["team"], skills=data["skills"],
                recurrence=data["recurrence"], repeat_until=data["repeat_until"],
            )
        except Forbidden:
            raise
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The activity was set up as a draft: publish it for sign-up."))
            return redirect("volunteers:activity-detail", activity_id=activity.pk)
    return render(request, "volunteers/activities/form.html", {"form": form})


@scoped_page
def activity_edit(request, activity_id: int):
    activity = selectors.activity_for(request.user, activity_id)
    require(request.user, "volunteers.run_activity", activity)
    initial = {name: getattr(activity, name) for name in services.EDITABLE}
    initial.update(area=activity.area, team=activity.team, recurrence=activity.recurrence,
                   skills=list(activity.skills.all()),
                   starts_at=timezone.localtime(activity.starts_at).strftime("%Y-%m-%dT%H:%M"),
                   ends_at=timezone.localtime(activity.ends_at).strftime("%Y-%m-%dT%H:%M"))
    form = ActivityForm(request.POST or None, user=request.user, initial=initial)
    for name in ("area", "team", "recurrence", "repeat_until"):
        form.fields[name].required = False
        form.fields[name].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.activity_update(actor=request.user, activity=activity, skills=data["skills"],
                                     **{name: data[name] for name in services.EDITABLE})
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The activity was changed."))
            return redirect("volunteers:activity-detail", activity_id=activity.pk)
    return render(request, "volunteers/activities/form.html", {"form": form, "activity": activity})


@scoped_page
def activity_detail(request, activity_id: int):
    """The organiser's page: the activity, its actions and the roster."""
    activity = selectors.activity_for(request.user, activity_id)
    runs = can(request.user, "volunteers.run_activity", activity)
    if not runs:
        require(request.user, "volunteers.view_list", activity)
    roster = selectors.roster(activity)
    groups = [(state, label, roster[state]) for state, label in SignupState.choices if roster[state]]
    return render(request, "volunteers/activities/detail.html", {
        "activity": activity, "runs": runs, "groups": groups, "taken": selectors.taken_places(activity),
        "offered": [t.action for t in ACTIVITY_WORKFLOW.offered(request.user, activity)],
        "is_running": activity.state == ActivityState.PUBLISHED,
    })


@scoped_page
@require_POST
def activity_action(request, activity_id: int, activity_action: str):
    activity = selectors.activity_for(request.user, activity_id)
    try:
        if activity_action == "publish":
            services.activity_publish(actor=request.user, activity=activity)
            messages.success(request, _("Published: volunteers can sign up now."))
        elif activity_action == "cancel":
            services.activity_cancel(actor=request.user, activity=activity, reason=request.POST.get("reason", ""))
            messages.success(request, _("The activity was cancelled and those signed up were told."))
        elif activity_action == "finish":
            services.activity_finish(actor=request.user, activity=activity)
            messages.success(request, _("The activity was finished."))
        else:
            raise Http404
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    return redirect("volunteers:activity-detail", activity_id=activity.pk)


@scoped_page
@require_POST
def activity_signup_action(request, signup_id: int, signup_action: str):
    signup = selectors.signup_for(request.user, signup_id)
    try:
        if signup_action == "check-in":
            services.check_in_by_organiser(actor=request.user, signup=signup)
        elif signup_action == "check-out":
            services.check_out_by_organiser(actor=request.user, signup=signup)
        elif signup_action == "evaluate":
            services.signup_evaluate(actor=request.user, signup=signup, evaluation=request.POST.get("evaluation", ""))
        else:
            raise Http404
        messages.success(request, _("Saved."))
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    return redirect("volunteers:activity-detail", activity_id=signup.activity_id)


def qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return image.to_string(encoding="unicode")


@scoped_page
def activity_screen(request, activity_id: int):
    """The organiser's phone at the place: the code of the minute, big, and its QR code."""
    activity = selectors.activity_for(request.user, activity_id)
    shown = services.current_code(actor=request.user, activity=activity)
    url = request.build_absolute_uri(reverse("volunteers:activity-check-in", args=[activity.pk]))
    url = f"{url}?code={shown['code']}"
    return render(request, "volunteers/activities/screen.html", {
        "activity": activity, "code": shown["code"], "seconds_left": shown["seconds_left"], "url": url,
        "qr": mark_safe(qr_svg(url)),  # noqa: S308 - SVG made here from our own URL
        "window": checkin_codes.WINDOW_SECONDS, "taken": selectors.taken_places(activity),
        "checked_in": activity.signups.filter(state=SignupState.CHECKED_IN).count(),
    })


urlpatterns = [
    path("activities/", activity_find, name="activity-find"),
    path("activities/mine/", activity_mine, name="activity-mine"),
    path("activities/staff/", activity_list, name="activity-list"),
    path("activities/new/", activity_new, name="activity-new"),
    path("activities/<int:activity_id>/", activity_join, name="activity-join"),
    path("activities/<int:activity_id>/sign-up/", activity_sign_up, name="activity-sign-up"),
    path("activities/<int:activity_id>/check-in/", activity_check_in, name="activity-check-in"),
    path("activities/<int:activity_id>/manage/", activity_detail, name="activity-detail"),
    path("activities/<int:activity_id>/edit/", activity_edit, name="activity-edit"),
    path("activities/<int:activity_id>/screen/", activity_screen, name="activity-screen"),
    path("activities/<int:activity_id>/do/<slug:activity_action>/", activity_action, name="activity-action"),
    path("activities/signups/<int:signup_id>/<slug:signup_action>/", activity_signup_action, name="activity-signup-action"),
]
