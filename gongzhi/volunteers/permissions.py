"""Who may do what with volunteers, teams, activities, the store, mobilisations and donations
(read by `gongzhi.core.permissions`).

The area's staff (community, street, district) keep everything of their scope; grid workers also
whistle for their grid and run activities there. An activity is also run by its organiser and the
leaders of its team (check-in screen, check-out, no-shows), whatever their role. Volunteers act for
themselves: sign up, check in with the code, redeem, ask for their certificate, answer a whistle —
the services check that it is their own.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import AreaNode
from gongzhi.core import scope
from gongzhi.core.permissions import Rule

# Staff who keep the volunteers, teams, store and campaigns of their area scope.
KEEPER_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN})
# Who also runs activities and whistles (in their grid).
ORGANISER_ROLES = KEEPER_ROLES | frozenset({Role.GRID_WORKER})
# Who reads the lists and figures of their scope.
READER_ROLES = ORGANISER_ROLES | frozenset({Role.INSPECTOR})
# Anyone who may lead a team or organise an activity (the relation decides).
ANY_ROLE = frozenset(Role.values)


def area_path(obj: Any) -> str:
    """The area path of an area node or of anything of this app (through its area, activity,
    volunteer, goods, campaign or mobilisation)."""
    if isinstance(obj, AreaNode):
        return obj.path
    for attribute in ("activity", "goods", "campaign", "mobilisation", "team", "volunteer"):
        if getattr(obj, f"{attribute}_id", None) is not None and not hasattr(obj, "area_id"):
            return area_path(getattr(obj, attribute))
    area = getattr(obj, "area", None)
    return area.path if area is not None else ""


def keeps_area(user, obj: Any) -> bool:
    """Staff whose area scope covers the object."""
    path = area_path(obj)
    return bool(path) and scope.covers_path(user, path)


def _activity_of(obj: Any):
    if hasattr(obj, "checkin_secret"):
        return obj
    return getattr(obj, "activity", None)


def runs_activity(user, obj: Any) -> bool:
    """For an activity or a sign-up: its organiser, a leader of its team, or staff of its area.
    For an area node (a new activity): staff of the area, or a leader of a team there."""
    if isinstance(obj, AreaNode):
        if getattr(user, "role", None) in ORGANISER_ROLES and keeps_area(user, obj):
            return True
        return _leads_team_in(user, obj)
    activity = _activity_of(obj)
    if activity is None:
        return False
    if activity.organiser_id is not None and activity.organiser_id == getattr(user, "pk", None):
        return True
    if getattr(user, "role", None) in ORGANISER_ROLES and keeps_area(user, activity):
        return True
    return activity.team_id is not None and activity.team.members.filter(volunteer__user=user, is_leader=True).exists()


def _leads_team_in(user, node: AreaNode) -> bool:
    from .models import TeamMember

    return TeamMember.objects.filter(volunteer__user=user, is_leader=True, team__area__path__startswith=node.path).exists()


def whistles_for(user, obj: Any) -> bool:
    """Staff of the called area (a grid worker: of their grid and below)."""
    return keeps_area(user, obj)


RULES = {
    # The volunteers' home: a volunteer's card and phone pages, or the staff's figures (everyone signed in).
    "volunteers.view_home": Rule(everyone=True),
    # Lists and details of the area's volunteers, teams, activities, figures (staff).
    "volunteers.view_list": Rule(roles=READER_ROLES),
    # Register a volunteer, change one, mark one left (object: the area node or the volunteer).
    "volunteers.register": Rule(roles=KEEPER_ROLES | frozenset({Role.GRID_WORKER}), relation=keeps_area,
                                message=_("Only the area's staff register volunteers.")),
    # Register oneself (the service links one's own resident record or party membership).
    "volunteers.register_self": Rule(everyone=True),
    # A volunteer's full phone and ID number (audited).
    "volunteers.reveal": Rule(roles=KEEPER_ROLES, relation=keeps_area, granted_by="volunteers.reveal_volunteer",
                              message=_("Only the area's staff see a volunteer's full numbers.")),
    # Teams and their leaders (object: the area node or the team).
    "volunteers.manage_teams": Rule(roles=KEEPER_ROLES, relation=keeps_area,
                                    message=_("Only the area's staff set up volunteer teams.")),
    # Create, publish, change, cancel an activity; its roster, check-in screen, check-out, no-shows.
    "volunteers.run_activity": Rule(roles=ANY_ROLE, relation=runs_activity,
                                    message=_("Only the activity's organiser, its team's leaders or the area's staff run it.")),
    # Sign up, cancel one's sign-up, check in with the code (one's own; the service checks).
    "volunteers.take_part": Rule(everyone=True),
    # Trainings, awards and evaluations in a volunteer's record (object: the volunteer).
    "volunteers.keep_record": Rule(roles=KEEPER_ROLES, relation=keeps_area,
                                   message=_("Only the area's staff enter trainings, awards and evaluations.")),
    # Issue a certificate (object: the volunteer): the area's staff, or the volunteer on request (service checks).
    "volunteers.certify": Rule(everyone=True),
    # Goods, stock, hand-over at pick-up (object: the area node, the goods or the order).
    "volunteers.keep_store": Rule(roles=KEEPER_ROLES, relation=keeps_area,
                                  message=_("Only the service centre's staff keep the store.")),
    # Redeem and cancel one's own order (the service checks it is one's own).
    "volunteers.redeem": Rule(everyone=True),
    # Publish the month's points publicity (object: the area node).
    "volunteers.publish": Rule(roles=KEEPER_ROLES, relation=keeps_area,
                               message=_("Only the area's staff publish the points publicity.")),
    # Whistle: call the volunteers and party members of an area; close the call (object: the area node or the call).
    "volunteers.mobilise": Rule(roles=ORGANISER_ROLES, relation=whistles_for,
                                message=_("Only the area's staff and grid workers whistle for it.")),
    # Answer a whistle that reached one (the service checks).
    "volunteers.answer": Rule(everyone=True),
    # Campaigns, pledges, donations, receipts (object: the area node or the campaign).
    "volunteers.keep_donations": Rule(roles=KEEPER_ROLES, relation=keeps_area,
                                      message=_("Only the area's staff keep donation campaigns.")),
    # Background jobs (reminders, no-shows after the end).
    "volunteers.sweep": Rule(system_only=True),
}
