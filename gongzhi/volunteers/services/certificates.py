"""The 志愿服务记录证明: issued free on request from the volunteer's record, by the volunteer
themself (their own record only) or by the area's staff for a volunteer of their scope. The
certificate keeps a snapshot of what it certified and a random verification code anyone can check
on the public page."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import audit, permissions
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound

from ..models import Certificate, Volunteer
from ..selectors.people import record_of

# No 0/O, 1/I/L: a code read aloud or typed from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def community_of(node: AreaNode) -> AreaNode:
    """The community (or village) the node lies in; the node itself above that level."""
    if node.kind == AreaKind.COMMUNITY:
        return node
    steplen = AreaNode.steplen
    paths = [node.path[: d * steplen] for d in range(1, node.depth)]
    return AreaNode.objects.filter(path__in=paths, kind=AreaKind.COMMUNITY).first() or node


def _refuse(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


@transaction.atomic
def certificate_issue(*, actor: Actor, volunteer: Volunteer, start: dt.date | None = None,
                      end: dt.date | None = None) -> Certificate:
    """Issue a certificate of `volunteer`'s record over [start, end] (default: all of it until today)."""
    found = Volunteer.objects.visible_to(actor).select_related("area").filter(pk=volunteer.pk).first()
    if found is None:
        raise NotFound()
    volunteer = found
    permissions.require(actor, "volunteers.certify", volunteer)
    own = volunteer.user_id is not None and volunteer.user_id == getattr(actor, "pk", None)
    if not own and not permissions.can(actor, "volunteers.keep_record", volunteer):
        raise Forbidden(_("A certificate is issued to the volunteer themself or by the area's staff."))
    today = timezone.localdate()
    end = end or today
    if end > today:
        raise _refuse("end", _("The period cannot end after today."))
    if start is not None and start > end:
        raise _refuse("start", _("The period must start before it ends."))
    record = record_of(volunteer=volunteer, start=start, end=end)
    if not record.served and not record.entries:
        raise Conflict(_("The record holds nothing in this period: there is nothing to certify yet."))
    issuer = community_of(volunteer.area).name
    snapshot = {
        "name": volunteer.name,
        "id_number_masked": volunteer.id_number_masked,
        "number": volunteer.number,
        "registered_on": volunteer.registered_on.isoformat(),
        "period_start": (start or record.first).isoformat() if (start or record.first) else None,
        "period_end": end.isoformat(),
        "minutes": record.minutes,
        "activity_minutes": record.activity_minutes,
        "training_minutes": record.training_minutes,
        "activities_count": len(record.served),
        "activities": [
            {"date": timezone.localtime(s.activity.starts_at).date().isoformat(), "title": s.activity.title,
             "place": s.activity.place, "minutes": s.minutes}
            for s in record.served
        ],
        "trainings": [{"date": e.on.isoformat(), "title": e.title, "minutes": e.minutes} for e in record.trainings],
        "awards": [{"date": e.on.isoformat(), "title": e.title} for e in record.awards],
        "issuer": issuer,
    }
    for _attempt in range(10):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    volunteer=volunteer, code=new_code(), period_start=start or record.first, period_end=end,
                    minutes=record.minutes, activities=len(record.served), snapshot=snapshot, issuer=issuer,
                    requested_by=actor_user(actor),
                )
        except IntegrityError:
            continue
        break
    else:  # pragma: no cover - ten clashes of a 10-character random code
        raise Conflict(_("Please try again."))
    audit.record(actor=actor, action="volunteers.certificate.issue", obj=certificate,
                 after={"volunteer": volunteer.pk, "minutes": certificate.minutes, "activities": certificate.activities,
                        "period_end": end.isoformat()}, note="self" if own else "")
    return certificate
