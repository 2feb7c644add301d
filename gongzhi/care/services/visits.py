"""Visits recorded at the door (上门记录): who came, when, how they checked in (the code on the
household's card, or a reason), what was done, how the person is, photos. Recording marks the
visitor's turn done (TURN_WORKFLOW), sets the plan's `last_visit_at` and clears the plan's "not
seen" flag. A problem found becomes, with one tap, a case in the pipeline (`visit_to_case`) or a
need in the co-building lists (`visit_to_need`).

The carer on the rota is usually not staff: the case and the need are filed on the carer's behalf
by a system actor once `care.visit` allowed the carer to act for the household, and the audit
records who asked.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.models import Category, Channel
from gongzhi.cases.services.attachments import sniff
from gongzhi.cases.services.intake import case_submit
from gongzhi.core import audit
from gongzhi.core.actors import Actor, SystemActor, actor_user
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import require
from gongzhi.core.workflow import apply_transition

from ..models import (
    CareNeed,
    CarePlan,
    CareVisit,
    CareVisitPhoto,
    CheckIn,
    Condition,
    PlanState,
    Turn,
    TurnState,
)
from ..workflow import TURN_WORKFLOW
from .inputs import field_error, object_id

REASON_MAX = 200
NOTES_MAX = 4000
PHOTOS_MAX = 6
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic")


def plan_for_visit(actor: Actor, plan) -> CarePlan:
    """The active plan if the actor sees it (else 404) and may record its visits (else 403)."""
    row = CarePlan.objects.visible_to(actor).select_related("household", "branch").filter(pk=object_id(plan)).first()
    if row is None:
        raise NotFound()
    require(actor, "care.visit", row)
    if row.state != PlanState.ACTIVE:
        raise field_error("plan", _("This care plan is closed."))
    return row


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


@transaction.atomic
def visit_record(*, actor: Actor, plan, turn=None, check_in_code: str = "", check_in_reason: str = "",
                 done: Sequence[str] = (), notes: str = "", condition: str = Condition.AS_BEFORE,
                 photos: Sequence[UploadedFile] = ()) -> CareVisit:
    """Record a visit by the actor at the plan's household: checked in by the household's code, or
    without it with a reason. The actor's turn (given, or the actor's planned/missed turn of the plan
    for today or earlier) is marked done."""
    row = plan_for_visit(actor, plan)
    code = (check_in_code or "").strip().upper()
    reason = (check_in_reason or "").strip()
    if code:
        if code != (row.checkin_code or "").upper():
            raise field_error("check_in_code", _("This is not the code on the household's card."))
        check_in = CheckIn.CODE
        reason = ""
    else:
        if not reason:
            raise field_error("check_in_reason",
                               _("Enter the code on the household's card, or say why you check in without it."))
        check_in = CheckIn.REASON
    if len(reason) > REASON_MAX:
        raise field_error("check_in_reason", _("At most %(n)d characters.") % {"n": REASON_MAX})
    done = list(dict.fromkeys(done or ()))
    unknown = [d for d in done if d not in CareNeed.values]
    if unknown:
        raise field_error("done", _("Choose from the list what was done."))
    if condition not in Condition.values:
        raise field_error("condition", _("Choose how the person is."))
    notes = (notes or "").strip()
    if len(notes) > NOTES_MAX:
        raise field_error("notes", _("At most %(n)d characters.") % {"n": NOTES_MAX})
    checked = check_photos(photos)
    user = actor_user(actor)
    now = timezone.now()
    turn_row = None
    mine = Turn.objects.filter(plan=row, state__in=(TurnState.PLANNED, TurnState.MISSED), visit__isnull=True)
    if object_id(turn) is not None:
        turn_row = mine.filter(pk=object_id(turn)).select_related("carer").first()
        if turn_row is None or (turn_row.carer.user_id != getattr(user, "pk", None)
                                and row.branch.secretary_id != getattr(user, "pk", None)):
            raise field_error("turn", _("Choose one of your open turns at this household."))
    else:
        turn_row = (mine.filter(carer__user=user, date__lte=timezone.localdate()).select_related("carer")
                    .order_by("-date", "pk").first()) if user is not None else None
    carer = turn_row.carer if turn_row else row.carers.filter(user=user, active=True).order_by("pk").first()
    visit = CareVisit.objects.create(
        plan=row, turn=turn_row, carer=carer, visitor=user, visited_at=now, check_in=check_in,
        check_in_reason=reason, done=done, notes=notes, condition=condition)
    for f, kind in checked:
        f.seek(0)
        CareVisitPhoto.objects.create(visit=visit, file=f, content_type=kind, size=f.size)
    if turn_row is not None:
        locked = Turn.objects.select_for_update().get(pk=turn_row.pk)
        apply_transition(TURN_WORKFLOW, actor=actor, obj=locked, action="visit", locked=True)
    CarePlan.objects.filter(pk=row.pk).update(last_visit_at=now, overdue_flagged_at=None, updated_at=now)
    audit.record(actor=actor, action="care.visit.record", obj=visit,
                 after={"plan": row.pk, "turn": turn_row.pk if turn_row else None, "check_in": check_in,
                        "done": done, "condition": condition, "photos": len(checked)})
    return visit


def _locked_visit(actor: Actor, visit) -> CareVisit:
    row = CareVisit.objects.visible_to(actor).filter(pk=object_id(visit)).first()
    if row is None:
        raise NotFound()
    locked = CareVisit.objects.select_for_update().select_related("plan__household", "plan__branch").get(pk=row.pk)
    require(actor, "care.visit", locked.plan)
    return locked


def _on_behalf(actor: Actor, label: str) -> SystemActor:
    return SystemActor(label=label, on_behalf_of=actor_user(actor))


@transaction.atomic
def visit_to_case(*, actor: Actor, visit, category, title: str = "", description: str = ""):
    """One tap: a case in the pipeline (channel "visit", at the household) from the visit's notes."""
    locked = _locked_visit(actor, visit)
    if locked.case_id:
        raise field_error("category", _("This visit already became a case."))
    row = Category.objects.filter(pk=object_id(category), is_active=True, parent__isnull=False).first()
    if row is None:
        raise field_error("category", _("Choose the matter of the case."))
    text = (description or locked.notes or "").strip()
    if not text:
        raise field_error("description", _("Describe the problem found."))
    case = case_submit(actor=_on_behalf(actor, "care:visit"), channel=Channel.VISIT, category=row,
                       title=(title or text.splitlines()[0]).strip()[:60], description=text,
                       location=locked.plan.household)
    locked.case = case
    locked.save(update_fields=["case"])
    audit.record(actor=actor, action="care.visit.to_case", obj=locked, after={"case": case.reference})
    return case


@transaction.atomic
def visit_to_need(*, actor: Actor, visit, category, title: str = "", description: str = ""):
    """One tap: a need in the co-building lists for the household's area, from the visit."""
    from gongzhi.cobuilding.services.needs import need_raise

    locked = _locked_visit(actor, visit)
    if locked.need_id:
        raise field_error("category", _("This visit already became a co-building need."))
    text = (description or locked.notes or "").strip()
    title = (title or (text.splitlines()[0] if text else "")).strip()[:60]
    if not title:
        raise field_error("title", _("Give the need a short title."))
    need = need_raise(actor=_on_behalf(actor, "care:visit"), area=locked.plan.household, category=category,
                      title=title, description=text)
    locked.need = need
    locked.save(update_fields=["need"])
    audit.record(actor=actor, action="care.visit.to_need", obj=locked, after={"need": need.pk})
    return need
