"""Who may do what with bodies, meetings, minutes and decisions (read by `gongzhi.core.permissions`).

Two kinds of people run a body's meetings: the staff who keep the bodies of their area (community,
street and district staff, within their area scope) and the body's own officers (its chair and
secretary, whatever their role: a branch secretary is usually a party member). Everyone invited
signs in; owners of a decision report progress on it. Reads go through the models' visibility rules
(in scope, or a member, an invitee, an owner).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import AreaNode
from gongzhi.core import scope
from gongzhi.core.permissions import Rule

# Staff who keep the bodies and meetings of their area scope.
MANAGER_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN})
# Roles that may hold a body's office (chair, secretary) and so run its meetings.
OFFICER_ROLES = MANAGER_ROLES | frozenset({Role.GRID_WORKER, Role.PARTY_MEMBER, Role.UNIT_LIAISON, Role.RESIDENT})
# Who reads the figures of the bodies in their scope.
FIGURE_ROLES = MANAGER_ROLES | frozenset({Role.INSPECTOR})
# Who calls a coordination meeting from a case (a handler at street or community level).
COORDINATOR_ROLES = MANAGER_ROLES
# Who is told that a body missed its period or a decision is overdue (the level above).
OVERSIGHT_ROLES = MANAGER_ROLES
# The people whose work the grid workers' assessment scores (its score events name only them).
SCORED_ROLES = frozenset({Role.GRID_WORKER})
OFFICES = ("chair", "secretary")


# --- relations ---------------------------------------------------------------------------------


def _area_path(obj: Any) -> str:
    """The area path of a body, a meeting, a decision or an area node."""
    if isinstance(obj, AreaNode):
        return obj.path
    return scope.area_path_of(obj) or ""


def keeps_area(user, obj: Any) -> bool:
    """A manager whose area scope covers the object's area."""
    path = _area_path(obj)
    return getattr(user, "role", None) in MANAGER_ROLES and bool(path) and scope.covers_path(user, path)


def _meeting_of(obj: Any):
    return getattr(obj, "meeting", None) if not hasattr(obj, "attendances") else obj


_OFFICES_ATTR = "_gongzhi_offices"


def remember_offices(user, meetings) -> None:
    """Look up, in two queries, the offices `user` holds for a page of meetings (as a member of
    their bodies, or as an invitee), so that asking the gate about each meeting of the page costs
    no query. Kept on the meeting objects of this one page only: a page built after a membership
    changed asks again."""
    from .models import Attendance, BodyMember

    meetings = list(meetings)
    if not meetings or not getattr(user, "is_authenticated", False):
        return
    body_offices: dict[int, set[str]] = {}
    for body_id, capacity in BodyMember.objects.filter(
        user=user, capacity__in=OFFICES, left_on__isnull=True, body_id__in={m.body_id for m in meetings if m.body_id}
    ).values_list("body_id", "capacity"):
        body_offices.setdefault(body_id, set()).add(capacity)
    meeting_offices: dict[int, set[str]] = {}
    for meeting_id, capacity in Attendance.objects.filter(
        user=user, capacity__in=OFFICES, meeting_id__in=[m.pk for m in meetings]
    ).values_list("meeting_id", "capacity"):
        meeting_offices.setdefault(meeting_id, set()).add(capacity)
    for meeting in meetings:
        held = body_offices.get(meeting.body_id, set()) | meeting_offices.get(meeting.pk, set())
        setattr(meeting, _OFFICES_ATTR, (user.pk, frozenset(held)))


def holds_office(user, obj: Any, offices: tuple[str, ...] = OFFICES) -> bool:
    """The user is chair or secretary of the body (of a body, a meeting or a decision), or, for a
    meeting without a body (a coordination meeting), was invited to it as chair or secretary."""
    if not getattr(user, "is_authenticated", False):
        return False
    remembered = getattr(obj, _OFFICES_ATTR, None)
    if remembered is not None and remembered[0] == user.pk:
        return bool(remembered[1] & set(offices))
    meeting = None
    body = obj if hasattr(obj, "cadences") else None
    if body is None:
        meeting = _meeting_of(obj)
        body = getattr(meeting, "body", None)
    if body is not None and body.members.filter(user=user, capacity__in=offices, left_on__isnull=True).exists():
        return True
    return meeting is not None and meeting.attendances.filter(user=user, capacity__in=offices).exists()


def runs(user, obj: Any) -> bool:
    """Keeps the area or holds an office of the body: may convene, run, minute and decide."""
    return keeps_area(user, obj) or holds_office(user, obj)


def chairs(user, obj: Any) -> bool:
    """The chair approves the minutes; where no chair has an account, the staff of the area do."""
    meeting = _meeting_of(obj)
    if holds_office(user, meeting, ("chair",)):
        return True
    has_chair = (
        (meeting.body_id and meeting.body.members.filter(capacity="chair", user__isnull=False, left_on__isnull=True).exists())
        or meeting.attendances.filter(capacity="chair", user__isnull=False).exists()
    )
    return not has_chair and keeps_area(user, meeting)


