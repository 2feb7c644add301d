"""Who may do what in the case pipeline (read by `gongzhi.core.permissions`): every action of the
app with the roles that may do it and how the user must relate to the case — the one place the
pipeline names roles. Pages, the API, services, selectors and the admin ask `can`/`require`.

Relations (asked only with a case, and never for a superuser or the system):
- `holds`: the user works where the case is held (or above it); a department's staff hold the
  department-level cases of their department;
- `above`: bound strictly above the holder (approves an extension);
- `may_verify`: the dispatching level (not the handler) or an inspector of the place;
- `is_requester`: the user filed the request (only they rate it on the case page);
- `may_call_back`: staff of the place, recording a callback (回访);
- `called`: the user's department was called on the case (吹哨报到).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.core import scope
from gongzhi.core.permissions import Rule

from .models import Level, MediatorKind

GRID, COMMUNITY, STREET = Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF
DEPARTMENT, INSPECTOR, ADMIN, RESIDENT = Role.DEPARTMENT_STAFF, Role.INSPECTOR, Role.DISTRICT_ADMIN, Role.RESIDENT

STAFF = frozenset({GRID, COMMUNITY, STREET, DEPARTMENT, INSPECTOR, ADMIN})
FIGURES = frozenset({GRID, COMMUNITY, STREET, INSPECTOR, ADMIN})
HANDLERS = frozenset({GRID, COMMUNITY, STREET, DEPARTMENT, ADMIN})
TRIAGE = frozenset({GRID, COMMUNITY, STREET, ADMIN})
SUPERIORS = frozenset({COMMUNITY, STREET, ADMIN})
NOT_RESIDENTS = frozenset(Role) - {RESIDENT}
ALL_BOXES = frozenset({GRID, COMMUNITY, STREET, DEPARTMENT, ADMIN})

# ---------------------------------------------------------------------------------------------
# Relations


def holds(user, case) -> bool:
    """Whether the user works where the case is held (or above it)."""
    if case.level == Level.DEPARTMENT:
        if user.role == DEPARTMENT:
            return user.department_id == case.department_id
        return user.role in (STREET, ADMIN) and scope.covers_path(user, case.area_path)
    if user.role == DEPARTMENT:
        return False
    return scope.covers_path(user, case.area_path)


def above(user, case) -> bool:
    """Whether the user is bound strictly above the holder (for approvals)."""
    paths = scope.scope_paths(user)
    if paths is None:
        return True
    if case.level == Level.DEPARTMENT:
        return any(case.area_path.startswith(p) for p in paths)
    return any(case.area_path.startswith(p) and len(p) < len(case.area_path) for p in paths)


def may_verify(user, case) -> bool:
    if user.role == INSPECTOR:
        return scope.covers_path(user, case.location_path)
    dispatcher = case.dispatcher_node.path if case.dispatcher_node_id else case.area_path
    return scope.covers_path(user, dispatcher) and user.pk != case.assignee_id


def is_requester(user, case) -> bool:
    return case.requester_id is not None and case.requester_id == user.pk


def may_call_back(user, case) -> bool:
    """A callback (回访) is recorded by staff of the case's place."""
    return scope.covers_path(user, case.location_path)


def may_note(user, case) -> bool:
    return user.role == INSPECTOR or holds(user, case)


def may_whistle(user, case) -> bool:
    return holds(user, case) and case.level in (Level.STREET, Level.COMMUNITY, Level.GRID, Level.BUILDING)


def called(user, case) -> bool:
    return bool(user.department_id) and case.whistle_calls.filter(department_id=user.department_id).exists()


# ---------------------------------------------------------------------------------------------
# Rules

_HELD = _("The case is held elsewhere; you may not act on it.")


