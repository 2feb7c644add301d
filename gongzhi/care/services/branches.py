"""Care branches and their rota: a grid party branch takes care duties with its secretary's account;
its carers are its party groups, its party members (the ones paired with a household, 包保, among
them) and volunteers of its area, each with a weekly maximum, weekdays they never take and leave.

Every write is audited; bad input is an `InvalidInput` naming the field; objects outside the
actor's view are `NotFound` (the same answer as absent)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gongzhi.core import audit, scope
from gongzhi.core.actors import Actor
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import require
from gongzhi.party.models import OrgKind, PartyMember, PartyOrganization
from gongzhi.volunteers.models import Volunteer

from ..models import CareBranch, Carer, CarerKind, CarerLeave
from .inputs import date_value, field_error, object_id

REASON_MAX = 200


def _user(value, field: str):
    if value in (None, ""):
        return None
    row = get_user_model().objects.filter(pk=object_id(value), is_active=True).first()
    if row is None:
        raise field_error(field, _("Choose an active user account."))
    return row


def _weekdays(value) -> list[int]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [v for v in value.replace(",", " ").split() if v]
    days = set()
    for v in value:
        try:
            day = int(v)
        except (TypeError, ValueError):
            raise field_error("unavailable_weekdays", _("Weekdays are 0 (Monday) to 6 (Sunday).")) from None
        if day < 0 or day > 6:
            raise field_error("unavailable_weekdays", _("Weekdays are 0 (Monday) to 6 (Sunday)."))
        days.add(day)
    if len(days) == 7:
        raise field_error("unavailable_weekdays", _("A carer must be available on at least one weekday."))
    return sorted(days)


def _max_per_week(value) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise field_error("max_per_week", _("Enter a whole number from 1 to 14.")) from None
    if n < 1 or n > 14:
        raise field_error("max_per_week", _("Enter a whole number from 1 to 14."))
    return n


def visible_branch(actor: Actor, branch) -> CareBranch:
    row = CareBranch.objects.visible_to(actor).select_related("organization", "area").filter(pk=object_id(branch)).first()
    if row is None:
        raise NotFound()
    return row


# --- branches -------------------------------------------------------------------------------------


@transaction.atomic
def branch_create(*, actor: Actor, organization, secretary=None) -> CareBranch:
    """A care branch for a party branch of the actor's area, with its secretary's account."""
    org = PartyOrganization.objects.select_related("area").filter(pk=object_id(organization)).first()
    if org is None or not scope.covers_path(actor, org.area.path):
        raise field_error("organization", _("Choose a party branch of your area."))
    if org.kind not in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH):
        raise field_error("organization", _("Choose a party branch (not a committee or a group)."))
    require(actor, "care.keep_branches", org.area)
    if CareBranch.objects.filter(organization=org).exists():
        raise field_error("organization", _("This party branch already takes care duties."))
    user = _user(secretary, "secretary")
    row = CareBranch.objects.create(organization=org, area=org.area, secretary=user)
    audit.record(actor=actor, action="care.branch.create", obj=row,
                 after={"organization": org.pk, "secretary": user.pk if user else None})
    return row


@transaction.atomic
def branch_update(*, actor: Actor, branch, secretary=None) -> CareBranch:
    """Change the branch secretary (None: none)."""
    row = visible_branch(actor, branch)
    require(actor, "care.keep_branches", row)
    row = CareBranch.objects.select_for_update().get(pk=row.pk)
    before = row.secretary_id
    user = _user(secretary, "secretary")
    row.secretary = user
    row.save(update_fields=["secretary"])
    audit.record(actor=actor, action="care.branch.update", obj=row, before={"secretary": before},
                 after={"secretary": user.pk if user else None})
    return row


# --- carers ---------------------------------------------------------------------------------------


def _identity(branch: CareBranch, kind: str, party_group, member, volunteer):
    """(party_group, member, volunteer, name, default user) for the kind; errors name the field."""
    if kind == CarerKind.GROUP:
        org = PartyOrganization.objects.filter(pk=object_id(party_group), kind=OrgKind.GROUP).first()
        if org is None or not org.path.startswith(branch.organization.path):
            raise field_error("party_group", _("Choose a party group of this branch."))
        return org, None, None, org.name, None
    if kind == CarerKind.MEMBER:
        row = PartyMember.objects.select_related("organization", "user").filter(pk=object_id(member)).first()
        if row is None or not row.organization.path.startswith(branch.organization.path):
            raise field_error("member", _("Choose a party member of this branch."))
        return None, row, None, row.name, row.user
    if kind == CarerKind.VOLUNTEER:
        row = Volunteer.objects.select_related("area", "user").filter(pk=object_id(volunteer)).first()
        area = branch.area.path
        if row is None or not (row.area.path.startswith(area) or area.startswith(row.area.path)):
            raise field_error("volunteer", _("Choose a volunteer of the branch's area."))
        return None, None, row, row.name, row.user
    raise field_error("kind", _("Choose a party group, a party member or a volunteer."))


@transaction.atomic
def carer_add(*, actor: Actor, branch, kind: str, party_group=None, member=None, volunteer=None, user=None,
              max_per_week=2, unavailable_weekdays=()) -> Carer:
    """Put a party group, a party member or a volunteer on the branch's rota; the account told of
    the turns is `user` (for a group: its leader's), else the member's or volunteer's own."""
    row = visible_branch(actor, branch)
    require(actor, "care.keep_plans", row)
    group, mem, vol, name, default_user = _identity(row, kind, party_group, member, volunteer)
    account = _user(user, "user") or default_user
    if kind == CarerKind.GROUP and account is None:
        raise field_error("user", _("Choose the account of the group's leader, who hears of its turns."))
    weekly = _max_per_week(max_per_week)
    weekdays = _weekdays(unavailable_weekdays)
    try:
        with transaction.atomic():
            carer = Carer.objects.create(branch=row, kind=kind, party_group=group, member=mem, volunteer=vol,
                                         name=name[:100], user=account, max_per_week=weekly,
                                         unavailable_weekdays=weekdays)
    except IntegrityError:
        field = {"group": "party_group", "member": "member", "volunteer": "volunteer"}[kind]
        raise field_error(field, _("Already on the branch's rota.")) from None
    audit.record(actor=actor, action="care.carer.add", obj=carer,
                 after={"kind": kind, "name": carer.name, "user": account.pk if account else None,
                        "max_per_week": weekly, "unavailable_weekdays": weekdays})
    return carer


def _locked_carer(actor: Actor, carer) -> Carer:
    row = Carer.objects.visible_to(actor).filter(pk=object_id(carer)).first()
    if row is None:
        raise NotFound()
    row = Carer.objects.select_for_update().select_related("branch__organization").get(pk=row.pk)
    require(actor, "care.keep_plans", row.branch)
    return row


@transaction.atomic
def carer_update(*, actor: Actor, carer, max_per_week=None, unavailable_weekdays=None, user=None) -> Carer:
    """Change a carer's weekly maximum, unavailable weekdays or account (None: unchanged)."""
    row = _locked_carer(actor, carer)
    before = {"max_per_week": row.max_per_week, "unavailable_weekdays": row.unavailable_weekdays, "user": row.user_id}
    if max_per_week is not None:
        row.max_per_week = _max_per_week(max_per_week)
    if unavailable_weekdays is not None:
        row.unavailable_weekdays = _weekdays(unavailable_weekdays)
    if user is not None:
        row.user = _user(user, "user")
    row.save(update_fields=["max_per_week", "unavailable_weekdays", "user"])
    audit.record(actor=actor, action="care.carer.update", obj=row, before=before,
                 after={"max_per_week": row.max_per_week, "unavailable_weekdays": row.unavailable_weekdays,
                        "user": row.user_id})
    return row


@transaction.atomic
def carer_deactivate(*, actor: Actor, carer, active: bool = False) -> Carer:
    """Take a carer off the rota (kept for the history) or back on: the next roster leaves them out."""
    row = _locked_carer(actor, carer)
    before = row.active
    row.active = bool(active)
    row.save(update_fields=["active"])
    audit.record(actor=actor, action="care.carer.update", obj=row, before={"active": before},
                 after={"active": row.active})
    return row


# --- leave ----------------------------------------------------------------------------------------


@transaction.atomic
def leave_add(*, actor: Actor, carer, start_on, end_on, reason: str = "") -> CarerLeave:
    """A carer's leave: no turn of a roster generated later falls inside it."""
    row = _locked_carer(actor, carer)
    start, end = date_value(start_on, "start_on"), date_value(end_on, "end_on")
    if end < start:
        raise field_error("end_on", _("Leave cannot end before it starts."))
    if (end - start).days > 366:
        raise field_error("end_on", _("Leave is at most a year; take the carer off the rota instead."))
    text = (reason or "").strip()
    if len(text) > REASON_MAX:
        raise field_error("reason", _("At most %(count)d characters.") % {"count": REASON_MAX})
    if CarerLeave.objects.filter(carer=row, start_on__lte=end, end_on__gte=start).exists():
        raise field_error("start_on", _("This leave overlaps leave already recorded."))
    leave = CarerLeave.objects.create(carer=row, start_on=start, end_on=end, reason=text)
    audit.record(actor=actor, action="care.leave.add", obj=leave,
                 after={"carer": row.pk, "start_on": start, "end_on": end, "reason": text})
    return leave


@transaction.atomic
def leave_remove(*, actor: Actor, leave) -> None:
    row = CarerLeave.objects.visible_to(actor).filter(pk=object_id(leave)).first()
    if row is None:
        raise NotFound()
    carer = _locked_carer(actor, row.carer_id)
    audit.record(actor=actor, action="care.leave.remove", obj=carer,
                 before={"leave": row.pk, "start_on": row.start_on, "end_on": row.end_on, "reason": row.reason})
    row.delete()
