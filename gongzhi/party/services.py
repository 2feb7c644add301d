"""Writes to the party organisation tree, its members and the alliances. Each function is one
transaction: it checks that the actor may manage that part of the tree (within their area scope),
validates kinds, parents and areas, writes, and records an audit event."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode, Unit
from gongzhi.core import audit, permissions
from gongzhi.core.actors import Actor
from gongzhi.core.errors import InvalidInput, NotFound, invalid_from_validation_error
from gongzhi.core.pii import mask_phone, redact

from .models import (
    ALLIANCE_AREA_KIND,
    ALLOWED_AREA_KINDS,
    ALLOWED_PARENTS,
    DEFAULT_CADENCE,
    MEMBER_ORG_KINDS,
    UNIT_KINDS,
    Alliance,
    AllianceLevel,
    AllianceMember,
    AllianceRole,
    MeetingCadence,
    MemberStatus,
    OrgKind,
    PartyMember,
    PartyOrganization,
)
from .permissions import Placement

ORG_FIELDS = [
    "kind", "name", "code", "area", "unit", "is_grid_branch", "secretary_name", "founded_on", "is_active", "path",
]
ORG_EDITABLE = {"name", "code", "area", "unit", "is_grid_branch", "secretary_name", "founded_on", "is_active"}
MEMBER_FIELDS = [
    "name", "gender", "birth_year", "joined_on", "organization", "user", "status", "is_in_service", "employer",
    "employer_name", "home_community", "phone",
]
MEMBER_EDITABLE = set(MEMBER_FIELDS) - {"organization"}
ALLIANCE_FIELDS = ["level", "name", "area", "leading_organization", "meeting_cadence", "is_active"]
ALLIANCE_EDITABLE = {"name", "leading_organization", "meeting_cadence", "is_active"}
ALLIANCE_MEMBER_FIELDS = ["alliance", "unit", "representative_name", "representative_title", "role", "joined_on"]
ALLIANCE_MEMBER_EDITABLE = {"representative_name", "representative_title", "role", "joined_on"}

# --- validation helpers ------------------------------------------------------------------------


def _required_text(value: str | None, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message, fields={field: [_("This field is required.")]})
    return value


def _refuse(field: str, message: str) -> None:
    raise InvalidInput(message, fields={field: [message]})


def _full_clean(obj, *, exclude: list[str] | None = None, validate_constraints: bool = True) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_constraints=validate_constraints)
    except ValidationError as exc:
        raise invalid_from_validation_error(exc) from exc


def _kind_label(kind: str | None) -> str:
    return str(OrgKind(kind).label) if kind else _("(top of the tree)")


def check_organization(
    *,
    kind: str,
    name: str,
    parent: PartyOrganization | None,
    area: AreaNode | None,
    unit: Unit | None = None,
    is_grid_branch: bool = False,
    code: str = "",
    exclude_pk: int | None = None,
) -> str:
    """Refuse (InvalidInput naming the field) an organisation that would not fit the tree; returns
    the cleaned name. Used by the services and by the admin form before saving."""
    if kind not in OrgKind.values:
        _refuse("kind", _("Choose a valid kind of party organisation."))
    name = _required_text(name, "name", _("The name of the party organisation is required."))
    parent_kind = parent.kind if parent else None
    if parent_kind not in ALLOWED_PARENTS[kind]:
        allowed = "、".join(_kind_label(k) for k in ALLOWED_PARENTS[kind])
        _refuse(
            "parent",
            _("A %(kind)s cannot be placed under a %(parent)s; its parent must be: %(allowed)s.")
            % {"kind": _kind_label(kind), "parent": _kind_label(parent_kind), "allowed": allowed},
        )
    if area is None:
        _refuse("area", _("Choose the area node the organisation is attached to."))
    allowed_areas = (AreaKind.GRID,) if is_grid_branch else ALLOWED_AREA_KINDS[kind]
    if is_grid_branch and kind != OrgKind.BRANCH:
        _refuse("is_grid_branch", _("Only a party branch can be a grid branch."))
    if area.kind not in allowed_areas:
        _refuse(
            "area",
            _("A %(kind)s is attached to an area node of kind: %(allowed)s; %(area)s is a %(area_kind)s.")
            % {
                "kind": _("grid branch") if is_grid_branch else _kind_label(kind),
                "allowed": "、".join(str(AreaKind(k).label) for k in allowed_areas),
                "area": area.name,
                "area_kind": AreaKind(area.kind).label,
            },
        )
    if parent is not None and not area.path.startswith(parent.area.path):
        _refuse(
            "area",
            _("The area %(area)s lies outside the area of the parent organisation %(parent)s (%(parent_area)s).")
            % {"area": area.name, "parent": parent.name, "parent_area": parent.area.name},
        )
    if unit is not None:
        if kind not in UNIT_KINDS:
            _refuse("unit", _("Only a branch or general branch can sit in a resident unit."))
        if not (unit.area.path.startswith(area.path) or area.path.startswith(unit.area.path)):
            _refuse("unit", _("The unit %(unit)s is registered outside the organisation's area.") % {"unit": unit.name})
    code = (code or "").strip()
    if code:
        clash = PartyOrganization.objects.filter(code=code)
        if exclude_pk:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            _refuse("code", _("The organisation code %(code)s is already used.") % {"code": code})
    return name


# --- organisations -----------------------------------------------------------------------------


@transaction.atomic
def organization_create(
    *,
    actor: Actor,
    parent: PartyOrganization | None,
    kind: str,
    name: str,
    area: AreaNode | None,
    code: str = "",
    unit: Unit | None = None,
    is_grid_branch: bool = False,
    secretary_name: str = "",
    founded_on: datetime.date | None = None,
    is_active: bool = True,
) -> PartyOrganization:
    if area is None:
        _refuse("area", _("Choose the area node the organisation is attached to."))
    permissions.require(actor, "party.manage_organization", Placement(kind, area))
    if parent is not None:
        parent = PartyOrganization.objects.select_for_update().select_related("area").get(pk=parent.pk)
    name = check_organization(
        kind=kind, name=name, parent=parent, area=area, unit=unit, is_grid_branch=is_grid_branch, code=code
    )
    org = PartyOrganization(
        kind=kind,
        name=name,
        code=(code or "").strip(),
        area=area,
        unit=unit,
        is_grid_branch=is_grid_branch,
        secretary_name=(secretary_name or "").strip(),
        founded_on=founded_on,
        is_active=is_active,
    )
    _full_clean(org, exclude=["path", "depth", "numchild"])
    manager = PartyOrganization.objects
    org = manager.add_child(parent, instance=org) if parent is not None else manager.add_root(instance=org)
    audit.record(actor=actor, action="party.organization.create", obj=org, after=audit.snapshot(org, ORG_FIELDS))
    return org


@transaction.atomic
def organizations_bulk_create(
    *, actor: Actor, parent: PartyOrganization, children: list[dict[str, Any]]
) -> list[PartyOrganization]:
    """Create many children of one parent in a few queries (imports, demo and benchmark data).

    Each dict holds kind, name, area and optionally code, unit, is_grid_branch, secretary_name,
    founded_on. Everything is validated before anything is written."""
    if not children:
        return []
    parent = PartyOrganization.objects.select_for_update().select_related("area").get(pk=parent.pk)
    codes: set[str] = set()
    orgs = []
    for index, spec in enumerate(children):
        kind, area = spec.get("kind", ""), spec.get("area")
        permissions.require(actor, "party.manage_organization", Placement(kind, area))
        try:
            name = check_organization(
                kind=kind,
                name=spec.get("name", ""),
                parent=parent,
                area=area,
                unit=spec.get("unit"),
                is_grid_branch=spec.get("is_grid_branch", False),
                code=spec.get("code", ""),
            )
        except InvalidInput as exc:
            raise InvalidInput(
                exc.message, fields={f"children.{index}.{k}": v for k, v in exc.fields.items()}
            ) from exc
        code = (spec.get("code") or "").strip()
        if code:
            if code in codes:
                message = _("The organisation code %(code)s appears twice.") % {"code": code}
                raise InvalidInput(message, fields={f"children.{index}.code": [message]})
            codes.add(code)
        orgs.append(
            PartyOrganization(
                kind=kind,
                name=name,
                code=code,
                area=area,
                unit=spec.get("unit"),
                is_grid_branch=spec.get("is_grid_branch", False),
                secretary_name=(spec.get("secretary_name") or "").strip(),
                founded_on=spec.get("founded_on"),
            )
        )
    last_path = PartyOrganization.objects.get_children(parent).aggregate(m=Max("path"))["m"]
    next_step = (int(last_path[-PartyOrganization.steplen :], 36) + 1) if last_path else 1
    depth = parent.depth + 1
    for offset, org in enumerate(orgs):
        org.path = PartyOrganization._get_path(parent.path, depth, next_step + offset)
        org.depth, org.numchild = depth, 0
    PartyOrganization.objects.bulk_create(orgs, batch_size=500)
    PartyOrganization.objects.filter(pk=parent.pk).update(numchild=parent.numchild + len(orgs))
    paths = [o.path for o in orgs]
    created = list(PartyOrganization.objects.filter(path__in=paths).select_related("area").order_by("path"))
    audit.record(
        actor=actor,
        action="party.organization.bulk_create",
        obj=parent,
        after={"children": [o.name for o in created]},
        note=_("%(n)d organisations created") % {"n": len(created)},
    )
    return created


@transaction.atomic
def organization_update(*, actor: Actor, organization: PartyOrganization, **changes: Any) -> PartyOrganization:
    """Change an organisation's fields (name, code, area, unit, is_grid_branch, secretary_name,
    founded_on, is_active). Its place in the tree changes only through `organization_move`."""
    unknown = set(changes) - ORG_EDITABLE
    if unknown:
        field = sorted(unknown)[0]
        _refuse(field, _("The field “%(field)s” cannot be changed here.") % {"field": field})
    org = audit.lock(PartyOrganization, organization.pk)
    permissions.require(actor, "party.manage_organization", Placement(org.kind, org.area))
    before = audit.snapshot(org, ORG_FIELDS)
    for key, value in changes.items():
        setattr(org, key, value.strip() if isinstance(value, str) else value)
    if org.area_id is None:
        _refuse("area", _("Choose the area node the organisation is attached to."))
    permissions.require(actor, "party.manage_organization", Placement(org.kind, org.area))
    parent = PartyOrganization.objects.get_parent(org)
    org.name = check_organization(
        kind=org.kind,
        name=org.name,
        parent=parent,
        area=org.area,
        unit=org.unit,
        is_grid_branch=org.is_grid_branch,
        code=org.code,
        exclude_pk=org.pk,
    )
    if "area" in changes:
        outside = (
            PartyOrganization.objects.get_descendants(org)
            .exclude(area__path__startswith=org.area.path)
            .values_list("name", flat=True)[:5]
        )
        if outside:
            _refuse(
                "area",
                _("These organisations below would lie outside the new area: %(names)s")
                % {"names": "、".join(outside)},
            )
    return audit.save(actor=actor, obj=org, action="party.organization.update", fields=ORG_FIELDS, before=before,
                      clean_exclude=["path", "depth", "numchild"])


@transaction.atomic
def organization_move(
    *, actor: Actor, organization: PartyOrganization, new_parent: PartyOrganization
) -> PartyOrganization:
    """Move an organisation (with everything below it) under `new_parent`."""
    org = PartyOrganization.objects.select_for_update().select_related("area").get(pk=organization.pk)
    new_parent = PartyOrganization.objects.select_for_update().select_related("area").get(pk=new_parent.pk)
    old_parent = PartyOrganization.objects.get_parent(org)
    permissions.require(actor, "party.manage_organization", Placement(org.kind, org.area))
    permissions.require(actor, "party.manage_organization", Placement(org.kind, new_parent.area))
    if new_parent.path.startswith(org.path):
        _refuse("parent", _("An organisation cannot be moved under itself or one of the organisations below it."))
    check_organization(
        kind=org.kind,
        name=org.name,
        parent=new_parent,
        area=org.area,
        unit=org.unit,
        is_grid_branch=org.is_grid_branch,
        exclude_pk=org.pk,
        code=org.code,
    )
    before = {"parent": old_parent.pk if old_parent else None, "path": org.path}
    if old_parent is None or old_parent.pk != new_parent.pk:
        PartyOrganization.objects.move(org, new_parent, pos="last-child")
    org.refresh_from_db()
    audit.record(
        actor=actor,
        action="party.organization.move",
        obj=org,
        before=before,
        after={"parent": new_parent.pk, "path": org.path},
        note=_("moved under %(parent)s") % {"parent": new_parent.name},
    )
    return org


def organization_delete_problem(org: PartyOrganization) -> tuple[str, str] | None:
    """Why `org` cannot be deleted (field, message), or None."""
    if PartyOrganization.objects.get_children_count(org):
        return "children", _("The organisation still has organisations below it; move or delete them first.")
    if org.members.exists():
        return "members", _("The organisation still has members; transfer them first.")
    if org.led_alliances.exists():
        return "alliances", _("The organisation leads an alliance; hand the alliance over first.")
    return None


@transaction.atomic
def organization_delete(*, actor: Actor, organization: PartyOrganization) -> None:
    org = PartyOrganization.objects.select_for_update().select_related("area").get(pk=organization.pk)
    permissions.require(actor, "party.manage_organization", Placement(org.kind, org.area))
    problem = organization_delete_problem(org)
    if problem:
        _refuse(*problem)
    audit.record(actor=actor, action="party.organization.delete", obj=org, before=audit.snapshot(org, ORG_FIELDS))
    org.delete()


# --- members -----------------------------------------------------------------------------------


def _member_snapshot(member: PartyMember) -> dict:
    """The audited values of a member: the phone masked, never the number."""
    data = audit.snapshot(member, MEMBER_FIELDS)
    data["phone"] = mask_phone(data.get("phone", ""))
    return data


def _check_member_org(organization: PartyOrganization | None, field: str = "organization") -> None:
    if organization is None:
        _refuse(field, _("Choose the party branch or party group the member belongs to."))
    if organization.kind not in MEMBER_ORG_KINDS:
        _refuse(field, _("A member belongs to a party branch or a party group, not to a %(kind)s.")
                % {"kind": OrgKind(organization.kind).label})


def _check_member_values(member: PartyMember) -> None:
    member.name = _required_text(member.name, "name", _("The member's name is required."))
    member.phone = (member.phone or "").strip()
    member.employer_name = (member.employer_name or "").strip()
    if member.status not in MemberStatus.values:
        _refuse("status", _("Choose a valid member status."))


@transaction.atomic
def member_add(
    *,
    actor: Actor,
    organization: PartyOrganization,
    name: str,
    gender: str = "",
    birth_year: int | None = None,
    joined_on: datetime.date | None = None,
    status: str = MemberStatus.FULL,
    phone: str = "",
    user=None,
    is_in_service: bool = False,
    employer: Unit | None = None,
    employer_name: str = "",
    home_community: AreaNode | None = None,
) -> PartyMember:
    _check_member_org(organization)
    permissions.require(actor, "party.manage_members", organization)
    member = PartyMember(
        organization=organization,
        name=name,
        gender=gender,
        birth_year=birth_year,
        joined_on=joined_on,
        status=status,
        phone=phone,
        user=user,
        is_in_service=is_in_service,
        employer=employer,
        employer_name=employer_name,
        home_community=home_community,
    )
    _check_member_values(member)
    _full_clean(member)
    member.save()
    audit.record(actor=actor, action="party.member.add", obj=member, after=_member_snapshot(member))
    return member


@transaction.atomic
def members_bulk_add(*, actor: Actor, organization: PartyOrganization, members: list[dict[str, Any]]) -> int:
    """Add many members to one branch or group (imports and demo data); all or nothing."""
    _check_member_org(organization)
    permissions.require(actor, "party.manage_members", organization)
    objs = []
    users = set()
    for index, spec in enumerate(members):
        member = PartyMember(organization=organization, **spec)
        try:
            _check_member_values(member)
            # Related objects come as instances: skip the per-row existence queries of clean_fields.
            _full_clean(member, exclude=["organization", "user", "employer", "home_community"],
                        validate_constraints=False)
        except InvalidInput as exc:
            raise InvalidInput(exc.message, fields={f"members.{index}.{k}": v for k, v in exc.fields.items()}) from exc
        member.fill_personal_copies()  # bulk_create does not call save()
        if member.user_id:
            if member.user_id in users or PartyMember.objects.filter(user_id=member.user_id).exists():
                message = _("This user account is already linked to another party member.")
                raise InvalidInput(message, fields={f"members.{index}.user": [message]})
            users.add(member.user_id)
        objs.append(member)
    PartyMember.objects.bulk_create(objs, batch_size=500)
    audit.record(
        actor=actor,
        action="party.member.bulk_add",
        obj=organization,
        after={"members": len(objs)},
        note=_("%(n)d members added") % {"n": len(objs)},
    )
    return len(objs)


@transaction.atomic
def member_update(*, actor: Actor, member: PartyMember, **changes: Any) -> PartyMember:
    """Change a member's details; the organisation changes only through `member_transfer`."""
    unknown = set(changes) - MEMBER_EDITABLE
    if unknown:
        field = sorted(unknown)[0]
        _refuse(field, _("The field “%(field)s” cannot be changed here.") % {"field": field})
    member = PartyMember.objects.select_for_update().select_related("organization__area").get(pk=member.pk)
    permissions.require(actor, "party.manage_members", member.organization)
    before = _member_snapshot(member)
    for key, value in changes.items():
        setattr(member, key, value)
    _check_member_values(member)
    _full_clean(member)
    member.save()
    b, a = audit.diff(before, _member_snapshot(member))
    audit.record(actor=actor, action="party.member.update", obj=member, before=b, after=a)
    return member


