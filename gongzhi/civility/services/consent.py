"""A household's consent to be named on the public building page (王家, 张老师家): recorded by the
community's staff (who and when), revocable; the page shows 某户 and the masked room otherwise."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import require

from ..models import NameConsent
from .checks import field_error

NAME_MAX = NameConsent._meta.get_field("display_name").max_length


def _household(actor: Actor, household) -> AreaNode:
    pk = household.pk if isinstance(household, AreaNode) else household
    node = AreaNode.objects.visible_to(actor).filter(pk=pk, kind=AreaKind.HOUSEHOLD).first()
    if node is None:
        raise NotFound()
    require(actor, "civility.consent", node)
    return node


@transaction.atomic
def consent_record(*, actor: Actor, household, display_name: str) -> NameConsent:
    """The household agrees to be shown as `display_name` (a family name such as 王家, never a full
    personal name or a number); replaces a consent still in force."""
    node = _household(actor, household)
    name = (display_name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise field_error("display_name", _("Enter how the household wants to be named, e.g. 王家 (at most %(n)d "
                                            "characters).") % {"n": NAME_MAX})
    if any(ch.isdigit() for ch in name):
        raise field_error("display_name", _("A name only: no numbers."))
    now = timezone.now()
    user = actor_user(actor)
    NameConsent.objects.select_for_update().filter(household=node, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=user)
    row = NameConsent.objects.create(household=node, display_name=name, recorded_by=user, recorded_at=now)
    audit.record(actor=actor, action="civility.consent.record", obj=row, after={"household": node.pk, "name": name})
    return row


@transaction.atomic
def consent_revoke(*, actor: Actor, household) -> NameConsent:
    """The household withdraws its consent: from now on the page shows 某户."""
    node = _household(actor, household)
    row = NameConsent.objects.select_for_update().filter(household=node, revoked_at__isnull=True).first()
    if row is None:
        raise field_error("display_name", _("The household has not agreed to be named."))
    row.revoked_at, row.revoked_by = timezone.now(), actor_user(actor)
    row.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(actor=actor, action="civility.consent.revoke", obj=row, before={"name": row.display_name})
    return row