def invited(user, meeting: Any) -> bool:
    return getattr(user, "is_authenticated", False) and meeting.attendances.filter(user=user).exists()


def owns(user, decision: Any) -> bool:
    """The user, the user's unit or department owns the decision."""
    return owned_by(user, decision.owners.all())


def owned_by(user, owners) -> bool:
    """Among `owners` (rows with user, unit and department: a decision's, a resolution's) is the
    user, the user's unit or the user's department."""
    if not getattr(user, "is_authenticated", False):
        return False
    return any(
        (o.user_id and o.user_id == user.pk)
        or (o.unit_id and o.unit_id == getattr(user, "unit_id", None))
        or (o.department_id and o.department_id == getattr(user, "department_id", None))
        for o in owners
    )


def reports_on(user, decision: Any) -> bool:
    return owns(user, decision) or runs(user, decision)


def case_in_scope(user, case: Any) -> bool:
    """A coordinator whose area covers where the case is held or where it is located."""
    return getattr(user, "role", None) in COORDINATOR_ROLES and (
        scope.covers_path(user, case.area_path) or scope.covers_path(user, case.location_path)
    )


def in_scope(user, obj: Any) -> bool:
    path = _area_path(obj)
    return bool(path) and scope.covers_path(user, path)


RULES = {
    # The bodies page (the bodies of the user's scope and those the user sits on).
    "meetings.view_bodies": Rule(roles=MANAGER_ROLES | frozenset({Role.GRID_WORKER, Role.INSPECTOR, Role.SUPERVISION})),
    # "My meetings" and "my decisions": anyone signed in.
    "meetings.view_mine": Rule(everyone=True),
    # Create and change bodies, their members and cadences (object: the body or its area node).
    "meetings.manage_body": Rule(
        roles=MANAGER_ROLES, relation=keeps_area, message=_("You may not manage the bodies of this area.")
    ),
    # Plan, move, cancel and give notice of a meeting; set its agenda and invitees (object: a body or a meeting).
    "meetings.convene": Rule(
        roles=OFFICER_ROLES, relation=runs, message=_("Only the body's chair, secretary or the area's staff convene its meetings.")
    ),
    # Open the sign-in, mark attendance, close or record the meeting (object: the meeting).
    "meetings.run": Rule(
        roles=OFFICER_ROLES, relation=runs, message=_("Only the body's chair, secretary or the area's staff run its meetings.")
    ),
    # Sign in at the door with the code or QR (object: the meeting): whoever was invited.
    "meetings.sign_in": Rule(everyone=True, relation=invited, message=_("You are not invited to this meeting.")),
    # Write the minutes and attach files (object: the meeting).
    "meetings.write_minutes": Rule(
        roles=OFFICER_ROLES, relation=runs, message=_("Only the secretary, the chair or the area's staff write the minutes.")
    ),
    # Approve a version of the minutes (object: the meeting).
    "meetings.approve_minutes": Rule(
        roles=OFFICER_ROLES, relation=chairs, message=_("Only the chair approves the minutes.")
    ),
    # Record a decision and its owners (object: the meeting).
    "meetings.record_decision": Rule(
        roles=OFFICER_ROLES, relation=runs, message=_("Only the body's chair, secretary or the area's staff record decisions.")
    ),
    # Report progress on a decision, mark it done (object: the decision).
    "meetings.report_progress": Rule(
        everyone=True, relation=reports_on, message=_("Only the decision's owners and the body's officers report on it.")
    ),
    "meetings.complete": Rule(
        everyone=True, relation=reports_on, message=_("Only the decision's owners and the body's officers report on it.")
    ),
    "meetings.reopen": Rule(
        roles=OFFICER_ROLES, relation=runs, message=_("Only the body's chair, secretary or the area's staff reopen a decision.")
    ),
    "meetings.withdraw": Rule(
        roles=OFFICER_ROLES, relation=runs, message=_("Only the body's chair, secretary or the area's staff withdraw a decision.")
    ),
    # Call a coordination meeting on a case (object: the case).
    "meetings.call_coordination": Rule(
        roles=COORDINATOR_ROLES, relation=case_in_scope,
        message=_("Only community and street staff call a coordination meeting on a case in their area."),
    ),
    # The figures page, API and export (object: an area node).
    "meetings.view_figures": Rule(roles=FIGURE_ROLES, relation=in_scope),
    # Reveal an outside party's or a member's full phone number (audited; object: the member or attendance).
    "meetings.reveal_phone": Rule(
        roles=MANAGER_ROLES, granted_by="meetings.reveal_phone", relation=in_scope,
        message=_("You may not see full phone numbers."),
    ),
    # The district's fixed contents of the theme party day (object: the district node).
    "meetings.manage_theme_day": Rule(
        roles=frozenset({Role.DISTRICT_ADMIN}), relation=in_scope,
        message=_("Only the district sets the fixed contents of the theme party day."),
    ),
    # The planner and the overdue sweep (the worker).
    "meetings.plan_periods": Rule(system_only=True),
    "meetings.flag_overdue": Rule(system_only=True),
}
