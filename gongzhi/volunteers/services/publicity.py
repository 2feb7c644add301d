"""Publish the month's points publicity of an area (积分公示, for 民情日): a snapshot of the lines
computed from the ledger, with the SHA-256 digest of its lines. Publishing the same month again
replaces the snapshot only when the ledger changed since (audited with both digests)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit, scope
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.permissions import require

from ..models import Publicity
from ..selectors import publicity as selectors


@transaction.atomic
def publicity_publish(*, actor: Actor, area: AreaNode | int, month: dt.date) -> tuple[Publicity, bool]:
    """Publish (or republish) the month; returns the snapshot and whether it was written."""
    node = AreaNode.objects.filter(pk=area.pk if isinstance(area, AreaNode) else area).first()
    if node is None or not scope.covers_path(actor, node.path):
        raise NotFound()
    require(actor, "volunteers.publish", node)
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        message = _("A month up to this one, as 2026-03.")
        raise InvalidInput(message, fields={"month": [message]})
    lines = selectors.lines_for(area=node, month=month)
    if not lines:
        message = _("No points moved in this month: nothing to publish.")
        raise InvalidInput(message, fields={"month": [message]})
    digest = selectors.digest_of(lines)
    existing = Publicity.objects.select_for_update().filter(area=node, month=month).first()
    if existing is not None and existing.digest == digest:
        return existing, False
    if existing is None:
        publicity = Publicity.objects.create(area=node, month=month, lines=lines, digest=digest,
                                             published_by=actor_user(actor))
        audit.record(actor=actor, action="volunteers.publicity.publish", obj=publicity,
                     after={"month": f"{month:%Y-%m}", "lines": len(lines), "digest": digest})
        return publicity, True
    before = {"digest": existing.digest, "lines": len(existing.lines), "published_at": existing.published_at}
    now = timezone.now()
    Publicity.objects.filter(pk=existing.pk).update(lines=lines, digest=digest, published_by=actor_user(actor),
                                                    published_at=now)
    existing.refresh_from_db()
    audit.record(actor=actor, action="volunteers.publicity.publish", obj=existing, before=before,
                 after={"digest": digest, "lines": len(lines), "published_at": now},
                 note=_("Republished: the ledger changed since."))
    return existing, True
