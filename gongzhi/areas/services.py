"""Writes to the area tree and its registries. Each function is one transaction, checks that the
actor may manage the node, validates codes and parent kinds, and writes an audit event."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _

from gongzhi.core import audit, scope
from gongzhi.core.actors import Actor, is_system
from gongzhi.core.errors import Forbidden, InvalidInput, invalid_from_validation_error

from .models import ALLOWED_PARENTS, AreaKind, AreaNode, Department, Estate, Unit, code_error

NODE_FIELDS = ["kind", "code", "name", "estate", "latitude", "longitude", "is_active", "path"]

# The highest kind of node each role may create, move or change (always within its scope).
_MANAGES_FROM = {
    "district_admin": AreaKind.STREET,
    "street_staff": AreaKind.COMMUNITY,
    "community_staff": AreaKind.GRID,
    "grid_worker": AreaKind.BUILDING,
}
_KIND_ORDER = [k.value for k in AreaKind]


def can_manage(actor: Actor, *, kind: str, under: AreaNode | None) -> bool:
    if is_system(actor) or actor.is_superuser:
        return True
    highest = _MANAGES_FROM.get(actor.role)
    if highest is None or _KIND_ORDER.index(kind) < _KIND_ORDER.index(highest):
        return False
    return under is not None and scope.covers_path(actor, under.path)


def _require_manage(actor: Actor, *, kind: str, under: AreaNode | None) -> None:
    if not can_manage(actor, kind=kind, under=under):
        raise Forbidden(_("You may not change this part of the area tree."))


def _validate_placement(*, kind: str, code: str, parent: AreaNode | None, exclude_pk: int | None = None) -> None:
    if kind not in AreaKind.values:
        raise InvalidInput(_("Unknown kind of node."), fields={"kind": [_("Choose a valid kind.")]})
    parent_kind = parent.kind if parent else None
    if parent_kind not in ALLOWED_PARENTS[kind]:
        allowed = "、".join(str(AreaKind(k).label) if k else _("(root)") for k in ALLOWED_PARENTS[kind])
        raise InvalidInput(
            _("A %(kind)s cannot be placed under a %(parent)s; its parent must be: %(allowed)s.")
            % {
                "kind": AreaKind(kind).label,
                "parent": AreaKind(parent_kind).label if parent_kind else _("(root)"),
                "allowed": allowed,
            },
            fields={"parent": [_("Wrong kind of parent node.")]},
        )
    problem = code_error(kind=kind, code=code, parent_code=parent.code if parent else None)
    if problem:
        raise InvalidInput(problem, fields={"code": [problem]})
    clash = AreaNode.objects.filter(code=code)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        message = _("The code %(code)s is already used.") % {"code": code}
        raise InvalidInput(message, fields={"code": [message]})


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("The name is required."), fields={"name": [_("This field is required.")]})
    return name


def _check_estate(estate: Estate | None, kind: str, parent: AreaNode | None) -> None:
    if estate is None:
        return
    if kind != AreaKind.BUILDING:
        raise InvalidInput(_("Only buildings belong to an estate."), fields={"estate": [_("Leave empty.")]})
    if parent is None or not parent.path.startswith(estate.community.path):
        raise InvalidInput(
            _("The estate belongs to another community."), fields={"estate": [_("Choose an estate of this community.")]}
        )


@transaction.atomic
def area_node_create(
    *,
    actor: Actor,
    parent: AreaNode | None,
    kind: str,
    code: str,
    name: str,
    estate: Estate | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> AreaNode:
    _require_manage(actor, kind=kind, under=parent)
    name = _check_name(name)
    _validate_placement(kind=kind, code=code, parent=parent)
    _check_estate(estate, kind, parent)
    fields = {"kind": kind, "code": code, "name": name, "estate": estate, "latitude": latitude, "longitude": longitude}
    if parent is None:
        node = AreaNode.objects.add_root(create_kwargs=fields)
    else:
        parent = AreaNode.objects.select_for_update().get(pk=parent.pk)
        node = AreaNode.objects.add_child(parent, create_kwargs=fields)
    audit.record(actor=actor, action="areas.node.create", obj=node, after=audit.snapshot(node, NODE_FIELDS))
    return node


@transaction.atomic
def area_children_bulk_create(*, actor: Actor, parent: AreaNode, children: list[dict]) -> list[AreaNode]:
    """Create many children of one parent in a few queries (imports, demo and benchmark data).

    Each dict holds kind, code, name and optionally estate, latitude, longitude. Everything is
    validated before anything is written."""
    if not children:
        return []
    parent = AreaNode.objects.select_for_update().get(pk=parent.pk)
    seen: set[str] = set()
    for index, spec in enumerate(children):
        kind, code = spec["kind"], spec["code"]
        _require_manage(actor, kind=kind, under=parent)
        _check_name(spec.get("name", ""))
        if parent.kind not in ALLOWED_PARENTS[kind]:
            _validate_placement(kind=kind, code=code, parent=parent)
        problem = code_error(kind=kind, code=code, parent_code=parent.code)
        if problem or code in seen:
            problem = problem or _("The code %(code)s appears twice.") % {"code": code}
            raise InvalidInput(problem, fields={f"children.{index}.code": [problem]})
        seen.add(code)
    taken = set(AreaNode.objects.filter(code__in=seen).values_list("code", flat=True))
    if taken:
        message = _("These codes are already used: %(codes)s") % {"codes": ", ".join(sorted(taken)[:10])}
        raise InvalidInput(message, fields={"code": [message]})
    last_path = AreaNode.objects.get_children(parent).aggregate(m=Max("path"))["m"]
    next_step = (int(last_path[-AreaNode.steplen :], 36) + 1) if last_path else 1
    depth = parent.depth + 1
    nodes = []
    for offset, spec in enumerate(children):
        nodes.append(
            AreaNode(
                path=AreaNode._get_path(parent.path, depth, next_step + offset),
                depth=depth,
                numchild=0,
                kind=spec["kind"],
                code=spec["code"],
                name=spec["name"].strip(),
                estate=spec.get("estate"),
                latitude=spec.get("latitude"),
                longitude=spec.get("longitude"),
            )
        )
    AreaNode.objects.bulk_create(nodes, batch_size=1000)
    AreaNode.objects.filter(pk=parent.pk).update(numchild=parent.numchild + len(nodes))
    audit.record(
        actor=actor,
        action="areas.node.bulk_create",
        obj=parent,
        after={"children": [n.code for n in nodes]},
        note=_("%(n)d child nodes created") % {"n": len(nodes)},
    )
    return list(AreaNode.objects.filter(code__in=seen).order_by("path"))


@transaction.atomic
def area_node_update(
    *,
    actor: Actor,
    node: AreaNode,
    name: str,
    estate: Estate | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    is_active: bool = True,
) -> AreaNode:
    node = AreaNode.objects.select_for_update().get(pk=node.pk)
    parent = AreaNode.objects.get_parent(node)
    _require_manage(actor, kind=node.kind, under=parent or node)
    before = audit.snapshot(node, NODE_FIELDS)
    node.name = _check_name(name)
    _check_estate(estate, node.kind, parent)
    node.estate, node.latitude, node.longitude, node.is_active = estate, latitude, longitude, is_active
    node.save(update_fields=["name", "estate", "latitude", "longitude", "is_active"])
    audit.record(actor=actor, action="areas.node.update", obj=node, **_changes(before, node))
    return node


def _changes(before: dict, node: AreaNode) -> dict:
    b, a = audit.diff(before, audit.snapshot(node, NODE_FIELDS))
    return {"before": b, "after": a}


@transaction.atomic
def area_node_move(*, actor: Actor, node: AreaNode, new_parent: AreaNode, new_code: str | None = None) -> AreaNode:
    """Move `node` (with its subtree) under `new_parent`. Codes encode the parent, so the node takes
    `new_code` and every descendant's code has its prefix replaced to match."""
    node = AreaNode.objects.select_for_update().get(pk=node.pk)
    new_parent = AreaNode.objects.select_for_update().get(pk=new_parent.pk)
    old_parent = AreaNode.objects.get_parent(node)
    _require_manage(actor, kind=node.kind, under=old_parent or node)
    _require_manage(actor, kind=node.kind, under=new_parent)
    if new_parent.path.startswith(node.path):
        message = _("A node cannot be moved under itself or one of its descendants.")
        raise InvalidInput(message, fields={"parent": [message]})
    new_code = new_code or node.code
    _validate_placement(kind=node.kind, code=new_code, parent=new_parent, exclude_pk=node.pk)
    old_code = node.code
    before = {"parent": old_parent.code if old_parent else None, "code": old_code, "path": node.path}
    descendants = list(AreaNode.objects.get_descendants(node).only("pk", "code"))
    if new_code != old_code:
        renamed = {d.pk: new_code + d.code[len(old_code) :] for d in descendants}
        clash = AreaNode.objects.filter(code__in=renamed.values()).exclude(pk__in=renamed.keys())
        if clash.exists():
            message = _("Moving would reuse codes already taken: %(codes)s") % {
                "codes": ", ".join(clash.values_list("code", flat=True)[:10])
            }
            raise InvalidInput(message, fields={"code": [message]})
        for d in descendants:
            d.code = renamed[d.pk]
        AreaNode.objects.bulk_update(descendants, ["code"], batch_size=1000)
        AreaNode.objects.filter(pk=node.pk).update(code=new_code)
    node.refresh_from_db()
    AreaNode.objects.move(node, new_parent, pos="last-child")
    node.refresh_from_db()
    audit.record(
        actor=actor,
        action="areas.node.move",
        obj=node,
        before=before,
        after={"parent": new_parent.code, "code": node.code, "path": node.path, "descendants": len(descendants)},
    )
    return node


