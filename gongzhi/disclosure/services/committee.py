"""The residents' supervision committee (居务监督委员会): its election, its reviews of items, and
the rectifications (限期整改) it sets, tracked to closure and flagged when late.

The committee is a `meetings.Body` of kind SUPERVISION_COMMITTEE in the community; its members are
the body's members (added through the meetings services when an election elects them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit, notifications, permissions
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, InvalidInput, NotFound
from gongzhi.core.workflow import apply_transition, lock_visible
from gongzhi.meetings.models import Body, BodyKind, BodyMember
from gongzhi.meetings.services import bodies

from ..models import (
    Election,
    ElectionResult,
    Item,
    ItemState,
    Rectification,
    RectificationState,
    Review,
    Verdict,
)
from ..permissions import REMINDED_ROLES
from ..workflow import RECTIFICATION_WORKFLOW
from .items import _community

RECTIFICATION_FIELDS = ["community", "item", "review", "title", "description", "owner", "deadline", "state"]


def committee_of(community: AreaNode) -> Body | None:
    return Body.objects.filter(area=community, kind=BodyKind.SUPERVISION_COMMITTEE, is_active=True).first()


@dataclass(frozen=True)
class Candidate:
    name: str
    votes: int
    elected: bool = False
    user_id: int | None = None
    capacity: str = "member"  # chair for the committee's director (主任)


@transaction.atomic
def election_record(*, actor: Actor, community: AreaNode | int, held_on: dt.date, term_start: dt.date,
                    term_end: dt.date, voters: int, candidates: Sequence[Candidate], note: str = "") -> Election:
    """Record the committee's election: date, votes cast, term, votes per candidate. The elected
    become members of the committee (created on the first election); members not re-elected leave
    it at the start of the new term."""
    node = _community(actor, community, "disclosure.manage_committee")
    if not held_on or not term_start or not term_end or term_end <= term_start:
        message = _("The term ends after it starts.")
        raise InvalidInput(message, fields={"term_end": [message]})
    if isinstance(voters, bool) or not isinstance(voters, int) or voters <= 0:
        message = _("Enter the number of votes cast.")
        raise InvalidInput(message, fields={"voters": [message]})
    if not candidates or not any(c.elected for c in candidates):
        message = _("List the candidates and who was elected.")
        raise InvalidInput(message, fields={"candidates": [message]})
    names = set()
    for c in candidates:
        name = (c.name or "").strip()
        if not name or name in names:
            message = _("Each candidate is named once.")
            raise InvalidInput(message, fields={"candidates": [message]})
        names.add(name)
        if isinstance(c.votes, bool) or not isinstance(c.votes, int) or not 0 <= c.votes <= voters:
            message = _("%(name)s: votes between 0 and the votes cast.") % {"name": name}
            raise InvalidInput(message, fields={"candidates": [message]})
    body = committee_of(node) or bodies.body_create(actor=actor, kind=BodyKind.SUPERVISION_COMMITTEE,
                                                     name=_("Residents' supervision committee"), area=node)
    election = Election(body=body, held_on=held_on, term_start=term_start, term_end=term_end, voters=voters,
                        note=(note or "").strip()[:300])
    audit.save(actor=actor, obj=election, action="disclosure.election.record",
               fields=["body", "held_on", "term_start", "term_end", "voters", "note"])
    User = get_user_model()
    sitting = {m.name: m for m in body.members.filter(left_on__isnull=True)}
    elected_names = set()
    for c in candidates:
        name = c.name.strip()
        member = None
        if c.elected:
            elected_names.add(name)
            member = sitting.get(name)
            if member is None:
                user = User.objects.filter(pk=c.user_id).first() if c.user_id else None
                member = bodies.member_add(actor=actor, body=body, capacity=c.capacity, name="" if user else name,
                                           user=user, title=_("Supervision committee member"), joined_on=term_start)
        ElectionResult.objects.create(election=election, name=name, member=member, votes=c.votes, elected=c.elected)
    for name, member in sitting.items():
        if name not in elected_names:
            bodies.member_remove(actor=actor, member=member, left_on=term_start)
    return election


# --- reviews ---------------------------------------------------------------------------------------


@transaction.atomic
def review_item(*, actor: Actor, item: Item | int, verdict: str, comment: str = "", owner=None,
                deadline: dt.date | None = None) -> Review:
    """A committee member's review of an item (a draft before publication, or a published item):
    approve, question (the comment is the question), or demand correction — which opens a
    rectification with an owner (default: the item's owner) and a deadline."""
    row = lock_visible(Item, actor=actor, pk=item.pk if isinstance(item, Item) else item)
    permissions.require(actor, "disclosure.supervise", row)
    if verdict not in Verdict.values:
        message = _("Choose a valid option.")
        raise InvalidInput(message, fields={"verdict": [message]})
    comment = (comment or "").strip()
    if verdict != Verdict.APPROVE and not comment:
        message = _("Say what is in question or what must be corrected.")
        raise InvalidInput(message, fields={"comment": [message]})
    if row.state == ItemState.SUPERSEDED:
        raise Conflict(_("This version was replaced: review the current one."), code="invalid_transition")
    review = Review(item=row, reviewer=actor_user(actor), verdict=verdict, comment=comment[:5000],
                    after_publication=row.state == ItemState.PUBLISHED)
    audit.save(actor=actor, obj=review, action=f"disclosure.review.{verdict}",
               fields=["item", "reviewer", "verdict", "comment", "after_publication"])
    if verdict == Verdict.CORRECT:
        rectification_create(actor=actor, community=row.community, title=_("Correct: %(title)s") % {"title": row.title},
                             description=comment, owner=owner or row.owner, deadline=deadline, item=row, review=review)
    recipients = [row.owner] if row.owner_id else []
    if verdict != Verdict.APPROVE and recipients:
        transaction.on_commit(lambda: notifications.notify(
            recipients=recipients, title=_("The supervision committee asks about: %(title)s") % {"title": row.title},
            body=comment, url=f"/disclosure/items/{row.pk}/", obj=row, kind="disclosure.reviewed"))
    return review


@transaction.atomic
def rectification_create(*, actor: Actor, community: AreaNode | int, title: str, description: str = "", owner=None,
                         deadline: dt.date | None = None, item: Item | None = None,
                         review: Review | None = None) -> Rectification:
    """A problem to put right by a deadline, owned by someone of the community."""
    node = community if isinstance(community, AreaNode) else AreaNode.objects.filter(pk=community).first()
    if node is None or not AreaNode.objects.visible_to(actor).filter(pk=node.pk).exists():
        raise NotFound(_("Community not found."))
    permissions.require(actor, "disclosure.supervise", node)
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("This field is required."), fields={"title": [_("This field is required.")]})
    if owner is None:
        message = _("Name who puts it right.")
        raise InvalidInput(message, fields={"owner": [message]})
    if not permissions.can(owner, "disclosure.report_rectification", Rectification(community=node, owner=owner)):
        message = _("The owner must be able to act in this community.")
        raise InvalidInput(message, fields={"owner": [message]})
    if deadline is None or deadline < timezone.localdate():
        message = _("Set a deadline from today on.")
        raise InvalidInput(message, fields={"deadline": [message]})
    row = Rectification(community=node, item=item, review=review, title=title[:200], description=description or "",
                        owner=owner, deadline=deadline, created_by=actor_user(actor))
    audit.save(actor=actor, obj=row, action="disclosure.rectification.create", fields=RECTIFICATION_FIELDS)
    transaction.on_commit(lambda: notifications.notify(
        recipients=[owner], title=_("To put right by %(date)s: %(title)s") % {"date": deadline, "title": row.title},
        body=row.description, url=f"/disclosure/rectifications/{row.pk}/", obj=row,
        kind="disclosure.rectification_assigned"))
    return row