@transaction.atomic
def member_transfer(
    *, actor: Actor, member: PartyMember, organization: PartyOrganization, note: str = ""
) -> PartyMember:
    """Transfer a member's relationship (组织关系转接) to another branch or group."""
    member = PartyMember.objects.select_for_update().select_related("organization__area").get(pk=member.pk)
    _check_member_org(organization)
    permissions.require(actor, "party.manage_members", member.organization)
    permissions.require(actor, "party.manage_members", organization)
    if organization.pk == member.organization_id:
        _refuse("organization", _("The member already belongs to this organisation."))
    old = member.organization
    member.organization = organization
    member.save(update_fields=["organization"])
    audit.record(
        actor=actor,
        action="party.member.transfer",
        obj=member,
        before={"organization": old.pk, "organization_name": old.name},
        after={"organization": organization.pk, "organization_name": organization.name},
        note=note,
    )
    # The sending organisation sees the transfer in its history too.
    audit.record(
        actor=actor,
        action="party.member.transfer_out",
        obj=old,
        after={"member": member.pk, "to": organization.pk},
        note=_("%(member)s transferred to %(org)s") % {"member": member.name, "org": organization.name},
    )
    return member


@transaction.atomic
def member_delete(*, actor: Actor, member: PartyMember) -> None:
    member = PartyMember.objects.select_for_update().select_related("organization__area").get(pk=member.pk)
    permissions.require(actor, "party.manage_members", member.organization)
    audit.record(actor=actor, action="party.member.delete", obj=member, before=_member_snapshot(member))
    member.delete()


