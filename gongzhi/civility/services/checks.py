"""Checks at the door (文明积分检查): a grid worker (the households of their grid), an inspector or
the community's staff checks a household against the standards that apply to it today — met or
not, a note, photos — and each result moves the household's points in the ledger
(`gongzhi.points`, programme CIVILITY) at once:

- met: an EARN entry of the standard's points;
- not met: a DEDUCT entry of the standard's deduction, with the checker as its approver (the check
  is the approval: the checker saw it at the door, with the photos as evidence).

Each entry's source is "civility.check:<check id>:<code>", so nothing is written twice. A standard
is checked once per household per day: a second check that day is refused beside the standard.

**At zero.** The ledger never lets a balance fall below zero. A deduction takes what the household
holds (after the same visit's earnings), at most the standard's deduction: a household with 3 points that breaks a standard worth −5
goes to 0 (the check records points −5, applied −3); with 0 points nothing is written (applied 0).
The check still records that the standard was not met, so the figures and the review see it; the
year's points are what the checks applied, so they never show points the ledger does not hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.areas.selectors import address_of
from gongzhi.cases.services.attachments import sniff
from gongzhi.core import audit
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.permissions import require
from gongzhi.points import services as ledger
from gongzhi.points.models import Account, EntryKind, Programme

from ..models import Check, CheckPhoto, Standard
from ..selectors.standards import standards_for

NOTE_MAX = 500
PHOTOS_MAX = 6
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic")


def field_error(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def standard_field(standard: Standard | int) -> str:
    """The form field (and API error field) of one standard's result."""
    return f"standard_{standard.pk if isinstance(standard, Standard) else standard}"


def household_for_check(actor: Actor, household) -> AreaNode:
    """The household node if the actor sees it (else 404) and may check it (else 403)."""
    pk = household.pk if isinstance(household, AreaNode) else household
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    node = AreaNode.objects.visible_to(actor).filter(pk=pk, kind=AreaKind.HOUSEHOLD, is_active=True).first()
    if node is None:
        raise NotFound()
    require(actor, "civility.check", node)
    return node


def check_photos(photos: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    """Photos only (sniffed, never trusted by name), at most PHOTOS_MAX, each under 10 MB."""
    photos = list(photos or ())
    if len(photos) > PHOTOS_MAX:
        raise field_error("photos", _("At most %(n)d photos.") % {"n": PHOTOS_MAX})
    checked = []
    for f in photos:
        if f.size > PHOTO_MAX_BYTES:
            raise field_error("photos", _("“%(name)s” is larger than %(mb)d MB.")
                              % {"name": f.name, "mb": PHOTO_MAX_BYTES // (1024 * 1024)})
        f.seek(0)
        kind = sniff(f.read(16))
        f.seek(0)
        if kind not in PHOTO_TYPES:
            raise field_error("photos", _("“%(name)s” is not a photo.") % {"name": f.name})
        checked.append((f, kind))
    return checked


def household_account(actor: Actor, household: AreaNode) -> Account:
    """The household's civility account, opened on first use (named by its short address)."""
    return ledger.account_open(actor=actor, programme=Programme.CIVILITY, holder=household, area=household,
                               name=address_of(household, short=True) or household.name)


def _write_points(actor: Actor, check: Check, account: Account) -> None:
    """The check's ledger entry (once, by its source); a deduction stops at zero."""
    source = f"civility.check:{check.pk}:{check.code}"
    reason = (_("Civility check: %(standard)s met") if check.met
              else _("Civility check: %(standard)s not met")) % {"standard": check.standard.name}
    if check.points > 0:
        entry = ledger.entry_write(actor=actor, account=account, kind=EntryKind.EARN, amount=check.points,
                                   reason=reason, source=source)
    else:
        held = Account.objects.select_for_update().values_list("balance", flat=True).get(pk=account.pk)
        amount = -min(held, -check.points)
        if amount == 0:
            return
        entry = ledger.entry_write(actor=actor, account=account, kind=EntryKind.DEDUCT, amount=amount,
                                   reason=reason, source=source, approved_by=actor_user(actor))
    Check.objects.filter(pk=check.pk).update(entry=entry, applied=entry.amount)
    check.entry, check.applied = entry, entry.amount


@transaction.atomic
def checks_record(*, actor: Actor, household, results: Mapping[int, bool], note: str = "",
                  photos: Sequence[UploadedFile] = (), on: dt.date | None = None) -> list[Check]:
    """Record the results (standard id → met) of one visit to a household, today (`on` only for the
    demo and tests). Every result writes its points to the ledger. Refused as a whole, beside the
    standard's field, when a standard does not apply to the household or was already checked that day."""
    node = household_for_check(actor, household)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise field_error("checked_on", _("A check cannot lie in the future."))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise field_error("note", _("At most %(n)d characters.") % {"n": NOTE_MAX})
    if not results:
        raise field_error("results", _("Check at least one standard."))
    applicable = {s.pk: s for s in standards_for(node=node, on=on)}
    errors: dict[str, list[str]] = {}
    chosen: list[tuple[Standard, bool]] = []
    for key, met in results.items():
        try:
            pk = int(key)
        except (TypeError, ValueError):
            pk = None
        standard = applicable.get(pk) if pk is not None else None
        if standard is None or not isinstance(met, bool):
            errors.setdefault("results", []).append(_("Choose standards that apply to this household."))
            continue
        chosen.append((standard, met))
    done = set(Check.objects.filter(household=node, checked_on=on).values_list("code", flat=True))
    for standard, _met in chosen:
        if standard.code in done:
            errors[standard_field(standard)] = [
                _("“%(standard)s” was already checked at this household today.") % {"standard": standard.name}]
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(first, code="already_checked" if "results" not in errors else "invalid", fields=errors)
    checked_photos = check_photos(photos)
    account = household_account(actor, node)
    user = actor_user(actor)
    rows = []
    # earnings before deductions, so what a visit moves never depends on the order of the standards
    for standard, met in sorted(chosen, key=lambda pair: not pair[1]):
        points = standard.points_met if met else -standard.points_broken
        try:
            with transaction.atomic():
                row = Check.objects.create(household=node, standard=standard, code=standard.code, checked_on=on,
                                           met=met, note=note, points=points, checker=user)
        except IntegrityError:
            message = _("“%(standard)s” was already checked at this household today.") % {"standard": standard.name}
            raise InvalidInput(message, code="already_checked", fields={standard_field(standard): [message]}) from None
        if points:
            _write_points(actor, row, account)
        rows.append(row)
    for f, kind in checked_photos:
        f.seek(0)
        # the photos belong to the visit: kept with its first check, shown with all of them
        CheckPhoto.objects.create(record=rows[0], file=f, content_type=kind, size=f.size)
    for row in rows:
        audit.record(actor=actor, action="civility.check.record", obj=row,
                     after={"household": node.pk, "standard": row.code, "day": on.isoformat(), "met": row.met,
                            "points": row.points, "applied": row.applied, "photos": len(checked_photos)})
    return rows
