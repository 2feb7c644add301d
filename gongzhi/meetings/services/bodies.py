"""Bodies, their members and the meetings they owe (cadences)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode, Estate, Unit
from gongzhi.core import audit, permissions
from gongzhi.core.actors import Actor
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.pii import mask, redact
from gongzhi.core.workflow import lock_visible
from gongzhi.party.models import Alliance, PartyMember, PartyOrganization

from ..models import (
    PARTY_LIFE_CADENCES,
    AgendaItem,
    Body,
    BodyCadence,
    BodyKind,
    BodyMember,
    Cadence,
    Meeting,
    MeetingKind,
    MeetingState,
    MemberRole,
    QuorumRule,
    ThemeDayContent,
)
from .meetings import checked_phone

BODY_FIELDS = ["kind", "name", "area", "alliance", "party_organization", "estate", "quorum_rule", "description", "is_active"]
MEMBER_FIELDS = ["body", "capacity", "name", "title", "user", "party_member", "unit", "joined_on", "left_on"]
PARTY_KINDS = (BodyKind.PARTY_BRANCH, BodyKind.PARTY_GROUP)


def describe_member(member: BodyMember) -> dict:
    """A member as the audit log keeps it: the phone masked, never the number."""
    data = audit.snapshot(member, MEMBER_FIELDS)
    data["phone"] = mask("phone", member.phone or "") if member.phone else ""
    return data


def _text(value: str, field: str, *, required: bool = True, limit: int = 100) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("This field is required."), fields={field: [_("This field is required.")]})
    if len(value) > limit:
        message = _("At most %(n)d characters.") % {"n": limit}
        raise InvalidInput(message, fields={field: [message]})
    return value


def _check_cadence(cadence: str, field: str = "cadence") -> None:
    if cadence not in Cadence.values:
        raise InvalidInput(_("Choose a valid cadence."), fields={field: [_("Choose a valid cadence.")]})


@transaction.atomic
def body_create(
    *,
    actor: Actor,
    kind: str,
    name: str,
    area: AreaNode,
    cadence: str = Cadence.NONE,
    quorum_rule: str = QuorumRule.MORE_THAN_HALF,
    alliance: Alliance | None = None,
    party_organization: PartyOrganization | None = None,
    estate: Estate | None = None,
    description: str = "",
) -> Body:
    """A new body in `area`, owing a regular meeting every `cadence`. A party branch also owes the
    三会一课 and the monthly theme day (`PARTY_LIFE_CADENCES`)."""
    permissions.require(actor, "meetings.manage_body", area)
    if kind not in BodyKind.values:
        raise InvalidInput(_("Choose a valid kind of body."), fields={"kind": [_("Choose a valid kind of body.")]})
    _check_cadence(cadence)
    if quorum_rule not in QuorumRule.values:
        raise InvalidInput(_("Choose a valid quorum rule."), fields={"quorum_rule": [_("Choose a valid quorum rule.")]})
    if estate is not None and not estate.community.path.startswith(area.path) and not area.path.startswith(estate.community.path):
        message = _("The estate lies outside the body's area.")
        raise InvalidInput(message, fields={"estate": [message]})
    body = Body(
        kind=kind, name=_text(name, "name"), area=area, quorum_rule=quorum_rule, alliance=alliance,
        party_organization=party_organization, estate=estate, description=(description or "").strip(),
    )
    audit.save(actor=actor, obj=body, action="meetings.body.create", fields=BODY_FIELDS)
    if kind == BodyKind.PARTY_BRANCH:
        for meeting_kind, every in PARTY_LIFE_CADENCES.items():
            BodyCadence.objects.create(body=body, kind=meeting_kind, cadence=every)
    elif kind == BodyKind.PARTY_GROUP:
        BodyCadence.objects.create(body=body, kind=MeetingKind.GROUP_MEETING, cadence=Cadence.MONTHLY)
    elif cadence != Cadence.NONE:
        BodyCadence.objects.create(body=body, kind=MeetingKind.REGULAR, cadence=cadence)
    return body


@transaction.atomic
def body_update(
    *,
    actor: Actor,
    body: Body,
    name: str,
    quorum_rule: str,
    description: str = "",
    is_active: bool = True,
) -> Body:
    body = audit.lock(Body, body.pk)
    permissions.require(actor, "meetings.manage_body", body)
    before = audit.snapshot(body, BODY_FIELDS)
    if quorum_rule not in QuorumRule.values:
        raise InvalidInput(_("Choose a valid quorum rule."), fields={"quorum_rule": [_("Choose a valid quorum rule.")]})
    body.name, body.quorum_rule = _text(name, "name"), quorum_rule
    body.description, body.is_active = (description or "").strip(), is_active
    return audit.save(actor=actor, obj=body, action="meetings.body.update", fields=BODY_FIELDS, before=before)


@transaction.atomic
def cadence_set(*, actor: Actor, body: Body, kind: str = MeetingKind.REGULAR, cadence: str) -> BodyCadence | None:
    """The body owes a meeting of `kind` every `cadence` (Cadence.NONE: no longer)."""
    body = audit.lock(Body, body.pk)
    permissions.require(actor, "meetings.manage_body", body)
    _check_cadence(cadence)
    if kind not in MeetingKind.values or kind == MeetingKind.COORDINATION:
        raise InvalidInput(_("Choose a valid kind of meeting."), fields={"kind": [_("Choose a valid kind of meeting.")]})
    row = BodyCadence.objects.filter(body=body, kind=kind).first()
    before = {"cadence": row.cadence} if row else None
    if cadence == Cadence.NONE:
        if row is not None:
            row.delete()
            audit.record(actor=actor, action="meetings.cadence.remove", obj=body, before={"kind": kind, **before})
        return None
    if row is None:
        row = BodyCadence.objects.create(body=body, kind=kind, cadence=cadence)
    elif row.cadence != cadence:
        row.cadence = cadence
        row.save(update_fields=["cadence"])
    else:
        return row
    audit.record(actor=actor, action="meetings.cadence.set", obj=body, before=before, after={"kind": kind, "cadence": cadence})
    return row


def _member_person(
    *, user, party_member: PartyMember | None, unit: Unit | None, name: str, body: Body
) -> str:
    """The name shown for a member (from the account, the registry or the unit when not given)."""
    if party_member is not None and not party_member.organization.area.path.startswith(body.area.path[:4]):
        message = _("The party member belongs to another district.")
        raise InvalidInput(message, fields={"party_member": [message]})
    name = (name or "").strip()
    if not name:
        if user is not None:
            name = user.display_name or user.get_full_name() or user.username
        elif party_member is not None:
            name = party_member.name
        elif unit is not None:
            name = unit.contact_name or unit.name
    return _text(name, "name", limit=50)


@transaction.atomic
def member_add(
    *,
    actor: Actor,
    body: Body,
    capacity: str = MemberRole.MEMBER,
    name: str = "",
    title: str = "",
    user=None,
    party_member: PartyMember | None = None,
    unit: Unit | None = None,
    phone: str = "",
    joined_on: dt.date | None = None,
) -> BodyMember:
    body = audit.lock(Body, body.pk)
    permissions.require(actor, "meetings.manage_body", body)
    if capacity not in MemberRole.values:
        raise InvalidInput(_("Choose a valid role."), fields={"capacity": [_("Choose a valid role.")]})
    if user is not None and BodyMember.objects.filter(body=body, user=user, left_on__isnull=True).exists():
        message = _("This person already sits on the body.")
        raise InvalidInput(message, fields={"user": [message]})
    if party_member is not None and BodyMember.objects.filter(
        body=body, party_member=party_member, left_on__isnull=True
    ).exists():
        message = _("This party member already sits on the body.")
        raise InvalidInput(message, fields={"party_member": [message]})
    member = BodyMember(
        body=body, capacity=capacity, title=_text(title, "title", required=False),
        name=_member_person(user=user, party_member=party_member, unit=unit, name=name, body=body),
        user=user, party_member=party_member, unit=unit, phone=checked_phone(phone),
        joined_on=joined_on or timezone.localdate(),
    )
    return audit.save(actor=actor, obj=member, action="meetings.body_member.add", fields=MEMBER_FIELDS,
                      describe=describe_member)


@transaction.atomic
def member_update(
    *, actor: Actor, member: BodyMember, capacity: str, name: str, title: str = "", phone: str | None = None
) -> BodyMember:
    member = audit.lock(BodyMember, member.pk)
    permissions.require(actor, "meetings.manage_body", member.body)
    if capacity not in MemberRole.values:
        raise InvalidInput(_("Choose a valid role."), fields={"capacity": [_("Choose a valid role.")]})
    before = describe_member(member)
    member.capacity, member.name, member.title = capacity, _text(name, "name", limit=50), _text(title, "title", required=False)
    if phone is not None:
        member.phone = checked_phone(phone)
    return audit.save(actor=actor, obj=member, action="meetings.body_member.update", fields=MEMBER_FIELDS,
                      before=before, describe=describe_member)


@transaction.atomic
def member_remove(*, actor: Actor, member: BodyMember, left_on: dt.date | None = None) -> BodyMember:
    """The member leaves the body (kept for the record of past meetings)."""
    member = audit.lock(BodyMember, member.pk)
    permissions.require(actor, "meetings.manage_body", member.body)
    if member.left_on is not None:
        return member
    before = describe_member(member)
    member.left_on = left_on or timezone.localdate()
    return audit.save(actor=actor, obj=member, action="meetings.body_member.remove", fields=MEMBER_FIELDS,
                      before=before, describe=describe_member)


@transaction.atomic
def theme_day_content_save(
    *, actor: Actor, district: AreaNode, position: int, title: str, is_active: bool = True
) -> ThemeDayContent:
    """One of the district's fixed contents of the monthly theme party day (by position)."""
    permissions.require(actor, "meetings.manage_theme_day", district)
    if district.kind != AreaKind.DISTRICT:
        message = _("Fixed contents are set by a district.")
        raise InvalidInput(message, fields={"district": [message]})
    row = ThemeDayContent.objects.select_for_update().filter(district=district, position=position).first()
    before = audit.snapshot(row, ["title", "is_active"]) if row else None
    row = row or ThemeDayContent(district=district, position=position)
    row.title, row.is_active = _text(title, "title"), is_active
    return audit.save(actor=actor, obj=row, action="meetings.theme_day_content.save",
                      fields=["district", "position", "title", "is_active"], before=before)