@transaction.atomic
def member_reveal_phone(*, actor: Actor, member: PartyMember, reason: str = "") -> str:
    """The full phone number of one member, for a user the gate lets reveal it ("party.reveal_phone");
    every call is an audit event ("party.member.reveal": by whom, why — never the number). A member
    outside the user's scope is not found."""
    found = PartyMember.objects.visible_to(actor).select_related("organization__area", "home_community").filter(
        pk=member.pk).first()
    if found is None:
        raise NotFound()
    permissions.require(actor, "party.reveal_phone", found)
    audit.record(actor=actor, action="party.member.reveal", obj=found, after={"fields": ["phone"]},
                 note=redact(reason.strip())[:500])
    return found.phone


# --- alliances ---------------------------------------------------------------------------------


@transaction.atomic
def alliance_create(
    *,
    actor: Actor,
    level: str,
    name: str,
    area: AreaNode | None,
    leading_organization: PartyOrganization | None,
    meeting_cadence: str = "",
    is_active: bool = True,
) -> Alliance:
    if level not in AllianceLevel.values:
        _refuse("level", _("Choose a valid alliance level."))
    if area is None:
        _refuse("area", _("Choose the area of the alliance."))
    permissions.require(actor, "party.manage_alliance", Placement(level, area))
    name = _required_text(name, "name", _("The name of the alliance is required."))
    if leading_organization is None:
        _refuse("leading_organization", _("Choose the party organisation that leads the alliance."))
    if area.kind != ALLIANCE_AREA_KIND[level]:
        _refuse(
            "area",
            _("A %(level)s belongs to an area node of kind %(kind)s.")
            % {"level": AllianceLevel(level).label, "kind": AreaKind(ALLIANCE_AREA_KIND[level]).label},
        )
    cadence = meeting_cadence or DEFAULT_CADENCE[level]
    if cadence not in MeetingCadence.values:
        _refuse("meeting_cadence", _("Choose a valid meeting cadence."))
    alliance = Alliance(
        level=level,
        name=name,
        area=area,
        leading_organization=leading_organization,
        meeting_cadence=cadence,
        is_active=is_active,
    )
    return audit.save(actor=actor, obj=alliance, action="party.alliance.create", fields=ALLIANCE_FIELDS)


