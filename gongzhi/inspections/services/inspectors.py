"""The register of each street's publicly selected inspectors (民情巡察员): the street's staff add
an inspector (an inspector's account, the date of appointment, how they were selected) and retire
one; a retired inspector's unchecked records go to the street's other active inspectors."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import require, role_q
from gongzhi.core.workflow import lock_visible

from ..models import Inspector, SampleItem
from ..permissions import INSPECTOR_ROLES
from .inputs import field_error, object_id

SELECTION_MAX = 300


def street_for(actor: Actor, street, *, action: str) -> AreaNode:
    """The street if it is one and in the actor's scope (else 404); the gate's answer for `action`."""
    node = AreaNode.objects.visible_to(actor).filter(pk=object_id(street), kind=AreaKind.STREET).first()
    if node is None:
        raise NotFound()
    require(actor, action, node)
    return node


@transaction.atomic
def inspector_add(*, actor: Actor, street, user, appointed_on: dt.date | None = None, selection: str = "") -> Inspector:
    node = street_for(actor, street, action="inspections.manage")
    account = get_user_model().objects.filter(role_q(INSPECTOR_ROLES), pk=object_id(user), is_active=True).first()
    if account is None:
        raise field_error("user", _("Choose an inspector's account."))
    selection = (selection or "").strip()
    if not selection:
        raise field_error("selection", _("Say how the inspector was selected (the notice or decision)."))
    if len(selection) > SELECTION_MAX:
        raise field_error("selection", _("At most %(n)d characters.") % {"n": SELECTION_MAX})
    appointed_on = appointed_on or timezone.localdate()
    if appointed_on > timezone.localdate():
        raise field_error("appointed_on", _("The appointment cannot be in the future."))
    if Inspector.objects.filter(user=account, street=node, active=True).exists():
        raise field_error("user", _("This account is already an inspector of the street."))
    row = Inspector.objects.create(user=account, street=node, appointed_on=appointed_on, selection=selection,
                                   created_by=actor_user(actor))
    audit.record(actor=actor, action="inspections.inspector.add", obj=row,
                 after={"user": account.pk, "street": node.pk, "appointed_on": appointed_on, "selection": selection})
    return row


@transaction.atomic
def inspector_retire(*, actor: Actor, inspector, reason: str = "") -> Inspector:
    row = lock_visible(Inspector, actor=actor, pk=object_id(inspector))
    require(actor, "inspections.manage", row)
    if not row.active:
        raise field_error("inspector", _("This inspector is already retired."))
    reason = (reason or "").strip()[:300]
    row.active, row.retired_on, row.retire_reason = False, timezone.localdate(), reason
    row.save(update_fields=["active", "retired_on", "retire_reason"])
    others = list(Inspector.objects.filter(street_id=row.street_id, active=True).order_by("pk"))
    moved = 0
    if others:
        open_items = SampleItem.objects.filter(inspector=row, finding__isnull=True).order_by("sample", "position")
        for index, item in enumerate(open_items):
            item.inspector = others[index % len(others)]
            item.save(update_fields=["inspector"])
            moved += 1
    audit.record(actor=actor, action="inspections.inspector.retire", obj=row,
                 after={"active": False, "reason": reason, "items_moved": moved})
    return row