@transaction.atomic
def area_node_delete(*, actor: Actor, node: AreaNode) -> None:
    node = AreaNode.objects.select_for_update().get(pk=node.pk)
    parent = AreaNode.objects.get_parent(node)
    _require_manage(actor, kind=node.kind, under=parent or node)
    if AreaNode.objects.get_children_count(node):
        message = _("The node still has child nodes; move or delete them first.")
        raise InvalidInput(message, fields={"children": [message]})
    audit.record(actor=actor, action="areas.node.delete", obj=node, before=audit.snapshot(node, NODE_FIELDS))
    try:
        with transaction.atomic():
            node.delete()
    except ProtectedError as exc:
        message = _("Records still belong to this node (people, organisations, cases …); it cannot be deleted.")
        raise InvalidInput(message, fields={"node": [message]}) from exc


def _save_registry(actor: Actor, obj, action: str, fields: list[str], before: dict | None):
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise invalid_from_validation_error(exc) from exc
    obj.save()
    b, a = audit.diff(before, audit.snapshot(obj, fields)) if before else (None, audit.snapshot(obj, fields))
    audit.record(actor=actor, action=action, obj=obj, before=b, after=a)
    return obj


ESTATE_FIELDS = ["community", "name", "address", "property_company", "owners_committee", "owners_committee_contact"]
UNIT_FIELDS = ["name", "kind", "credit_code", "area", "address", "contact_name", "contact_phone", "is_active"]
DEPARTMENT_FIELDS = ["district", "code", "name", "short_name", "phone", "is_active"]