def member_reveal_phone(*, actor: Actor, member: BodyMember, reason: str = "") -> str:
    """The full phone number of one member of a body, for a user the gate lets reveal it
    ("meetings.reveal_phone"); every call is an audit event ("meetings.body_member.reveal": by whom
    and why — never the number). A member outside the user's scope is not found."""
    found = BodyMember.objects.visible_to(actor).select_related("body__area").filter(pk=member.pk).first()
    if found is None:
        raise NotFound()
    permissions.require(actor, "meetings.reveal_phone", found)
    audit.record(actor=actor, action="meetings.body_member.reveal", obj=found, after={"fields": ["phone"]},
                 note=redact((reason or "").strip())[:500])
    return found.phone


@transaction.atomic
def theme_day_add_item(*, actor: Actor, meeting: Meeting, title: str, notes: str = "") -> AgendaItem:
    """The branch's own item (the "X" of "4+X") on a theme party day, after the district's fixed
    contents; the branch's officers or the area's staff add it before the day is held."""
    meeting = lock_visible(Meeting, actor=actor, pk=meeting.pk)
    permissions.require(actor, "meetings.convene", meeting)
    if meeting.kind != MeetingKind.THEME_DAY:
        message = _("Only a theme party day takes the branch's own items.")
        raise InvalidInput(message, fields={"title": [message]})
    if meeting.state not in (MeetingState.PLANNED, MeetingState.NOTIFIED):
        message = _("The agenda of a meeting that has begun or ended does not change.")
        raise InvalidInput(message, fields={"title": [message]})
    last = AgendaItem.objects.filter(meeting=meeting).order_by("-position").values_list("position", flat=True).first()
    item = AgendaItem(meeting=meeting, position=(last or 0) + 1, title=_text(title, "title", limit=200),
                      notes=(notes or "").strip()[:2000], is_fixed_content=False)
    return audit.save(actor=actor, obj=item, action="meetings.agenda_item.save",
                      fields=["meeting", "position", "title", "notes", "is_fixed_content"])
