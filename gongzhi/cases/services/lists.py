"""Work on a whole case list: the same action on the cases a worker ticked (bulk claim, bulk
dispatch along the catalogue's route) and the .xlsx export of a filtered list.

A bulk action is the single-case service once per case, each in its own transaction with its own
audit event: one case that cannot be moved (taken by someone else meanwhile, held elsewhere) does
not stop the others, and is reported by its reference with the reason."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas import selectors as area_selectors
from gongzhi.core import audit, pii, scope, xlsx
from gongzhi.core.actors import Actor
from gongzhi.core.errors import DomainError, InvalidInput, NotFound
from gongzhi.core.permissions import require

from .. import selectors
from ..models import Case, State
from .transitions import case_accept, case_claim, case_dispatch

BULK_ACTIONS = ("claim", "dispatch")
BULK_LIMIT = 100


@dataclass
class BulkResult:
    done: list[str]
    failed: list[tuple[str, str]]  # (reference or id, reason)


def cases_bulk(*, actor: Actor, action: str, case_ids: list[int]) -> BulkResult:
    """Claim, or accept and dispatch along the catalogue's route, every case of `case_ids` the
    actor may see. Each case goes through its own service call (gate, state check, audit event);
    the failures are returned per case."""
    if action not in BULK_ACTIONS:
        message = _("Choose what to do with the selected cases.")
        raise InvalidInput(message, fields={"action": [message]})
    ids = list(dict.fromkeys(int(i) for i in case_ids))
    if not ids:
        message = _("Tick at least one case.")
        raise InvalidInput(message, fields={"cases": [message]})
    if len(ids) > BULK_LIMIT:
        message = _("Select at most %(n)d cases at once.") % {"n": BULK_LIMIT}
        raise InvalidInput(message, fields={"cases": [message]})
    result = BulkResult(done=[], failed=[])
    for pk in ids:
        try:
            case = selectors.case_get(user=actor, pk=pk)
        except NotFound:
            result.failed.append((str(pk), _("No such case in your area.")))
            continue
        try:
            if action == "claim":
                case_claim(actor=actor, case=case)
            else:
                if case.state == State.SUBMITTED:
                    case = case_accept(actor=actor, case=case)
                case_dispatch(actor=actor, case=case)
        except DomainError as exc:
            result.failed.append((case.reference, exc.message))
        else:
            result.done.append(case.reference)
    return result


def _light_labels() -> dict[str, str]:
    return {"green": _("On time"), "yellow": _("Due soon"), "red": _("Overdue")}


@transaction.atomic
def cases_export(*, actor: Actor, cases: QuerySet, title: str, scope_label: str = "", period: str = "",
                 filters: dict | None = None) -> bytes:
    """The cases of a list the actor filtered, as .xlsx: numbers in titles masked, the requester as
    the actor may see them (anonymous stays anonymous), no phone or ID number. Audited with the
    filters and the row count."""
    require(actor, "cases.export_list")
    now = timezone.now()
    lights = _light_labels()
    qs = Case.objects.visible_to(actor).filter(pk__in=cases.values("pk")).order_by(*cases.query.order_by or ("id",))
    qs = selectors.export_rows(qs)

    def rows():
        batch: list = []
        for case in qs.iterator(chunk_size=500):
            batch.append(case)
            if len(batch) == 500:
                yield from batch_rows(batch)
                batch = []
        yield from batch_rows(batch)

    def batch_rows(batch):
        # the place as people say it (西站街道 瓜州路社区 第1网格 铁建丽苑 3号楼2单元), one query a batch
        places = area_selectors.addresses([c.location for c in batch if c.location_id])
        for case in batch:
            yield [
                case.reference, pii.redact(case.title), case.category.name, case.get_channel_display(),
                selectors.state_label(case.state), lights.get(selectors.light(case, now=now), ""),
                case.get_level_display(), case.department.name if case.department_id else case.area.name,
                str(case.assignee) if case.assignee_id else "",
                places.get(case.location_id, "") if case.location_id else "", pii.redact(case.address),
                selectors.requester_display(user=actor, case=case), case.created_at, case.handling_due,
            ]

    columns = [
        xlsx.Column(_("Reference"), 20), xlsx.Column(_("Title"), 30), xlsx.Column(_("Matter"), 16),
        xlsx.Column(_("Channel"), 10), xlsx.Column(_("State"), 10), xlsx.Column(_("Light"), 8),
        xlsx.Column(_("Level"), 8), xlsx.Column(_("Held by"), 16), xlsx.Column(_("Handler"), 12),
        xlsx.Column(_("Place"), 40), xlsx.Column(_("Address"), 24), xlsx.Column(_("Requester"), 12),
        xlsx.Column(_("Filed"), 17, xlsx.DATETIME), xlsx.Column(_("Handle by"), 17, xlsx.DATETIME),
    ]
    book = xlsx.Book()
    count = book.table(_("Cases"), title=title, scope=scope_label, period=period, columns=columns, rows=rows(),
                       note=_("Numbers in titles are masked."))
    paths = scope.scope_paths(actor)
    audit.record(actor=actor, action="cases.list.export", after={"rows": count, "filters": filters or {}},
                 area_path=(paths[0] if paths else ""))
    return book.to_bytes()
