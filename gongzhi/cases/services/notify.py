"""Who is told of what happens to a case, and the deferred notifications: the inbox rows are
written inside the transaction, delivery through the adapters runs after commit
(`gongzhi.core.notifications`). The roles behind each list are the gate's (`permissions.py`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.areas.models import AreaNode
from gongzhi.core import notifications
from gongzhi.core import permissions as core_permissions

from .. import permissions
from ..models import Case, Level


def case_url(case: Case) -> str:
    return f"/cases/{case.pk}/"


def staff_at(node_ids: Iterable[int], roles: Iterable[str]) -> list[User]:
    return list(User.objects.filter(core_permissions.role_q(roles), area_bindings__node_id__in=list(node_ids), is_active=True))


def department_staff(department_ids: Iterable[int]) -> list[User]:
    return list(User.objects.filter(core_permissions.role_q(permissions.DEPARTMENT_ROLES),
                                    department_id__in=list(department_ids), is_active=True))


def holders(case: Case) -> list[User]:
    """The staff who hold the case where it is now."""
    if case.level == Level.DEPARTMENT:
        return department_staff([case.department_id])
    return staff_at([case.area_id], permissions.HOLDER_ROLES[case.level])


def triage_staff(node_id: int) -> list[User]:
    """Who accepts and dispatches the requests waiting at a community."""
    return staff_at([node_id], permissions.TRIAGE_ROLES)


def extension_deciders(case: Case) -> list[User]:
    """The level above the holder, who decides on an extension."""
    parent_path = case.area_path if case.level == Level.DEPARTMENT else case.area_path[: -AreaNode.steplen]
    return staff_at(AreaNode.objects.filter(path=parent_path).values_list("pk", flat=True),
                    permissions.EXTENSION_DECIDER_ROLES)


def verifiers(case: Case) -> list[User]:
    """The dispatching level, who verifies a result."""
    return staff_at([case.dispatcher_node_id or case.area_id], permissions.VERIFIER_ROLES)


def handler(case: Case) -> list[User]:
    """Whoever works on the case: its assignee, or else its holders."""
    return [case.assignee] if case.assignee_id else holders(case)


def requesters(case: Case) -> list[User]:
    users = [case.requester] if case.requester_id else []
    users += [c.requester for c in case.children.select_related("requester") if c.requester_id]
    return users


def notify_later(recipients_fn, title: str, body: str, case: Case, kind: str) -> None:
    """Write the inbox rows now (inside the transaction) — delivery runs after commit."""
    notifications.notify(recipients=recipients_fn(), title=title, body=body, url=case_url(case), obj=case, kind=kind)


def ask_for_rating(case: Case) -> None:
    notify_later(lambda: requesters(case), _("Your request has a result: please rate it"), case.feedback[:300], case,
                 "cases.rate")
