"""Who may raise, steer, carry out and supervise topics (read by `gongzhi.core.permissions`).

Residents propose and co-sign (the services check that they live in the topic's scope and say so
plainly when they do not); the staff of the area and grid workers raise topics from cases, groups,
meetings and units; the staff of the area steer each step; owners carry resolutions out; the
residents' supervision committee (role `supervision`, bound to its community) supervises and signs
off; the district declares the paths.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.core import scope
from gongzhi.core.permissions import Rule
from gongzhi.meetings.permissions import MANAGER_ROLES, owned_by

# Staff who raise topics in their area (grid workers collect them on their rounds: 两网融合).
RAISER_ROLES = MANAGER_ROLES | frozenset({Role.GRID_WORKER})
# Who reads the staff pages of topics.
READER_ROLES = RAISER_ROLES | frozenset({Role.INSPECTOR, Role.SUPERVISION})
SUPERVISOR_ROLES = frozenset({Role.SUPERVISION})


def _path(obj: Any) -> str:
    if hasattr(obj, "path") and isinstance(getattr(obj, "path", None), str):
        return obj.path  # an area node
    return scope.area_path_of(obj) or ""


def in_scope(user, obj: Any) -> bool:
    path = _path(obj)
    return bool(path) and scope.covers_path(user, path)


def _resolution_of(obj: Any):
    return obj if hasattr(obj, "milestones") else getattr(obj, "resolution", None)


def owns_resolution(user, obj: Any) -> bool:
    """The user, the user's unit or department owns the resolution (of a milestone, a spending …)."""
    resolution = _resolution_of(obj)
    return resolution is not None and owned_by(user, resolution.owners.all())


def carries_out(user, obj: Any) -> bool:
    return owns_resolution(user, obj) or (getattr(user, "role", None) in MANAGER_ROLES and in_scope(user, obj))


def steers(user, topic: Any) -> bool:
    """The staff of the topic's area; a member of the supervision committee of the area only at a
    step the committee acts at (监事)."""
    if not in_scope(user, topic):
        return False
    if getattr(user, "role", None) in MANAGER_ROLES:
        return True
    from .models import StepActor, StepState

    current = topic.steps.filter(state=StepState.CURRENT).select_related("path_step").first()
    return current is not None and current.path_step.actor == StepActor.SUPERVISION_COMMITTEE


def answers_rectification(user, rectification: Any) -> bool:
    """The rectification's owner (an account, or the unit or department of the resolution's owner it
    names), or the staff of the area."""
    if rectification.owner_id is not None and rectification.owner_id == getattr(user, "pk", None):
        return True
    if getattr(user, "role", None) in MANAGER_ROLES and in_scope(user, rectification):
        return True
    unit, department = getattr(user, "unit_id", None), getattr(user, "department_id", None)
    return any(
        (o.unit_id and o.unit_id == unit) or (o.department_id and o.department_id == department)
        for o in rectification.resolution.owners.filter(name=rectification.owner_name)
    )


RULES = {
    # The staff list of topics and the figures (object: an area node).
    "deliberation.view_topics": Rule(roles=READER_ROLES),
    # A resident's proposal and co-signature (the service checks residence in the scope).
    "deliberation.propose": Rule(everyone=True),
    "deliberation.sign": Rule(everyone=True),
    # Raise a topic from a case, a consultation group, a meeting or a unit (object: the area node).
    "deliberation.raise": Rule(
        roles=RAISER_ROLES, relation=in_scope, message=_("You may raise topics only in your own area."),
    ),
    # Open a proposal on its path, complete a step, send back, drop, close (object: the topic).
    "deliberation.steer": Rule(
        roles=MANAGER_ROLES | SUPERVISOR_ROLES, relation=steers,
        message=_("Only the staff of the topic's area steer its steps (the supervision committee its own step)."),
    ),
    # Attach a document to a topic (object: the topic): the staff of the area and the proposer.
    "deliberation.attach": Rule(
        everyone=True,
        relation=lambda user, topic: topic.proposed_by_id == user.pk
        or (getattr(user, "role", None) in RAISER_ROLES and in_scope(user, topic)),
        message=_("Only the proposer and the staff of the area add documents."),
    ),
    # Owners, milestones, budget, spending and progress of a resolution (object: the resolution).
    "deliberation.carry_out": Rule(
        everyone=True, relation=carries_out, message=_("Only the resolution's owners and the area's staff report on it."),
    ),
    # Raise a rectification, accept it, sign a resolution off (object: the resolution or rectification).
    "deliberation.supervise": Rule(
        roles=SUPERVISOR_ROLES, relation=in_scope,
        message=_("Only the residents' supervision committee of this community supervises."),
    ),
    # Say what was done about a rectification (object: the rectification).
    "deliberation.rectify": Rule(
        everyone=True, relation=answers_rectification, message=_("Only the rectification's owner answers it."),
    ),
    # Call a hearing on a topic, keep its speakers' list, record the views (object: the topic or hearing).
    "deliberation.hold_hearing": Rule(
        roles=MANAGER_ROLES, relation=in_scope, message=_("Only the staff of the topic's area hold its hearings."),
    ),
    # Register for a hearing open to the public (the service checks the seats and the deadline).
    "deliberation.register": Rule(everyone=True),
    # Reveal a registered person's phone number (audited; object: the registration).
    "deliberation.reveal_phone": Rule(roles=MANAGER_ROLES, relation=in_scope, message=_("You may not see full phone numbers.")),
    # Declare the paths and proposal rules (object: the district node).
    "deliberation.manage_paths": Rule(
        roles=frozenset({Role.DISTRICT_ADMIN}), relation=in_scope, message=_("Only the district declares the paths."),
    ),
    # The worker: lapse proposals, flag overdue steps, milestones and rectifications.
    "deliberation.sweep": Rule(system_only=True),
}
