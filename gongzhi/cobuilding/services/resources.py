"""The resources list (资源清单, 晒出服务事项): what a reported unit — or a reported member, for a
skill — offers the community, with its capacity, availability and conditions; publishing,
withdrawing, and taking capacity by a conditional update so two claims never use more than there is."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor
from gongzhi.core.errors import Forbidden, InvalidInput, NotFound
from gongzhi.core.permissions import can, require
from gongzhi.core.workflow import lock_visible

from ..models import (
    Category,
    MemberReport,
    ReportInState,
    Resource,
    ResourceKind,
    UnitReport,
    UnitReportState,
)
from .units import is_own_unit

TITLE_MAX = Resource._meta.get_field("title").max_length
CAPACITY_UNITS = ("次", "人", "小时", "元")
MAX_CAPACITY = 100_000_000


def _field_error(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _whole(value, field: str, *, minimum: int, message: str) -> int:
    if isinstance(value, (bool, float)):
        raise _field_error(field, message)
    try:
        number = value if isinstance(value, int) else int(str(value if value is not None else "").strip())
    except ValueError:
        raise _field_error(field, message) from None
    if number < minimum or number > MAX_CAPACITY:
        raise _field_error(field, message)
    return number


def _id(value) -> int | None:
    if value in (None, ""):
        return None
    if hasattr(value, "pk"):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _provider(actor: Actor, *, unit_report, member_report):
    """The registration that offers the resource, if the actor may publish for it."""
    if _id(member_report) is not None:
        report = MemberReport.objects.select_related("community", "member").filter(pk=_id(member_report)).first()
        if report is None or report.state != ReportInState.ACTIVE:
            raise _field_error("member_report", _("Only a member reported in to the community offers a skill."))
        if report.member.user_id != getattr(actor, "pk", None) and not can(actor, "cobuilding.keep_registrations", report):
            raise NotFound()
        return {"member_report": report}, report
    report = UnitReport.objects.select_related("community", "unit").filter(pk=_id(unit_report)).first()
    if report is None:
        raise _field_error("unit_report", _("Choose the unit's registration."))
    if not is_own_unit(actor, report.unit_id) and not can(actor, "cobuilding.keep_registrations", report):
        if not UnitReport.objects.visible_to(actor).filter(pk=report.pk).exists():
            raise NotFound()
        raise Forbidden(_("Only the unit's liaison or the community's staff publish its resources."))
    if report.state != UnitReportState.ACTIVE:
        raise _field_error("unit_report", _("This registration has ended."))
    return {"unit_report": report}, report


def _resource_fields(*, kind, category, title, description, capacity, capacity_unit, availability, conditions,
                     location, community: AreaNode, valid_until) -> dict:
    problems: dict[str, list[str]] = {}
    if kind not in ResourceKind.values:
        problems["kind"] = [_("Choose what kind of resource it is.")]
    cat = Category.objects.filter(pk=_id(category), is_active=True).first()
    if cat is None:
        problems["category"] = [_("Choose a category.")]
    title = (title or "").strip()
    if not title:
        problems["title"] = [_("Give the resource a title.")]
    elif len(title) > TITLE_MAX:
        problems["title"] = [_("At most %(count)d characters.") % {"count": TITLE_MAX}]
    try:
        amount = _whole(capacity, "capacity", minimum=1, message=_("A whole number, at least 1."))
    except InvalidInput as exc:
        problems.update(exc.fields)
        amount = 0
    unit = (capacity_unit or "次").strip()
    if unit not in CAPACITY_UNITS:
        problems["capacity_unit"] = [_("Count it in 次, 人, 小时 or 元.")]
    node = None
    if _id(location) is not None:
        node = AreaNode.objects.filter(pk=_id(location)).first()
        if node is None or not node.path.startswith(community.path):
            problems["location"] = [_("Choose a place in the community.")]
    until = None
    if valid_until not in (None, ""):
        try:
            until = valid_until if isinstance(valid_until, dt.date) else dt.date.fromisoformat(str(valid_until))
        except ValueError:
            problems["valid_until"] = [_("Enter a date.")]
    if problems:
        raise InvalidInput(next(iter(problems.values()))[0], fields=problems)
    return {"kind": kind, "category": cat, "title": title, "description": (description or "").strip()[:2000],
            "capacity": amount, "capacity_unit": unit, "availability": (availability or "").strip()[:200],
            "conditions": (conditions or "").strip()[:200], "location": node, "valid_until": until,
            "latitude": node.latitude if node is not None else None,
            "longitude": node.longitude if node is not None else None}


@transaction.atomic
def resource_create(*, actor: Actor, unit_report: UnitReport | int | None = None,
                    member_report: MemberReport | int | None = None, kind: str, category, title: str,
                    description: str = "", capacity, capacity_unit: str = "次", availability: str = "",
                    conditions: str = "", location=None, valid_until=None) -> Resource:
    """Publish a resource: a unit's liaison for their unit's registration, a reported member for
    themself (a skill), or the community's staff for either."""
    require(actor, "cobuilding.report_in")
    provider, report = _provider(actor, unit_report=unit_report, member_report=member_report)
    values = _resource_fields(kind=kind, category=category, title=title, description=description, capacity=capacity,
                              capacity_unit=capacity_unit, availability=availability, conditions=conditions,
                              location=location, community=report.community, valid_until=valid_until)
    row = Resource.objects.create(community=report.community, **provider, **values)
    audit.record(actor=actor, action="cobuilding.resource.create", obj=row,
                 after={"title": row.title, "kind": row.kind, "category": row.category_id, "capacity": row.capacity,
                        "capacity_unit": row.capacity_unit, "community": row.community_id})
    return row