@transaction.atomic
def alliance_update(*, actor: Actor, alliance: Alliance, **changes: Any) -> Alliance:
    unknown = set(changes) - ALLIANCE_EDITABLE
    if unknown:
        field = sorted(unknown)[0]
        _refuse(field, _("The field “%(field)s” cannot be changed here.") % {"field": field})
    alliance = audit.lock(Alliance, alliance.pk)
    permissions.require(actor, "party.manage_alliance", Placement(alliance.level, alliance.area))
    before = audit.snapshot(alliance, ALLIANCE_FIELDS)
    for key, value in changes.items():
        setattr(alliance, key, value.strip() if isinstance(value, str) else value)
    alliance.name = _required_text(alliance.name, "name", _("The name of the alliance is required."))
    if alliance.leading_organization_id is None:
        _refuse("leading_organization", _("Choose the party organisation that leads the alliance."))
    return audit.save(actor=actor, obj=alliance, action="party.alliance.update", fields=ALLIANCE_FIELDS, before=before)


def alliance_delete_problem(alliance: Alliance) -> tuple[str, str] | None:
    if alliance.members.exists():
        return "members", _("The alliance still has member units; remove them first.")
    return None


@transaction.atomic
def alliance_delete(*, actor: Actor, alliance: Alliance) -> None:
    alliance = Alliance.objects.select_for_update().select_related("area").get(pk=alliance.pk)
    permissions.require(actor, "party.manage_alliance", Placement(alliance.level, alliance.area))
    problem = alliance_delete_problem(alliance)
    if problem:
        _refuse(*problem)
    audit.record(
        actor=actor, action="party.alliance.delete", obj=alliance, before=audit.snapshot(alliance, ALLIANCE_FIELDS)
    )
    alliance.delete()