@transaction.atomic
def estate_save(*, actor: Actor, estate: Estate | None = None, **values) -> Estate:
    before = audit.snapshot(estate, ESTATE_FIELDS) if estate and estate.pk else None
    estate = estate or Estate()
    for key, value in values.items():
        setattr(estate, key, value)
    community = values.get("community") or (estate.community if estate.community_id else None)
    _require_manage(actor, kind=AreaKind.GRID, under=community)
    return _save_registry(actor, estate, "areas.estate.save", ESTATE_FIELDS, before)


def _check_credit_code(code: str) -> None:
    if not code:
        return
    from stdnum.cn import uscc
    from stdnum.exceptions import ValidationError as StdnumError

    try:
        uscc.validate(code)
    except StdnumError as exc:
        message = _("“%(code)s” is not a valid unified social credit code.") % {"code": code}
        raise InvalidInput(message, fields={"credit_code": [message]}) from exc


@transaction.atomic
def unit_save(*, actor: Actor, unit: Unit | None = None, **values) -> Unit:
    before = audit.snapshot(unit, UNIT_FIELDS) if unit and unit.pk else None
    unit = unit or Unit()
    for key, value in values.items():
        setattr(unit, key, value)
    _check_credit_code(unit.credit_code)
    _require_manage(actor, kind=AreaKind.GRID, under=unit.area if unit.area_id else None)
    return _save_registry(actor, unit, "areas.unit.save", UNIT_FIELDS, before)


