"""Who may do what with open books (read by `gongzhi.core.permissions`).

Community staff (and street and district staff over their area) compose, schedule and publish a
community's items, keep its financial statements and its service fund and record the committee's
election. Supervision committee members (role `supervision`, bound to their community) review items
and set rectifications; whoever owns a rectification reports it done. Signed-in residents ask
questions on published items; the item's owner or the community's staff answer them in public.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import AreaNode
from gongzhi.core import scope
from gongzhi.core.permissions import Rule

# Staff who keep the open books of their area scope.
MANAGER_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN})
# The supervision committee's members.
COMMITTEE_ROLES = frozenset({Role.SUPERVISION})
# Who reads the due board, the figures, the statements and the fund of their scope.
READER_ROLES = MANAGER_ROLES | COMMITTEE_ROLES | frozenset({Role.INSPECTOR})
# Who may ask a question on a published item.
ASKER_ROLES = frozenset({Role.RESIDENT})
# Who is reminded of what a community owes when an item has no owner, and told of late rectifications.
REMINDED_ROLES = frozenset({Role.COMMUNITY_STAFF})


def _area_path(obj: Any) -> str:
    if isinstance(obj, AreaNode):
        return obj.path
    return scope.area_path_of(obj) or ""


def in_scope(user, obj: Any) -> bool:
    path = _area_path(obj)
    return bool(path) and scope.covers_path(user, path)


def keeps_area(user, obj: Any) -> bool:
    """A manager whose area scope covers the object's community."""
    return getattr(user, "role", None) in MANAGER_ROLES and in_scope(user, obj)


def supervises(user, obj: Any) -> bool:
    """A committee member whose community is the object's."""
    return getattr(user, "role", None) in COMMITTEE_ROLES and in_scope(user, obj)


def owns_rectification(user, rectification: Any) -> bool:
    return getattr(user, "is_authenticated", False) and (
        rectification.owner_id == user.pk or keeps_area(user, rectification)
    )


def answers(user, question_or_item: Any) -> bool:
    """The item's owner or the community's staff answer questions on it."""
    item = getattr(question_or_item, "item", question_or_item)
    return getattr(user, "is_authenticated", False) and (item.owner_id == user.pk or keeps_area(user, item))


def may_ask(user, item: Any) -> bool:
    return getattr(user, "is_authenticated", False) and item.is_public


RULES = {
    # The staff pages: the items of the scope, the due board.
    "disclosure.view": Rule(roles=READER_ROLES, relation=in_scope),
    # Write and schedule items (object: the item or its community).
    "disclosure.compose": Rule(roles=MANAGER_ROLES, relation=keeps_area,
                               message=_("Only the community's staff write its public notices.")),
    # Publish an item and correct a published one as a new version (object: the item or its community).
    "disclosure.publish": Rule(roles=MANAGER_ROLES, relation=keeps_area,
                               message=_("Only the community's staff publish its notices.")),
    # The figures page, API and export (object: an area node).
    "disclosure.view_figures": Rule(roles=READER_ROLES, relation=in_scope),
    # Financial statements and the service fund (object: the statement, the fund or the community).
    "disclosure.view_money": Rule(roles=READER_ROLES, relation=in_scope),
    "disclosure.manage_money": Rule(roles=MANAGER_ROLES, relation=keeps_area,
                                    message=_("Only the community's staff keep its accounts.")),
    # The committee: record its election (object: the committee body).
    "disclosure.manage_committee": Rule(roles=MANAGER_ROLES, relation=keeps_area,
                                        message=_("Only the community's staff record the committee's election.")),
    # Review items and set, accept or send back rectifications (object: the item, the rectification, the community).
    "disclosure.supervise": Rule(roles=COMMITTEE_ROLES, relation=supervises,
                                 message=_("Only the community's supervision committee does this.")),
    # Report a rectification done (object: the rectification).
    "disclosure.report_rectification": Rule(everyone=True, relation=owns_rectification,
                                            message=_("Only the rectification's owner reports it done.")),
    # Ask a question on a published item (object: the item).
    "disclosure.ask": Rule(roles=ASKER_ROLES, relation=may_ask,
                           message=_("Residents ask questions on published notices.")),
    # Answer a question in public (object: the question or its item).
    "disclosure.answer": Rule(everyone=True, relation=answers,
                              message=_("Only the notice's owner or the community's staff answer.")),
    # The timing rules of a district (object: the district node).
    "disclosure.manage_rules": Rule(roles=frozenset({Role.DISTRICT_ADMIN}), relation=in_scope,
                                    message=_("Only the district sets the timing rules.")),
    # The worker: plan scheduled slots, remind owners, flag late rectifications and unanswered questions.
    "disclosure.plan": Rule(system_only=True),
    "disclosure.remind": Rule(system_only=True),
    "disclosure.flag": Rule(system_only=True),
}
