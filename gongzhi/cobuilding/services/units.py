"""Units' 双报到: a resident unit registers with a community (by its own liaison, or by the
community's staff), with the liaison the community calls and its commitments (晒出服务事项);
one active registration per unit and community; ending it; the liaison's full phone through an
audited reveal."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode, Unit
from gongzhi.core import audit, pii, scope
from gongzhi.core.actors import Actor
from gongzhi.core.errors import Forbidden, InvalidInput, NotFound
from gongzhi.core.permissions import can, require
from gongzhi.core.workflow import lock_visible

from ..models import UnitReport, UnitReportState

NAME_MAX = UnitReport._meta.get_field("liaison_name").max_length
COMMITMENT_MAX = 2000


def _field_error(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _pk(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, (Unit, AreaNode)):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def is_own_unit(actor: Actor, unit_id: int | None) -> bool:
    return bool(unit_id) and getattr(actor, "unit_id", None) == unit_id


def _liaison_fields(*, liaison_name: str, liaison_phone: str, commitment: str) -> dict:
    problems: dict[str, list[str]] = {}
    name = (liaison_name or "").strip()
    if not name:
        problems["liaison_name"] = [_("Name the liaison the community calls.")]
    elif len(name) > NAME_MAX:
        problems["liaison_name"] = [_("At most %(count)d characters.") % {"count": NAME_MAX}]
    phone = pii.normalise_phone(liaison_phone or "")
    if not phone or not pii.is_phone(phone):
        problems["liaison_phone"] = [_("Enter the liaison's phone number (a mobile or a landline).")]
    text = (commitment or "").strip()
    if len(text) > COMMITMENT_MAX:
        problems["commitment"] = [_("At most %(count)d characters.") % {"count": COMMITMENT_MAX}]
    if problems:
        first = next(iter(problems.values()))[0]
        raise InvalidInput(first, fields=problems)
    return {"liaison_name": name, "liaison_phone": phone, "commitment": text}


@transaction.atomic
def unit_register(*, actor: Actor, community: AreaNode | int, unit: Unit | int | None = None,
                  liaison_name: str, liaison_phone: str, commitment: str = "") -> UnitReport:
    """Register a unit with a community: its own liaison for their unit (`unit` may be left out),
    or the community's staff for any unit of their scope. Refused beside the field: a node that is
    not a community, a unit already registered there."""
    require(actor, "cobuilding.report_in")
    unit_id = _pk(unit) or getattr(actor, "unit_id", None)
    if unit_id is None:
        raise _field_error("unit", _("Choose the unit."))
    node = AreaNode.objects.filter(pk=_pk(community)).first()
    if node is None or node.kind != AreaKind.COMMUNITY:
        raise _field_error("community", _("Choose a community."))
    row = Unit.objects.filter(pk=unit_id, is_active=True).first()
    if row is None:
        raise _field_error("unit", _("Choose the unit."))
    if is_own_unit(actor, row.pk):
        district = node.path[: AreaNode.steplen]
        if not row.area.path.startswith(district):
            raise _field_error("community", _("Choose a community of your unit's district."))
    else:
        if not scope.covers_path(actor, node.path):
            raise NotFound()
        require(actor, "cobuilding.keep_registrations", node)
        if not (scope.covers_path(actor, row.area.path) or row.area.path[: AreaNode.steplen] == node.path[: AreaNode.steplen]):
            raise _field_error("unit", _("Choose the unit."))
    values = _liaison_fields(liaison_name=liaison_name, liaison_phone=liaison_phone, commitment=commitment)
    if UnitReport.objects.select_for_update().filter(unit=row, community=node, state=UnitReportState.ACTIVE).exists():
        raise _field_error("community", _("This unit is already registered with this community."))
    report = UnitReport.objects.create(unit=row, community=node, registered_by=actor if getattr(actor, "pk", None) else None,
                                       **values)
    audit.record(actor=actor, action="cobuilding.unit_report.register", obj=report,
                 after={"unit": row.pk, "community": node.pk, "liaison_name": values["liaison_name"],
                        "commitment": values["commitment"][:200]})
    return report


def _may_keep(actor: Actor, report: UnitReport) -> bool:
    return is_own_unit(actor, report.unit_id) or can(actor, "cobuilding.keep_registrations", report)


@transaction.atomic
def unit_report_update(*, actor: Actor, report: UnitReport | int, liaison_name: str, liaison_phone: str | None,
                       commitment: str = "") -> UnitReport:
    """Change the liaison or the commitments (the unit's liaison or the community's staff);
    `liaison_phone=None` keeps the number on file (the page never shows it to be typed again)."""
    row = lock_visible(UnitReport, actor=actor, pk=_pk(report) if not isinstance(report, UnitReport) else report.pk)
    require(actor, "cobuilding.report_in")
    if not _may_keep(actor, row):
        raise Forbidden(_("Only the unit's liaison or the community's staff change its registration."))
    keep = liaison_phone is None
    values = _liaison_fields(liaison_name=liaison_name, liaison_phone=row.liaison_phone if keep else liaison_phone,
                             commitment=commitment)
    if keep:
        values.pop("liaison_phone", None)
    before = {"liaison_name": row.liaison_name, "commitment": row.commitment[:200]}
    for key, value in values.items():
        setattr(row, key, value)
    row.save(update_fields=list(values))
    audit.record(actor=actor, action="cobuilding.unit_report.update", obj=row, before=before,
                 after={"liaison_name": row.liaison_name, "commitment": row.commitment[:200],
                        "liaison_phone": "" if keep else "changed"})
    return row


@transaction.atomic
def unit_report_end(*, actor: Actor, report: UnitReport | int, note: str = "") -> UnitReport:
    """End the registration (the unit moved out, or no longer takes part): its resources are no
    longer offered."""
    row = lock_visible(UnitReport, actor=actor, pk=report.pk if isinstance(report, UnitReport) else _pk(report))
    require(actor, "cobuilding.report_in")
    if not _may_keep(actor, row):
        raise Forbidden(_("Only the unit's liaison or the community's staff end its registration."))
    if row.state != UnitReportState.ACTIVE:
        raise _field_error("state", _("This registration has already ended."))
    row.state = UnitReportState.ENDED
    row.ended_on = timezone.localdate()
    row.save(update_fields=["state", "ended_on"])
    withdrawn = row.resources.filter(is_active=True).update(is_active=False)
    audit.record(actor=actor, action="cobuilding.unit_report.end", obj=row, before={"state": UnitReportState.ACTIVE},
                 after={"state": row.state, "ended_on": str(row.ended_on), "resources_withdrawn": withdrawn},
                 note=(note or "")[:200])
    return row


@transaction.atomic
def liaison_reveal(*, actor: Actor, report: UnitReport | int, reason: str = "") -> str:
    """The liaison's full phone for the community's staff (gate "cobuilding.reveal"), recorded as
    "cobuilding.unit_report.reveal" (who and why, never the number)."""
    pk = report.pk if isinstance(report, UnitReport) else _pk(report)
    row = UnitReport.objects.visible_to(actor).select_related("community").filter(pk=pk).first()
    if row is None:
        raise NotFound()
    require(actor, "cobuilding.reveal", row)
    audit.record(actor=actor, action="cobuilding.unit_report.reveal", obj=row, after={"fields": ["liaison_phone"]},
                 note=pii.redact(reason or "")[:500])
    return row.liaison_phone
