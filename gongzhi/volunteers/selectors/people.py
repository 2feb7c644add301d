"""Reads of volunteers, teams, the record and certificates: scoped to the user (outside is
NotFound, like absent)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import can
from gongzhi.core.pii import blind_index, normalise_id_number, normalise_phone

from ..models import (
    Certificate,
    RecordEntry,
    RecordKind,
    Signup,
    SignupState,
    Skill,
    Team,
    TeamMember,
    Volunteer,
    VolunteerStatus,
)


def volunteers_visible(*, user, q: str = "", team_id: int | None = None, skill_id: int | None = None,
                       status: str | None = None, area_id: int | None = None) -> QuerySet:
    """The staff's list: volunteers of the user's scope, filtered by name (or exact phone, ID number
    or volunteer number), team, specialty, status and area."""
    if not can(user, "volunteers.view_list"):
        return Volunteer.objects.none()
    rows = Volunteer.objects.visible_to(user).select_related("area")
    q = (q or "").strip()[:50]
    if q:
        query = Q(name__icontains=q) | Q(number__iexact=q)
        digits = normalise_phone(q)
        if len(digits) >= 7:
            query |= Q(phone_hash=blind_index("phone", digits))
        if len(q) == 18:
            query |= Q(id_number_hash=blind_index("id_number", normalise_id_number(q)))
        rows = rows.filter(query)
    if team_id:
        rows = rows.filter(teams__team_id=team_id)
    if skill_id:
        rows = rows.filter(skills__id=skill_id)
    if status in VolunteerStatus.values:
        rows = rows.filter(status=status)
    if area_id:
        node = AreaNode.objects.filter(pk=area_id).first()
        rows = rows.filter(area__path__startswith=node.path) if node is not None else rows.none()
    return rows.distinct().order_by("name", "id")


def volunteer_get(*, user, pk: int) -> Volunteer:
    found = (Volunteer.objects.visible_to(user).select_related("area", "person", "party_member", "unit", "user")
             .filter(pk=pk).first())
    if found is None:
        raise NotFound()
    own = found.user_id is not None and found.user_id == getattr(user, "pk", None)
    if not own and not can(user, "volunteers.view_list"):
        raise NotFound()
    return found


def skills() -> QuerySet:
    return Skill.objects.all()


def teams_visible(*, user, area_id: int | None = None, level: str = "", kind: str = "", q: str = "",
                  include_inactive: bool = False) -> QuerySet:
    rows = (Team.objects.visible_to(user).select_related("area", "parent", "skill", "led_by", "unit")
            .annotate(member_count=Count("members")))
    if not include_inactive:
        rows = rows.filter(is_active=True)
    if area_id:
        node = AreaNode.objects.filter(pk=area_id).first()
        rows = rows.filter(area__path__startswith=node.path) if node is not None else rows.none()
    if level:
        rows = rows.filter(level=level)
    if kind:
        rows = rows.filter(kind=kind)
    if q:
        rows = rows.filter(name__icontains=q.strip()[:50])
    return rows.order_by("area__path", "name")


def team_get(*, user, pk: int) -> Team:
    found = Team.objects.visible_to(user).select_related("area", "parent", "skill", "led_by", "unit").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def team_members(*, team: Team) -> QuerySet:
    return TeamMember.objects.filter(team=team).select_related("volunteer", "volunteer__area")


def team_member_get(*, user, pk: int) -> TeamMember:
    found = TeamMember.objects.visible_to(user).select_related("team", "volunteer").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


@dataclass
class TreeNode:
    team: Team
    children: list[TreeNode] = field(default_factory=list)
    depth: int = 0


def team_tree(*, user, area_id: int | None = None) -> list[TreeNode]:
    """The teams the user sees as a forest: a team whose parent is not visible is a root."""
    rows = list(teams_visible(user=user, area_id=area_id))
    by_id = {t.pk: TreeNode(team=t) for t in rows}
    roots: list[TreeNode] = []
    for node in by_id.values():
        parent = by_id.get(node.team.parent_id)
        (parent.children if parent is not None else roots).append(node)
    return roots


def flatten(nodes: list[TreeNode], depth: int = 0) -> list[TreeNode]:
    out: list[TreeNode] = []
    for node in nodes:
        node.depth = depth
        out.append(node)
        out += flatten(node.children, depth + 1)
    return out


def areas_for_teams(*, user) -> QuerySet:
    return AreaNode.objects.visible_to(user).filter(
        kind__in=(AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.GRID, AreaKind.BUILDING)
    ).order_by("path")


def areas_for_volunteers(*, user) -> QuerySet:
    return AreaNode.objects.visible_to(user).filter(
        kind__in=(AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.GRID, AreaKind.BUILDING)
    ).order_by("path")


# --- the record ------------------------------------------------------------------------------------


@dataclass
class Record:
    volunteer: Volunteer
    served: list[Signup]
    entries: list[RecordEntry]
    activity_minutes: int
    training_minutes: int
    first: dt.date | None

    @property
    def minutes(self) -> int:
        return self.activity_minutes + self.training_minutes

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def trainings(self) -> list[RecordEntry]:
        return [e for e in self.entries if e.kind == RecordKind.TRAINING]

    @property
    def awards(self) -> list[RecordEntry]:
        return [e for e in self.entries if e.kind == RecordKind.AWARD]

    @property
    def evaluations(self) -> list[RecordEntry]:
        return [e for e in self.entries if e.kind == RecordKind.EVALUATION]


def record_of(*, volunteer: Volunteer, start: dt.date | None = None, end: dt.date | None = None) -> Record:
    """A volunteer's record: activities served (sign-ups done, with their minutes), trainings,
    awards and evaluations, within [start, end] when given."""
    served = Signup.objects.filter(volunteer=volunteer, state=SignupState.DONE).select_related("activity", "activity__area")
    entries = RecordEntry.objects.filter(volunteer=volunteer)
    if start is not None:
        served = served.filter(activity__starts_at__date__gte=start)
        entries = entries.filter(on__gte=start)
    if end is not None:
        served = served.filter(activity__starts_at__date__lte=end)
        entries = entries.filter(on__lte=end)
    served_rows = list(served.order_by("-activity__starts_at"))
    entry_rows = list(entries.order_by("-on", "-id"))
    activity_minutes = sum(s.minutes for s in served_rows)
    training_minutes = entries.filter(kind=RecordKind.TRAINING).aggregate(t=Sum("minutes"))["t"] or 0
    dates = [s.activity.starts_at.date() for s in served_rows] + [e.on for e in entry_rows]
    return Record(volunteer=volunteer, served=served_rows, entries=entry_rows, activity_minutes=activity_minutes,
                  training_minutes=training_minutes, first=min(dates) if dates else None)


def record_entries_visible(*, user, volunteer: Volunteer) -> QuerySet:
    return RecordEntry.objects.filter(volunteer=volunteer).order_by("-on", "-id")


# --- certificates ---------------------------------------------------------------------------------


def certificates_of(*, volunteer: Volunteer) -> QuerySet:
    return Certificate.objects.filter(volunteer=volunteer).order_by("-issued_at", "-id")


def certificate_get(*, user, pk: int) -> Certificate:
    """A certificate the user sees: of a volunteer of their scope (staff), or their own."""
    found = Certificate.objects.select_related("volunteer", "volunteer__area").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    own = found.volunteer.user_id is not None and found.volunteer.user_id == getattr(user, "pk", None)
    if not own and not (can(user, "volunteers.view_list")
                        and Certificate.objects.visible_to(user).filter(pk=pk).exists()):
        raise NotFound()
    return found


def certificate_by_code(*, code: str) -> Certificate:
    """The public check: a certificate by its verification code (anyone); NotFound otherwise."""
    code = (code or "").strip().upper()
    if not code or len(code) > 20:
        raise NotFound()
    found = Certificate.objects.filter(code=code).first()
    if found is None:
        raise NotFound()
    return found