def _held(verb: str) -> str:
    return {
        "accept": _("The case is held elsewhere; you may not accept it."),
        "reject": _("The case is held elsewhere; you may not reject it."),
        "merge": _("The case is held elsewhere; you may not merge it."),
        "recategorise": _("The case is held elsewhere; you may not change its matter."),
        "dispatch": _("The case is held elsewhere; you may not dispatch it."),
        "claim": _("The case is held elsewhere; you may not claim it."),
        "return": _("The case is held elsewhere; you may not return it."),
        "escalate": _("The case is held elsewhere; you may not escalate it."),
        "resolve": _("The case is held elsewhere; you may not resolve it."),
    }.get(verb, _HELD)


_VERIFY = _("Only the dispatching level or an inspector verifies this case.")
_RATE = _("Only the requester rates a request; staff record a callback instead.")

RULES = {
    # Navigation and pages
    "cases.view_inbox": Rule(roles=STAFF),
    "cases.view_mine": Rule(roles=frozenset({RESIDENT})),
    "cases.file": Rule(roles=frozenset({RESIDENT, COMMUNITY, GRID})),
    "cases.view_figures": Rule(roles=FIGURES),
    # Intake: a resident files their own request (online, mailbox); staff register one on a caller's
    # behalf, their own findings or a superior's assignment, within their area.
    "cases.file_own": Rule(roles=frozenset({RESIDENT})),
    "cases.register": Rule(roles=TRIAGE | {INSPECTOR}, message=_("Your role may not register requests.")),
    # Internal notes, attachments of internal events, supervision, triage's suggestion, possible
    # duplicates: for everyone who works on cases, not for requesters.
    "cases.view_internal": Rule(roles=NOT_RESIDENTS),
    # The inbox tabs each role works from (the unrestricted see all).
    "cases.box_triage": Rule(roles=SUPERIORS),
    "cases.box_to_claim": Rule(roles=ALL_BOXES),
    "cases.box_in_progress": Rule(roles=ALL_BOXES),
    "cases.box_due_soon": Rule(roles=ALL_BOXES),
    "cases.box_overdue": Rule(roles=ALL_BOXES),
    "cases.box_verify": Rule(roles=SUPERIORS | {INSPECTOR}),
    "cases.box_whistle": Rule(roles=frozenset({DEPARTMENT})),
    # The .xlsx of a filtered inbox (scoped to what the user sees, masked, audited)
    "cases.export_list": Rule(roles=STAFF),
    # How a role holds cases: a department's staff the department-level cases of their department
    # (and those it was called on); a grid worker also the building-level cases of the grid; a
    # district administrator everything in the district's subtree.
    "cases.department_work": Rule(roles=frozenset({DEPARTMENT})),
    "cases.hold_buildings": Rule(roles=frozenset({GRID})),
    "cases.hold_subtree": Rule(roles=frozenset({ADMIN})),
    # The transitions of the case workflow (workflow.CASE_WORKFLOW)
    "cases.accept": Rule(roles=TRIAGE, relation=holds, message=_held("accept")),
    "cases.reject": Rule(roles=TRIAGE, relation=holds, message=_held("reject")),
    "cases.merge": Rule(roles=TRIAGE, relation=holds, message=_held("merge")),
    "cases.recategorise": Rule(roles=TRIAGE, relation=holds, message=_held("recategorise")),
    "cases.dispatch": Rule(roles=TRIAGE, relation=holds, message=_held("dispatch")),
    "cases.claim": Rule(roles=HANDLERS, relation=holds, message=_held("claim")),
    "cases.return": Rule(roles=HANDLERS, relation=holds, message=_held("return")),
    "cases.escalate": Rule(roles=HANDLERS, relation=holds, message=_held("escalate")),
    "cases.whistle": Rule(roles=frozenset({STREET, ADMIN}), relation=may_whistle,
                          message=_("Only the street handling the case may call departments.")),
    "cases.acknowledge": Rule(roles=frozenset({DEPARTMENT}), relation=called),
    "cases.report_part": Rule(roles=frozenset({DEPARTMENT}), relation=called),
    "cases.contact": Rule(roles=HANDLERS, relation=holds, message=_HELD),
    "cases.note": Rule(roles=HANDLERS | {INSPECTOR}, relation=may_note, message=_HELD),
    # Numbers typed into a case's free text are masked for everyone but the requester; the handlers
    # who must call back (the holder and the staff above it) reveal them, and each reveal is audited.
    "cases.reveal_text_numbers": Rule(roles=HANDLERS, relation=holds,
                                      message=_("Only those who handle the case may reveal the numbers in its text.")),
    # How to reach the requester (their phone, masked on the page): the handlers who must call them,
    # one audited click each; never when the requester asked to stay anonymous to handlers.
    "cases.reveal_requester_contact": Rule(
        roles=HANDLERS, relation=holds,
        message=_("Only those who handle the case may see how to reach the requester.")),
    "cases.request_extension": Rule(roles=HANDLERS, relation=holds, message=_HELD),
    "cases.approve_extension": Rule(roles=SUPERIORS, relation=above,
                                    message=_("Only the level above the handler decides on an extension.")),
    "cases.resolve": Rule(roles=HANDLERS, relation=holds, message=_held("resolve")),
    "cases.verify_pass": Rule(roles=SUPERIORS | {INSPECTOR}, relation=may_verify, message=_VERIFY),
    "cases.verify_fail": Rule(roles=SUPERIORS | {INSPECTOR}, relation=may_verify, message=_VERIFY),
    "cases.rate": Rule(roles=NOT_RESIDENTS | {RESIDENT}, relation=is_requester, message=_RATE),
    "cases.record_callback": Rule(roles=TRIAGE, relation=may_call_back,
                                  message=_("Only staff of the place where the matter is record a callback.")),
    "cases.reopen": Rule(roles=HANDLERS, relation=holds, message=_HELD),
    "cases.auto_close": Rule(system_only=True),
    # Disputes (矛盾纠纷): parties, mediation sessions and the stages, by whoever holds the case.
    "cases.mediate": Rule(roles=NOT_RESIDENTS, relation=holds, message=_HELD),
    # Who filed a request that asked to stay anonymous: no role sees it (the requester does, and the
    # unrestricted: superusers and the system).
    "cases.reveal_anonymous": Rule(),
    # The catalogue of matters (事项目录).
    "cases.edit_catalogue": Rule(roles=frozenset({ADMIN}),
                                 message=_("Only a district administrator may change the catalogue.")),
}