def _check_alliance_member(member: AllianceMember) -> None:
    if member.unit_id is None:
        _refuse("unit", _("Choose the member unit."))
    member.representative_name = _required_text(
        member.representative_name, "representative_name", _("The representative's name is required.")
    )
    member.representative_title = (member.representative_title or "").strip()
    if member.role not in AllianceRole.values:
        _refuse("role", _("Choose a valid role in the alliance."))
    if not member.unit.area.path.startswith(member.alliance.area.path):
        _refuse("unit", _("The unit %(unit)s lies outside the alliance's area.") % {"unit": member.unit.name})


@transaction.atomic
def alliance_member_add(
    *,
    actor: Actor,
    alliance: Alliance,
    unit: Unit | None,
    representative_name: str,
    representative_title: str = "",
    role: str = AllianceRole.MEMBER_UNIT,
    joined_on: datetime.date | None = None,
) -> AllianceMember:
    alliance = Alliance.objects.select_related("area").get(pk=alliance.pk)
    permissions.require(actor, "party.manage_alliance", Placement(alliance.level, alliance.area))
    member = AllianceMember(
        alliance=alliance,
        unit=unit,
        representative_name=representative_name,
        representative_title=representative_title,
        role=role,
        joined_on=joined_on,
    )
    _check_alliance_member(member)
    audit.save(actor=actor, obj=member, action="party.alliance_member.add", fields=ALLIANCE_MEMBER_FIELDS)
    # The alliance's own history lists who joined.
    audit.record(
        actor=actor,
        action="party.alliance.member_added",
        obj=alliance,
        after={"unit": member.unit_id, "representative_name": member.representative_name},
        note=member.unit.name,
    )
    return member


