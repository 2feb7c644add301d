"""Reminders: the owner of an item that is due soon or missing is told once (the community's staff
when the item has no owner). Idempotent: `reminded_at` marks who was told."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit, calendar, components, notifications, permissions
from gongzhi.core.actors import Actor

from ..models import OPEN_STATES, Item
from ..permissions import REMINDED_ROLES


@transaction.atomic
def remind_due(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Tell the owners of open items due within DISCLOSURE_DUE_SOON_DAYS working days (or past
    due) that were not reminded yet. Returns how many items were reminded."""
    permissions.require(actor, "disclosure.remind")
    now = now or timezone.now()
    soon = calendar.add_working_days(now, components.setting("DISCLOSURE_DUE_SOON_DAYS"))
    rows = list(Item.objects.filter(
        state__in=OPEN_STATES, due_at__lt=soon, reminded_at__isnull=True).select_related("owner", "community")
        .select_for_update(skip_locked=True, of=("self",))[:5000])
    if not rows:
        return 0
    Item.objects.filter(pk__in=[i.pk for i in rows]).update(reminded_at=now)
    User = get_user_model()
    staff_of: dict[int, list] = defaultdict(list)
    for pk, node_id in User.objects.filter(permissions.role_q(REMINDED_ROLES), is_active=True,
                                           area_bindings__node_id__in={i.community_id for i in rows}).values_list(
            "pk", "area_bindings__node_id"):
        staff_of[node_id].append(pk)
    by_pk = {u.pk: u for u in User.objects.filter(pk__in={pk for pks in staff_of.values() for pk in pks})}
    for item in rows:
        recipients = [item.owner] if item.owner_id else [by_pk[pk] for pk in staff_of.get(item.community_id, [])]
        late = item.due_at < now
        title = (_("Overdue for publication: %(title)s") if late else _("Due for publication: %(title)s")) % {
            "title": item.title}
        body = _("Due %(due)s.") % {"due": timezone.localtime(item.due_at).strftime("%Y-%m-%d %H:%M")}
        transaction.on_commit(lambda item=item, recipients=recipients, title=title, body=body: notifications.notify(
            recipients=recipients, title=title, body=body, url=f"/disclosure/items/{item.pk}/", obj=item,
            kind="disclosure.due"))
    audit.record(actor=actor, action="disclosure.item.remind", after={"items": [i.pk for i in rows]})
    return len(rows)