def rectification_report(*, actor: Actor, rectification: Rectification | int, report: str) -> Rectification:
    """The owner reports what was done; the committee then accepts or sends it back."""
    report = (report or "").strip()
    if not report:
        message = _("Say what was done.")
        raise InvalidInput(message, fields={"report": [message]})

    def update(row):
        row.report, row.reported_at = report[:5000], timezone.now()
        return ["report", "reported_at"]

    return apply_transition(RECTIFICATION_WORKFLOW, actor=actor, obj=rectification, action="report", update=update)


def rectification_accept(*, actor: Actor, rectification: Rectification | int, note: str = "") -> Rectification:
    def update(row):
        row.closed_at = timezone.now()
        return ["closed_at"]

    return apply_transition(RECTIFICATION_WORKFLOW, actor=actor, obj=rectification, action="accept", update=update,
                            note=note)


def rectification_reject(*, actor: Actor, rectification: Rectification | int, note: str) -> Rectification:
    note = (note or "").strip()
    if not note:
        message = _("Say what is still missing.")
        raise InvalidInput(message, fields={"note": [message]})

    def notify(row):
        notifications.notify(recipients=[row.owner], title=_("Sent back: %(title)s") % {"title": row.title}, body=note,
                             url=f"/disclosure/rectifications/{row.pk}/", obj=row,
                             kind="disclosure.rectification_assigned")

    return apply_transition(RECTIFICATION_WORKFLOW, actor=actor, obj=rectification, action="reject", note=note,
                            notify=notify)


@transaction.atomic
def flag_late_rectifications(*, actor: Actor, today: dt.date | None = None) -> int:
    """Flag (once) every open rectification past its deadline; tell its owner and the community's
    staff. Returns how many were flagged."""
    permissions.require(actor, "disclosure.flag")
    today = today or timezone.localdate()
    late = list(Rectification.objects.select_for_update(skip_locked=True).filter(
        state=RectificationState.OPEN, deadline__lt=today, late_flagged_at__isnull=True))
    if not late:
        return 0
    now = timezone.now()
    Rectification.objects.filter(pk__in=[r.pk for r in late]).update(late_flagged_at=now)
    User = get_user_model()
    for row in late:
        audit.record(actor=actor, action="disclosure.rectification.late", obj=row, after={"deadline": row.deadline})
        staff = list(User.objects.filter(permissions.role_q(REMINDED_ROLES), area_bindings__node=row.community,
                                         is_active=True))
        transaction.on_commit(lambda row=row, staff=staff: notifications.notify(
            recipients=[row.owner, *staff], title=_("Rectification late: %(title)s") % {"title": row.title},
            body=_("It was due on %(date)s.") % {"date": row.deadline}, url=f"/disclosure/rectifications/{row.pk}/",
            obj=row, kind="disclosure.rectification_late"))
    return len(late)


def sitting_members(body: Body) -> list[BodyMember]:
    return list(body.members.filter(left_on__isnull=True).order_by("capacity", "name"))
