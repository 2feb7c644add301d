"""Who may do what with the integrations (read by `gongzhi.core.permissions`).

- API keys (issue, change, revoke, list, and their usage and Open311 submissions): district
  administrators, a key limited to an area in their scope. Only a superuser or the system (the
  `apikey` command) may issue a key limited to no area.
- Camera sources (register, change, new signing secret): district administrators.
- Alert types (map a camera's alert to a catalogue matter): district administrators change them;
  community, street and district staff may look.
- Cameras and the duty roster: community, street and district staff, for areas in their scope.
- Camera alerts and incidents: community, street and district staff look at them in the admin;
  a snapshot is served to any signed-in user whose area scope holds the camera (the same image is
  an attachment of the case, which they see as well).
- Filing through Open311 and receiving a camera alert: the system only, acting for the API key or
  the camera source that authenticated the request (a key's own limits, its area and channels,
  are checked by the Open311 service).

Row-level limits come from the area scope: each model's `visible_to` (see models.py).
"""

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.core import scope
from gongzhi.core.permissions import Rule

DISTRICT = frozenset({Role.DISTRICT_ADMIN})
AREA_MANAGERS = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN})
# Who may be put on the duty roster of a grid (and is told of its camera alerts without a shift).
DUTY_ROLES = frozenset({Role.GRID_WORKER})

ONLY_DISTRICT = _("Only a district administrator may manage integrations.")
ONLY_AREA_MANAGERS = _("Only community, street or district staff may do this.")


def area_in_scope(user, obj) -> bool:
    """The area node `obj` (or the area a row belongs to) lies in the user's area scope."""
    path = scope.area_path_of(obj)
    return path is not None and scope.covers_path(user, path)


RULES = {
    # API keys; the object of create and update is the area the key is limited to.
    "integrations.apikey_create": Rule(roles=DISTRICT, relation=area_in_scope, message=ONLY_DISTRICT),
    "integrations.apikey_update": Rule(roles=DISTRICT, relation=area_in_scope, message=ONLY_DISTRICT),
    "integrations.apikey_revoke": Rule(roles=DISTRICT, message=ONLY_DISTRICT),
    "integrations.apikey_list": Rule(roles=DISTRICT, message=ONLY_DISTRICT),
    # A key that may file and read anywhere (no area): superusers and the system only.
    "integrations.apikey_unlimited": Rule(message=_("Choose the area the key is limited to.")),
    # Camera sources.
    "integrations.camera_source_view": Rule(roles=DISTRICT, message=ONLY_DISTRICT),
    "integrations.camera_source_edit": Rule(roles=DISTRICT, message=ONLY_DISTRICT),
    # Alert types.
    "integrations.camera_type_view": Rule(roles=AREA_MANAGERS, message=ONLY_AREA_MANAGERS),
    "integrations.camera_type_edit": Rule(roles=DISTRICT, message=ONLY_DISTRICT),
    # Cameras; the object is the building or grid the camera is placed at.
    "integrations.camera_view": Rule(roles=AREA_MANAGERS, relation=area_in_scope, message=ONLY_AREA_MANAGERS),
    "integrations.camera_edit": Rule(roles=AREA_MANAGERS, relation=area_in_scope, message=ONLY_AREA_MANAGERS),
    # Camera alerts and incidents (the admin's read-only lists).
    "integrations.camera_event_view": Rule(roles=AREA_MANAGERS, relation=area_in_scope, message=ONLY_AREA_MANAGERS),
    # A camera alert's snapshot.
    "integrations.camera_snapshot_view": Rule(everyone=True, relation=area_in_scope),
    # The duty roster; the object is the grid.
    "integrations.duty_view": Rule(roles=AREA_MANAGERS, relation=area_in_scope, message=ONLY_AREA_MANAGERS),
    "integrations.duty_edit": Rule(roles=AREA_MANAGERS, relation=area_in_scope, message=ONLY_AREA_MANAGERS),
    # Who is on duty for a grid (the API's lookup; the grid must lie in the user's scope).
    "integrations.on_duty_lookup": Rule(everyone=True, relation=area_in_scope),
    # What outside systems do, through the system acting for their key or source.
    "integrations.open311_submit": Rule(system_only=True),
    "integrations.camera_event_receive": Rule(system_only=True),
}
