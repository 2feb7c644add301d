"""Test data for the area tree: valid codes generated from the parent, built through services."""

import itertools

import factory

from gongzhi.areas import services
from gongzhi.areas.models import CODE_SUFFIX_DIGITS, AreaKind, AreaNode, Department, Unit
from gongzhi.core.actors import SystemActor

ACTOR = SystemActor(label="test")
_serial = itertools.count(1)

CHILD_KIND = {
    AreaKind.DISTRICT: AreaKind.STREET,
    AreaKind.STREET: AreaKind.COMMUNITY,
    AreaKind.COMMUNITY: AreaKind.GRID,
    AreaKind.GRID: AreaKind.BUILDING,
    AreaKind.BUILDING: AreaKind.UNIT,
    AreaKind.UNIT: AreaKind.HOUSEHOLD,
}


def district(*, code: str | None = None, name: str = "七里河区") -> AreaNode:
    code = code or f"{620100 + next(_serial) % 99:06d}"
    while AreaNode.objects.filter(code=code).exists():
        code = f"{int(code) + 1:06d}"
    return services.area_node_create(actor=ACTOR, parent=None, kind=AreaKind.DISTRICT, code=code, name=name)


def child(parent: AreaNode, *, kind: str | None = None, name: str | None = None, number: int | None = None) -> AreaNode:
    kind = kind or CHILD_KIND[parent.kind]
    digits = CODE_SUFFIX_DIGITS[kind]
    number = number or parent.numchild + 1
    while True:
        code = f"{parent.code}{number:0{digits}d}"
        if not AreaNode.objects.filter(code=code).exists():
            break
        number += 1
    node = services.area_node_create(
        actor=ACTOR, parent=parent, kind=kind, code=code, name=name or f"{AreaKind(kind).label}{number}"
    )
    parent.refresh_from_db()
    return node


def tree() -> dict:
    """district → street → community → grids A and B, each with a building → unit → household."""
    d = district()
    s = child(d, name="西站街道")
    c = child(s, name="瓜州路社区")
    nodes = {"district": d, "street": s, "community": c}
    for key in ("a", "b"):
        g = child(c, name=f"第{key.upper()}网格")
        b = child(g, name=f"{key.upper()}1号楼")
        u = child(b, name="1单元")
        h = child(u, name="101室")
        nodes.update({f"grid_{key}": g, f"building_{key}": b, f"unit_{key}": u, f"household_{key}": h})
    return nodes


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    district = factory.LazyFunction(district)
    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"部门{n}")
    short_name = factory.Sequence(lambda n: f"部门{n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"驻区单位{n}")
    kind = "enterprise"
