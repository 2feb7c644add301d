"""Writes to the area tree and its registries. Each function is one transaction, checks that the
actor may manage the node, validates codes and parent kinds, and writes an audit event."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _

from gongzhi.core import audit, permissions
from gongzhi.core.actors import Actor
from gongzhi.core.errors import InvalidInput, NotFound, invalid_from_validation_error
from gongzhi.core.pii import redact

from .models import (
    ALLOWED_PARENTS,
    AreaKind,
    AreaNode,
    Department,
    Estate,
    Unit,
    code_error,
    validate_outline,
)
from .permissions import Placement

NODE_FIELDS = ["kind", "code", "name", "estate", "latitude", "longitude", "outline", "is_active", "path"]


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


def _check_outline(outline) -> list:
    """The outline as stored (a list; empty for none), or InvalidInput naming the field."""
    if outline in (None, ""):
        return []
    try:
        validate_outline(outline)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], fields={"outline": exc.messages}) from exc
    return [[float(lng), float(lat)] for lng, lat in outline]


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
    outline: list | None = None,
) -> AreaNode:
    permissions.require(actor, "areas.manage_node", Placement(kind, parent))
    name = _check_name(name)
    _validate_placement(kind=kind, code=code, parent=parent)
    _check_estate(estate, kind, parent)
    outline = _check_outline(outline)
    fields = {"kind": kind, "code": code, "name": name, "estate": estate, "latitude": latitude, "longitude": longitude,
              "outline": outline}
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

    Each dict holds kind, code, name and optionally estate, latitude, longitude, outline. Everything
    is validated before anything is written."""
    if not children:
        return []
    parent = AreaNode.objects.select_for_update().get(pk=parent.pk)
    seen: set[str] = set()
    for index, spec in enumerate(children):
        kind, code = spec["kind"], spec["code"]
        permissions.require(actor, "areas.manage_node", Placement(kind, parent))
        _check_name(spec.get("name", ""))
        if parent.kind not in ALLOWED_PARENTS[kind]:
            _validate_placement(kind=kind, code=code, parent=parent)
        problem = code_error(kind=kind, code=code, parent_code=parent.code)
        if problem or code in seen:
            problem = problem or _("The code %(code)s appears twice.") % {"code": code}
            raise InvalidInput(problem, fields={f"children.{index}.code": [problem]})
        seen.add(code)
        try:
            _check_outline(spec.get("outline"))
        except InvalidInput as exc:
            raise InvalidInput(exc.message, fields={f"children.{index}.outline": exc.fields["outline"]}) from exc
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
                outline=spec.get("outline") or [],
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
    outline: list | None = None,
) -> AreaNode:
    """Rename, re-estate, move on the map or (de)activate a node; `outline=None` keeps its outline."""
    node = audit.lock(AreaNode, node.pk)
    parent = AreaNode.objects.get_parent(node)
    permissions.require(actor, "areas.manage_node", Placement(node.kind, parent or node))
    before = audit.snapshot(node, NODE_FIELDS)
    node.name = _check_name(name)
    _check_estate(estate, node.kind, parent)
    node.estate, node.latitude, node.longitude, node.is_active = estate, latitude, longitude, is_active
    if outline is not None:
        node.outline = outline
    # Coordinates may come as floats (imports, tests); the database rounds them to six places.
    return audit.save(actor=actor, obj=node, action="areas.node.update", fields=NODE_FIELDS, before=before,
                      clean_exclude=["latitude", "longitude"])


@transaction.atomic
def area_node_move(*, actor: Actor, node: AreaNode, new_parent: AreaNode, new_code: str | None = None) -> AreaNode:
    """Move `node` (with its subtree) under `new_parent`. Codes encode the parent, so the node takes
    `new_code` and every descendant's code has its prefix replaced to match."""
    node = AreaNode.objects.select_for_update().get(pk=node.pk)
    new_parent = AreaNode.objects.select_for_update().get(pk=new_parent.pk)
    old_parent = AreaNode.objects.get_parent(node)
    permissions.require(actor, "areas.manage_node", Placement(node.kind, old_parent or node))
    permissions.require(actor, "areas.manage_node", Placement(node.kind, new_parent))
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
    permissions.require(actor, "areas.manage_node", Placement(node.kind, parent or node))
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


# What the audit events hold: the masked copies of the phones, never the numbers (the services
# take and write the encrypted fields; the models keep the masked copies).
ESTATE_FIELDS = ["community", "name", "address", "property_company", "owners_committee", "owners_committee_contact_name",
                 "owners_committee_phone_masked", "outline"]