# ---------------------------------------------------------------------------------------------
# Who is told (notifications) and who may be picked: the roles behind each recipient list.

# The staff who hold a case at each level (told when it is dispatched, returned, escalated to them).
HOLDER_ROLES = {
    Level.BUILDING: (GRID,),
    Level.GRID: (GRID,),
    Level.COMMUNITY: (COMMUNITY,),
    Level.STREET: (STREET,),
}
DEPARTMENT_ROLES = (DEPARTMENT,)
# Told of a new request waiting for triage at the community.
TRIAGE_ROLES = (COMMUNITY,)
# Told that an extension was asked for (the level above decides).
EXTENSION_DECIDER_ROLES = (COMMUNITY, STREET, ADMIN)
# Told that a result waits for verification at the dispatching level.
VERIFIER_ROLES = (COMMUNITY, STREET)
# The people whose work the grid workers' assessment scores (its score events name only them).
SCORED_ROLES = frozenset({Role.GRID_WORKER})
# Told of warnings and supervision (督办) at each supervising level (the SLA sweep).
SUPERVISING_ROLES = {
    Level.GRID: GRID,
    Level.COMMUNITY: COMMUNITY,
    Level.STREET: STREET,
    "district": ADMIN,
}
# Accounts that may be picked as mediators, and the kind their role makes them.
MEDIATOR_ROLE_KINDS = {
    GRID: MediatorKind.GRID_WORKER,
    COMMUNITY: MediatorKind.STAFF,
    STREET: MediatorKind.STAFF,
}
MEDIATOR_ROLES = tuple(MEDIATOR_ROLE_KINDS)
# Accounts that may be a request's requester.
REQUESTER_ROLES = (RESIDENT,)


def mediator_kind(user) -> str:
    return MEDIATOR_ROLE_KINDS[user.role]


def may_be_requester(user) -> bool:
    return user.role in REQUESTER_ROLES