@transaction.atomic
def alliance_member_update(*, actor: Actor, member: AllianceMember, **changes: Any) -> AllianceMember:
    unknown = set(changes) - ALLIANCE_MEMBER_EDITABLE
    if unknown:
        field = sorted(unknown)[0]
        _refuse(field, _("The field “%(field)s” cannot be changed here.") % {"field": field})
    member = AllianceMember.objects.select_for_update().select_related("alliance__area", "unit__area").get(pk=member.pk)
    permissions.require(actor, "party.manage_alliance", Placement(member.alliance.level, member.alliance.area))
    before = audit.snapshot(member, ALLIANCE_MEMBER_FIELDS)
    for key, value in changes.items():
        setattr(member, key, value)
    _check_alliance_member(member)
    return audit.save(
        actor=actor, obj=member, action="party.alliance_member.update", fields=ALLIANCE_MEMBER_FIELDS, before=before
    )


@transaction.atomic
def alliance_member_remove(*, actor: Actor, member: AllianceMember) -> None:
    member = AllianceMember.objects.select_for_update().select_related("alliance__area", "unit").get(pk=member.pk)
    alliance = member.alliance
    permissions.require(actor, "party.manage_alliance", Placement(alliance.level, alliance.area))
    audit.record(
        actor=actor,
        action="party.alliance_member.remove",
        obj=member,
        before=audit.snapshot(member, ALLIANCE_MEMBER_FIELDS),
    )
    audit.record(
        actor=actor,
        action="party.alliance.member_removed",
        obj=alliance,
        before={"unit": member.unit_id, "representative_name": member.representative_name},
        note=member.unit.name,
    )
    member.delete()
