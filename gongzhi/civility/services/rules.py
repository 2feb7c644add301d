"""The rules kept as data: a standard (points for meeting it, a deduction for breaking it), from a
date, for an area or everywhere. A change is a new row of the same code from a later date: the
checks already made keep the row they used, so a change never rewrites the past."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import require

from ..models import Standard
from .checks import field_error

POINTS_MAX = 100


def _area(actor: Actor, area) -> AreaNode | None:
    if area in (None, ""):
        require(actor, "civility.keep_everywhere")
        return None
    pk = area.pk if isinstance(area, AreaNode) else area
    node = AreaNode.objects.visible_to(actor).filter(pk=pk).first()
    if node is None:
        raise NotFound()
    require(actor, "civility.keep_standards", node)
    return node


@transaction.atomic
def standard_create(*, actor: Actor, code: str, name: str, points_met: int, points_broken: int,
                    valid_from: dt.date | None = None, area=None, description: str = "", order: int = 0) -> Standard:
    """A standard (or a new version of a code) valid from `valid_from` (today or later)."""
    node = _area(actor, area)
    code = slugify(code or "")[:40]
    if not code:
        raise field_error("code", _("Enter a code of letters, digits and hyphens."))
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise field_error("name", _("Enter a name of at most 60 characters."))
    for field, value in (("points_met", points_met), ("points_broken", points_broken)):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= POINTS_MAX:
            raise field_error(field, _("Between 0 and %(n)d points.") % {"n": POINTS_MAX})
    if points_met == 0 and points_broken == 0:
        raise field_error("points_met", _("A standard gives or takes some points."))
    valid_from = valid_from or timezone.localdate()
    if valid_from < timezone.localdate():
        raise field_error("valid_from", _("A rule applies from today or a later day, never to the past."))
    row = Standard.objects.create(code=code, name=name, description=(description or "").strip()[:300],
                                  points_met=points_met, points_broken=points_broken, area=node,
                                  valid_from=valid_from, order=max(0, min(int(order or 0), 999)),
                                  created_by=actor_user(actor))
    audit.record(actor=actor, action="civility.standard.create", obj=row,
                 after={"code": code, "name": name, "points_met": points_met, "points_broken": points_broken,
                        "area": node.pk if node else None, "valid_from": valid_from.isoformat()})
    return row
