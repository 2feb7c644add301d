"""Volunteers pages, teams: the tree of teams per area (corps → street → community → squads),
a team's page (members, leaders), creating and changing a team, adding and removing members.
Included from `views/people.py`."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.areas.models import Unit
from gongzhi.core.errors import DB_ID_MAX, DomainError
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can, page_requires, scoped_page
from gongzhi.party.models import PartyOrganization

from ..models import Skill, Team, TeamKind, TeamLevel, Volunteer, VolunteerStatus
from ..selectors import people as selectors
from ..services import teams as services


def _int(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= DB_ID_MAX else None


class TeamForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("name"), max_length=100)
    level = forms.ChoiceField(label=gettext_lazy("level"), choices=TeamLevel.choices)
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=TeamKind.choices)
    area = forms.ModelChoiceField(label=gettext_lazy("area"), queryset=None)
    parent = forms.ModelChoiceField(label=gettext_lazy("parent team"), queryset=None, required=False)
    skill = forms.ModelChoiceField(label=gettext_lazy("specialty"), queryset=Skill.objects.all(), required=False)
    led_by = forms.ModelChoiceField(label=gettext_lazy("led by party organisation"), queryset=None, required=False)
    unit = forms.ModelChoiceField(label=gettext_lazy("unit"), queryset=None, required=False)
    description = forms.CharField(label=gettext_lazy("description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    is_active = forms.BooleanField(label=gettext_lazy("active"), required=False, initial=True)

    def __init__(self, *args, user=None, team: Team | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = selectors.areas_for_teams(user=user)
        self.fields["area"].label_from_instance = lambda n: n.full_name
        parents = Team.objects.visible_to(user).filter(is_active=True).exclude(level=TeamLevel.SQUAD)
        if team is not None:
            parents = parents.exclude(pk=team.pk)
            del self.fields["area"]
        self.fields["parent"].queryset = parents.order_by("area__path", "name")
        self.fields["led_by"].queryset = PartyOrganization.objects.visible_to(user).order_by("name")
        self.fields["unit"].queryset = Unit.objects.visible_to(user).filter(is_active=True).order_by("name")
        if team is None:
            del self.fields["is_active"]


@page_requires("volunteers.view_list")
def team_tree(request):
    area_id = _int(request.GET.get("area"))
    roots = selectors.team_tree(user=request.user, area_id=area_id)
    return render(request, "volunteers/people/team_tree.html", {
        "rows": selectors.flatten(roots), "area_id": area_id, "areas": selectors.areas_for_teams(user=request.user)[:300],
        "can_create": can(request.user, "volunteers.manage_teams"),
    })


@scoped_page
def team_detail(request, team_id: int):
    team = selectors.team_get(user=request.user, pk=team_id)
    if not can(request.user, "volunteers.view_list"):
        raise PermissionDenied
    can_manage = can(request.user, "volunteers.manage_teams", team)
    candidates = []
    if can_manage:
        q = request.GET.get("q", "").strip()[:50]
        if q:
            candidates = list(Volunteer.objects.visible_to(request.user)
                              .filter(status=VolunteerStatus.ACTIVE, name__icontains=q,
                                      area__path__startswith=team.area.path)
                              .exclude(teams__team=team).order_by("name")[:20])
    return render(request, "volunteers/people/team.html", {
        "team": team, "members": selectors.team_members(team=team), "children": team.children.filter(is_active=True),
        "can_manage": can_manage, "candidates": candidates, "q": request.GET.get("q", "")[:50],
    })


@page_requires("volunteers.manage_teams")
@scoped_page
def team_create(request):
    initial = {"level": TeamLevel.SQUAD, "kind": TeamKind.TEAM}
    parent_id = _int(request.GET.get("parent"))
    if parent_id:
        initial["parent"] = parent_id
    form = TeamForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            team = services.team_create(actor=request.user, name=d["name"], level=d["level"], area=d["area"],
                                        kind=d["kind"], parent=d.get("parent"), skill=d.get("skill"),
                                        led_by=d.get("led_by"), unit=d.get("unit"), description=d.get("description", ""))
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The team “%(name)s” was created.") % {"name": team.name})
            return redirect("volunteers:team", team_id=team.pk)
    return render(request, "volunteers/people/team_form.html", {"form": form, "title": _("New team")},
                  status=400 if request.method == "POST" else 200)


@scoped_page
def team_edit(request, team_id: int):
    team = selectors.team_get(user=request.user, pk=team_id)
    if not can(request.user, "volunteers.manage_teams", team):
        raise PermissionDenied
    initial = {"name": team.name, "level": team.level, "kind": team.kind, "parent": team.parent, "skill": team.skill,
               "led_by": team.led_by, "unit": team.unit, "description": team.description, "is_active": team.is_active}
    form = TeamForm(request.POST or None, user=request.user, team=team, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.team_update(actor=request.user, team=team, name=d["name"], level=d["level"], kind=d["kind"],
                                 parent=d.get("parent"), skill=d.get("skill"), led_by=d.get("led_by"),
                                 unit=d.get("unit"), description=d.get("description", ""), is_active=d["is_active"])
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("volunteers:team", team_id=team.pk)
    return render(request, "volunteers/people/team_form.html", {"form": form, "title": team.name, "team": team},
                  status=400 if request.method == "POST" else 200)


def _post_redirect(request, team):
    return redirect("volunteers:team", team_id=team.pk)


@require_POST
@scoped_page
def team_member_add(request, team_id: int):
    team = selectors.team_get(user=request.user, pk=team_id)
    volunteer = Volunteer.objects.visible_to(request.user).filter(pk=_int(request.POST.get("volunteer"))).first()
    if volunteer is None:
        messages.error(request, _("Choose a volunteer of your area."))
        return _post_redirect(request, team)
    try:
        services.team_member_add(actor=request.user, team=team, volunteer=volunteer,
                                 is_leader=request.POST.get("is_leader") == "1")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s joined the team.") % {"name": volunteer.name})
    return _post_redirect(request, team)


@require_POST
@scoped_page
def team_member_remove(request, team_member_id: int):
    member = selectors.team_member_get(user=request.user, pk=team_member_id)
    try:
        services.team_member_remove(actor=request.user, member=member)
    except DomainError as exc:
        messages.error(request, exc.message)
    return _post_redirect(request, member.team)


@require_POST
@scoped_page
def team_member_leader(request, team_member_id: int):
    member = selectors.team_member_get(user=request.user, pk=team_member_id)
    try:
        services.team_leader_set(actor=request.user, member=member, is_leader=request.POST.get("is_leader") == "1")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _post_redirect(request, member.team)


urlpatterns = [
    path("teams/", team_tree, name="team-tree"),
    path("teams/new/", team_create, name="team-create"),
    path("teams/<int:team_id>/", team_detail, name="team"),
    path("teams/<int:team_id>/edit/", team_edit, name="team-edit"),
    path("teams/<int:team_id>/members/", team_member_add, name="team-member-add"),
    path("teams/members/<int:team_member_id>/remove/", team_member_remove, name="team-member-remove"),
    path("teams/members/<int:team_member_id>/leader/", team_member_leader, name="team-member-leader"),
]
