"""Volunteer teams: district corps (总队) → street teams → community teams → squads; social
organisations and the youth alliance as teams; members and leaders.

A team's parent is of a higher level and its area covers the child's; each level sits at its kind
of area (a corps at a district, a street team at a street, a community team at a community, a
squad at a community or below)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode, Unit
from gongzhi.core import audit, permissions
from gongzhi.core.actors import Actor
from gongzhi.core.errors import Conflict, InvalidInput
from gongzhi.core.workflow import lock_visible
from gongzhi.party.models import PartyOrganization

from ..models import Skill, Team, TeamKind, TeamLevel, TeamMember, Volunteer, VolunteerStatus

FIELDS = ["name", "level", "kind", "area", "parent", "skill", "led_by", "unit", "description", "is_active"]
LEVEL_RANK = {TeamLevel.CORPS: 0, TeamLevel.STREET: 1, TeamLevel.COMMUNITY: 2, TeamLevel.SQUAD: 3}
LEVEL_AREA_KINDS = {
    TeamLevel.CORPS: (AreaKind.DISTRICT,),
    TeamLevel.STREET: (AreaKind.STREET,),
    TeamLevel.COMMUNITY: (AreaKind.COMMUNITY,),
    TeamLevel.SQUAD: (AreaKind.COMMUNITY, AreaKind.GRID, AreaKind.BUILDING, AreaKind.UNIT),
}


def _refuse(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _check(*, level: str, kind: str, area: AreaNode, parent: Team | None, name: str, description: str,
           unit: Unit | None, led_by: PartyOrganization | None, team: Team | None = None) -> tuple[str, str]:
    name = (name or "").strip()
    if not name:
        raise _refuse("name", _("This field is required."))
    if len(name) > 100:
        raise _refuse("name", _("At most %(n)d characters.") % {"n": 100})
    same = Team.objects.filter(area=area, name=name)
    if team is not None:
        same = same.exclude(pk=team.pk)
    if same.exists():
        raise _refuse("name", _("This area already has a team of that name."))
    if level not in TeamLevel.values:
        raise _refuse("level", _("Choose a valid level."))
    if kind not in TeamKind.values:
        raise _refuse("kind", _("Choose a valid kind of team."))
    if area.kind not in LEVEL_AREA_KINDS[level]:
        raise _refuse("area", _("A %(level)s belongs to an area of the kind: %(kinds)s.") % {
            "level": TeamLevel(level).label,
            "kinds": "、".join(str(AreaKind(k).label) for k in LEVEL_AREA_KINDS[level])})
    if parent is not None:
        if team is not None and (parent.pk == team.pk or _descends(parent, team)):
            raise _refuse("parent", _("A team cannot hang under itself or one of its own teams."))
        if LEVEL_RANK[parent.level] >= LEVEL_RANK[level]:
            raise _refuse("parent", _("The parent team must be of a higher level."))
        if not area.path.startswith(parent.area.path):
            raise _refuse("parent", _("The parent team's area must cover this team's area."))
    if team is not None:
        for child in team.children.select_related("area"):
            if LEVEL_RANK[child.level] <= LEVEL_RANK[level] or not child.area.path.startswith(area.path):
                raise _refuse("level", _("The team's own teams must stay below it in level and area."))
    if unit is not None and not (unit.area.path.startswith(area.path) or area.path.startswith(unit.area.path)):
        raise _refuse("unit", _("The unit lies outside the team's area."))
    if led_by is not None and not (led_by.area.path.startswith(area.path) or area.path.startswith(led_by.area.path)):
        raise _refuse("led_by", _("The party organisation lies outside the team's area."))
    description = (description or "").strip()
    if len(description) > 2000:
        raise _refuse("description", _("At most %(n)d characters.") % {"n": 2000})
    return name, description


def _descends(node: Team, ancestor: Team) -> bool:
    seen = 0
    while node.parent_id is not None and seen < 20:
        if node.parent_id == ancestor.pk:
            return True
        node = node.parent
        seen += 1
    return False


def _save(actor, team: Team, action: str, before: dict | None) -> Team:
    try:
        with transaction.atomic():
            return audit.save(actor=actor, obj=team, action=action, fields=FIELDS, before=before)
    except IntegrityError:
        raise _refuse("name", _("This area already has a team of that name.")) from None


@transaction.atomic
def team_create(
    *,
    actor: Actor,
    name: str,
    level: str,
    area: AreaNode,
    kind: str = TeamKind.TEAM,
    parent: Team | None = None,
    skill: Skill | None = None,
    led_by: PartyOrganization | None = None,
    unit: Unit | None = None,
    description: str = "",
) -> Team:
    permissions.require(actor, "volunteers.manage_teams", area)
    name, description = _check(level=level, kind=kind, area=area, parent=parent, name=name, description=description,
                               unit=unit, led_by=led_by)
    team = Team(name=name, level=level, kind=kind, area=area, parent=parent, skill=skill, led_by=led_by, unit=unit,
                description=description)
    return _save(actor, team, "volunteers.team.create", None)


@transaction.atomic
def team_update(
    *,
    actor: Actor,
    team: Team,
    name: str,
    level: str,
    kind: str,
    parent: Team | None = None,
    skill: Skill | None = None,
    led_by: PartyOrganization | None = None,
    unit: Unit | None = None,
    description: str = "",
    is_active: bool = True,
) -> Team:
    """Change a team (its area stays: a team of another area is a new team)."""
    team = lock_visible(Team, actor=actor, pk=team.pk)
    permissions.require(actor, "volunteers.manage_teams", team)
    before = audit.snapshot(team, FIELDS)
    name, description = _check(level=level, kind=kind, area=team.area, parent=parent, name=name,
                               description=description, unit=unit, led_by=led_by, team=team)
    team.name, team.level, team.kind, team.parent, team.skill = name, level, kind, parent, skill
    team.led_by, team.unit, team.description, team.is_active = led_by, unit, description, bool(is_active)
    return _save(actor, team, "volunteers.team.update", before)


@transaction.atomic
def team_member_add(*, actor: Actor, team: Team, volunteer: Volunteer, is_leader: bool = False) -> TeamMember:
    """A volunteer joins a team (the area's staff); the volunteer must be active and serve in the
    team's area."""
    team = lock_visible(Team, actor=actor, pk=team.pk)
    permissions.require(actor, "volunteers.manage_teams", team)
    if not Volunteer.objects.visible_to(actor).filter(pk=volunteer.pk).exists():
        raise _refuse("volunteer", _("Choose a volunteer of your area."))
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise _refuse("volunteer", _("This volunteer has left."))
    if not team.is_active:
        raise Conflict(_("This team is no longer active."))
    if not volunteer.area.path.startswith(team.area.path):
        raise _refuse("volunteer", _("The volunteer serves outside the team's area."))
    if TeamMember.objects.filter(team=team, volunteer=volunteer).exists():
        raise _refuse("volunteer", _("Already a member of this team."))
    member = TeamMember.objects.create(team=team, volunteer=volunteer, is_leader=bool(is_leader),
                                       joined_on=timezone.localdate())
    audit.record(actor=actor, action="volunteers.team.member", obj=team,
                 after={"volunteer": volunteer.pk, "name": volunteer.name, "joined": True, "is_leader": bool(is_leader)})
    return member


@transaction.atomic
def team_member_remove(*, actor: Actor, member: TeamMember) -> None:
    member = lock_visible(TeamMember, actor=actor, pk=member.pk)
    permissions.require(actor, "volunteers.manage_teams", member.team)
    audit.record(actor=actor, action="volunteers.team.member", obj=member.team,
                 before={"volunteer": member.volunteer_id, "name": member.volunteer.name, "is_leader": member.is_leader},
                 after={"left": True})
    member.delete()


@transaction.atomic
def team_leader_set(*, actor: Actor, member: TeamMember, is_leader: bool) -> TeamMember:
    member = lock_visible(TeamMember, actor=actor, pk=member.pk)
    permissions.require(actor, "volunteers.manage_teams", member.team)
    if member.is_leader != bool(is_leader):
        audit.record(actor=actor, action="volunteers.team.member", obj=member.team,
                     before={"volunteer": member.volunteer_id, "is_leader": member.is_leader},
                     after={"volunteer": member.volunteer_id, "is_leader": bool(is_leader)})
        member.is_leader = bool(is_leader)
        member.save(update_fields=["is_leader"])
    return member