def may_keep_resource(actor: Actor, resource: Resource) -> bool:
    if resource.unit_report_id and is_own_unit(actor, resource.unit_report.unit_id):
        return True
    if resource.member_report_id and resource.member_report.member.user_id == getattr(actor, "pk", None):
        return True
    return can(actor, "cobuilding.keep_registrations", resource)


@transaction.atomic
def resource_update(*, actor: Actor, resource: Resource | int, kind: str, category, title: str,
                    description: str = "", capacity, capacity_unit: str = "次", availability: str = "",
                    conditions: str = "", location=None, valid_until=None) -> Resource:
    """Change what a resource offers (its provider or the community's staff); the capacity never
    drops below what claims already use."""
    row = lock_visible(Resource, actor=actor, pk=_id(resource))
    require(actor, "cobuilding.report_in")
    if not may_keep_resource(actor, row):
        raise Forbidden(_("Only its provider or the community's staff change a resource."))
    values = _resource_fields(kind=kind, category=category, title=title, description=description, capacity=capacity,
                              capacity_unit=capacity_unit, availability=availability, conditions=conditions,
                              location=location if location is not None else row.location_id,
                              community=row.community, valid_until=valid_until)
    if values["capacity"] < row.used:
        raise _field_error("capacity", _("Claims already use %(used)d: the capacity cannot be less.") % {"used": row.used})
    before = audit.snapshot(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.save(update_fields=sorted(values))
    old, new = audit.diff(before, audit.snapshot(row))
    audit.record(actor=actor, action="cobuilding.resource.update", obj=row, before=old, after=new)
    return row


@transaction.atomic
def resource_withdraw(*, actor: Actor, resource: Resource | int, note: str = "") -> Resource:
    """No longer offered (its provider or the community's staff); claims already made keep it."""
    row = lock_visible(Resource, actor=actor, pk=_id(resource))
    require(actor, "cobuilding.report_in")
    if not may_keep_resource(actor, row):
        raise Forbidden(_("Only its provider or the community's staff withdraw a resource."))
    if not row.is_active:
        raise _field_error("is_active", _("This resource is already withdrawn."))
    row.is_active = False
    row.save(update_fields=["is_active"])
    audit.record(actor=actor, action="cobuilding.resource.withdraw", obj=row, before={"is_active": True},
                 after={"is_active": False}, note=(note or "")[:200])
    return row


def take_capacity(resource: Resource, amount: int) -> bool:
    """used += amount if it fits (one conditional UPDATE: two claims at once never overuse)."""
    return Resource.objects.filter(pk=resource.pk, is_active=True, used__lte=F("capacity") - amount).update(
        used=F("used") + amount) == 1


def give_back_capacity(resource_id: int, amount: int) -> None:
    if amount > 0:
        Resource.objects.filter(pk=resource_id, used__gte=amount).update(used=F("used") - amount)