UNIT_FIELDS = ["name", "kind", "credit_code", "area", "address", "contact_name", "contact_phone_masked", "is_active"]
DEPARTMENT_FIELDS = ["district", "code", "name", "short_name", "phone_masked", "is_active"]
# The phones of each registry that a permitted user may reveal (audited).
REVEALABLE = {Estate: ("owners_committee_phone",), Unit: ("contact_phone",), Department: ("phone",)}

# Each registry: its audit fields and the gate's action for keeping it.
_REGISTRIES = {
    Estate: (ESTATE_FIELDS, "areas.manage_estate"),
    Unit: (UNIT_FIELDS, "areas.manage_unit"),
    Department: (DEPARTMENT_FIELDS, "areas.manage_department"),
}


def _registry_save(actor: Actor, model, instance, values: dict, *, check=None):
    """Lock the record (if it exists), apply `values`, check the actor may keep it there, and save
    it through the one audited save ("areas.<model>.save")."""
    fields, action = _REGISTRIES[model]
    obj, before = model(), None
    if instance is not None and instance.pk:
        obj = audit.lock(model, instance.pk) or instance
        before = audit.snapshot(obj, fields)
    for key, value in values.items():
        setattr(obj, key, value)
    if check is not None:
        check(obj)
    permissions.require(actor, action, obj)
    return audit.save(actor=actor, obj=obj, action=f"areas.{model.__name__.lower()}.save", fields=fields, before=before)


@transaction.atomic
def estate_save(*, actor: Actor, estate: Estate | None = None, **values) -> Estate:
    return _registry_save(actor, Estate, estate, values)


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
    return _registry_save(actor, Unit, unit, values, check=lambda obj: _check_credit_code(obj.credit_code))


@transaction.atomic
def department_save(*, actor: Actor, department: Department | None = None, **values) -> Department:
    return _registry_save(actor, Department, department, values)


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
        permissions.require(actor, "areas.manage_node", Placement(kind, parent))
        _validate_placement(kind=kind, code=code, parent=parent)
        _check_estate(estate, kind, parent)
        return
    old_parent = AreaNode.objects.get_parent(node)
    permissions.require(actor, "areas.manage_node", Placement(node.kind, old_parent or node))
    target = parent or old_parent
    if target is not None and target.path.startswith(node.path):
        message = _("A node cannot be moved under itself or one of its descendants.")
        raise InvalidInput(message, fields={"parent": [message]})
    if target is not None:
        permissions.require(actor, "areas.manage_node", Placement(node.kind, target))
    _validate_placement(kind=node.kind, code=code, parent=target, exclude_pk=node.pk)
    _check_estate(estate, node.kind, target)


def check_registry(*, actor: Actor, model, instance, values: dict) -> None:
    """Validate a registry record (estate, unit, department) without writing."""
    probe = model(pk=instance.pk if instance and instance.pk else None)
    if instance and instance.pk:
        for field in probe._meta.concrete_fields:
            setattr(probe, field.attname, getattr(instance, field.attname))
        probe._state.adding = False  # a change, not a new record: its own id is no clash
    for key, value in values.items():
        setattr(probe, key, value)
    permissions.require(actor, _REGISTRIES[model][1], probe)
    if model is Unit:
        _check_credit_code(probe.credit_code)
    try:
        probe.full_clean()
    except ValidationError as exc:
        raise invalid_from_validation_error(exc) from exc


@transaction.atomic
def registry_delete(*, actor: Actor, instance) -> None:
    permissions.require(actor, _REGISTRIES[type(instance)][1], instance)
    fields = _REGISTRIES[type(instance)][0]
    audit.record(actor=actor, action=f"areas.{type(instance).__name__.lower()}.delete", obj=instance,
                 before=audit.snapshot(instance, fields))
    try:
        with transaction.atomic():
            instance.delete()
    except ProtectedError as exc:
        raise InvalidInput(_("This record is still in use and cannot be deleted.")) from exc


@transaction.atomic
def contact_reveal(*, actor: Actor, instance, reason: str = "") -> dict:
    """The full phone number(s) of an estate's owners' committee, a unit's contact or a
    department's duty line, for a user the gate lets reveal it ("areas.reveal_contact"); every call
    is an audit event ("areas.<model>.reveal": which fields, by whom, why — never the values). A
    record outside the user's scope is not found."""
    model = type(instance)
    obj = model.objects.visible_to(actor).filter(pk=instance.pk).first()
    if obj is None:
        raise NotFound()
    permissions.require(actor, "areas.reveal_contact", obj)
    fields = list(REVEALABLE[model])
    audit.record(actor=actor, action=f"areas.{model.__name__.lower()}.reveal", obj=obj, after={"fields": fields},
                 note=redact(reason.strip())[:500])
    return {field: getattr(obj, field) for field in fields}