@transaction.atomic
def department_save(*, actor: Actor, department: Department | None = None, **values) -> Department:
    before = audit.snapshot(department, DEPARTMENT_FIELDS) if department and department.pk else None
    department = department or Department()
    for key, value in values.items():
        setattr(department, key, value)
    _require_manage(actor, kind=AreaKind.STREET, under=department.district if department.district_id else None)
    return _save_registry(actor, department, "areas.department.save", DEPARTMENT_FIELDS, before)


def check_node(
    *,
    actor: Actor,
    node: AreaNode | None,
    parent: AreaNode | None,
    kind: str,
    code: str,
    name: str,
    estate: Estate | None = None,
) -> None:
    """Validate a create (node None) or change of a node without writing; raises like the services."""
    _check_name(name)
    if node is None:
        _require_manage(actor, kind=kind, under=parent)
        _validate_placement(kind=kind, code=code, parent=parent)
        _check_estate(estate, kind, parent)
        return
    old_parent = AreaNode.objects.get_parent(node)
    _require_manage(actor, kind=node.kind, under=old_parent or node)
    target = parent or old_parent
    if target is not None and target.path.startswith(node.path):
        message = _("A node cannot be moved under itself or one of its descendants.")
        raise InvalidInput(message, fields={"parent": [message]})
    if target is not None:
        _require_manage(actor, kind=node.kind, under=target)
    _validate_placement(kind=node.kind, code=code, parent=target, exclude_pk=node.pk)
    _check_estate(estate, node.kind, target)


_REGISTRY_SCOPE = {Estate: ("community", AreaKind.GRID), Unit: ("area", AreaKind.GRID), Department: ("district", AreaKind.STREET)}


def check_registry(*, actor: Actor, model, instance, values: dict) -> None:
    """Validate a registry record (estate, unit, department) without writing."""
    probe = model(pk=instance.pk if instance and instance.pk else None)
    if instance and instance.pk:
        for field in probe._meta.concrete_fields:
            setattr(probe, field.attname, getattr(instance, field.attname))
    for key, value in values.items():
        setattr(probe, key, value)
    area_field, kind = _REGISTRY_SCOPE[model]
    _require_manage(actor, kind=kind, under=getattr(probe, area_field, None) if getattr(probe, f"{area_field}_id") else None)
    if model is Unit:
        _check_credit_code(probe.credit_code)
    try:
        probe.full_clean()
    except ValidationError as exc:
        raise invalid_from_validation_error(exc) from exc


@transaction.atomic
def registry_delete(*, actor: Actor, instance) -> None:
    area_field, kind = _REGISTRY_SCOPE[type(instance)]
    _require_manage(actor, kind=kind, under=getattr(instance, area_field))
    audit.record(actor=actor, action=f"areas.{type(instance).__name__.lower()}.delete", obj=instance,
                 before=audit.snapshot(instance))
    try:
        with transaction.atomic():
            instance.delete()
    except ProtectedError as exc:
        raise InvalidInput(_("This record is still in use and cannot be deleted.")) from exc
