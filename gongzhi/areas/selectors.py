"""Reads of the area tree and registries, always scoped to the acting user."""

import re
from functools import lru_cache

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr

from gongzhi.core import scope
from gongzhi.core.errors import NotFound

from .models import AreaKind, AreaNode, Department, Estate, Unit, address_text


def with_parent_id(qs: QuerySet) -> QuerySet:
    """Annotate each node with its parent's id in the same query (the parent's path is the
    node's path less one step)."""
    parent = AreaNode.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - AreaNode.steplen)
    ).values("pk")[:1]
    return qs.annotate(parent_pk=Subquery(parent))


def area_nodes_visible(*, user, kind: str | None = None, parent_id: int | None = None, search: str = "") -> QuerySet:
    qs = AreaNode.objects.visible_to(user)
    if kind:
        qs = qs.filter(kind=kind)
    if parent_id:
        parent = area_node_get(user=user, pk=parent_id)
        qs = qs.filter(path__startswith=parent.path, depth=parent.depth + 1)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__startswith=search))
    return with_parent_id(qs).order_by("path")


def area_node_get(*, user, pk: int) -> AreaNode:
    node = with_parent_id(AreaNode.objects.visible_to(user)).filter(pk=pk).first()
    if node is None:
        raise NotFound()
    return node


def area_roots_for(*, user) -> list[AreaNode]:
    """The top nodes a user may browse from: their bound nodes (or the tree's roots)."""
    paths = scope.scope_paths(user)
    if paths is None:
        return list(AreaNode.objects.get_root_nodes())
    return list(AreaNode.objects.filter(path__in=paths).order_by("path"))


def area_children(*, user, node: AreaNode) -> QuerySet:
    return with_parent_id(AreaNode.objects.get_children(node).visible_to(user)).order_by("code")


def area_ancestors_visible(*, user, node: AreaNode) -> list[AreaNode]:
    return list(AreaNode.objects.get_ancestors(node).visible_to(user))


def estates_visible(*, user) -> QuerySet:
    return Estate.objects.visible_to(user).select_related("community", "property_company")


def units_visible(*, user) -> QuerySet:
    return Unit.objects.visible_to(user).select_related("area")


def estate_get(*, user, pk: int) -> Estate:
    estate = estates_visible(user=user).filter(pk=pk).first()
    if estate is None:
        raise NotFound()
    return estate


def unit_get(*, user, pk: int) -> Unit:
    unit = units_visible(user=user).filter(pk=pk).first()
    if unit is None:
        raise NotFound()
    return unit


def departments_visible(*, user) -> QuerySet:
    """Departments of the districts the user works in (a district's departments serve all of it)."""
    return Department.objects.visible_to(user).select_related("district")


# ---------------------------------------------------------------------------------------------
# Places: addresses as people say them, the place picker (小区 / 楼 / 单元 / 室) and its map.

PLACE_KINDS = (AreaKind.GRID, AreaKind.BUILDING, AreaKind.UNIT, AreaKind.HOUSEHOLD)


def addresses(nodes, *, short: bool = False) -> dict[int, str]:
    """The address of each node as people say it (`models.address_text`), from its ancestors in
    one query: “西站街道 瓜州路社区 第1网格 铁建丽苑 3号楼2单元301室”. `short` keeps only the
    estate, building, unit and flat (“铁建丽苑 3号楼2单元301室”), for lists inside one community.
    Also fills each node's `full_name` cache."""
    nodes = [n for n in nodes if n is not None]
    steplen = AreaNode.steplen
    wanted = {node.path[: d * steplen] for node in nodes for d in range(1, node.depth)}
    rows: dict[str, tuple[str, str, str]] = {}
    ordered = sorted(wanted)
    for start in range(0, len(ordered), 900):
        chunk = ordered[start : start + 900]
        for path, kind, name, estate in AreaNode.objects.filter(path__in=chunk).values_list(
            "path", "kind", "name", "estate__name"
        ):
            rows[path] = (kind, name, estate or "")
    own_estates = dict(
        AreaNode.objects.filter(pk__in=[n.pk for n in nodes if n.kind == AreaKind.BUILDING and n.estate_id])
        .values_list("pk", "estate__name")
    )
    result = {}
    for node in nodes:
        chain = [rows[node.path[: d * steplen]] for d in range(1, node.depth) if node.path[: d * steplen] in rows]
        chain.append((node.kind, node.name, own_estates.get(node.pk, "")))
        estate = next((e for kind, _name, e in chain if kind == AreaKind.BUILDING and e), "")
        full = address_text([(kind, name) for kind, name, _e in chain], estate=estate)
        node._address = full
        if short:
            result[node.pk] = address_text([(k, n) for k, n, _e in chain if k in PLACE_KINDS[1:]], estate=estate) or node.name
        else:
            result[node.pk] = full
    return result


def address_of(node: AreaNode | None, *, short: bool = False) -> str:
    """One node's address (see `addresses`); "" for none."""
    if node is None:
        return ""
    return addresses([node], short=short)[node.pk]


@lru_cache(maxsize=4096)
def initials(name: str) -> str:
    """Pinyin initials of a name, other characters kept: 铁建丽苑 → tjly, 3号楼 → 3hl."""
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")).lower().replace(" ", "")


def _number_key(name: str) -> tuple:
    digits = re.findall(r"\d+", name)
    return (int(digits[0]) if digits else 10**9, name)


def places_visible(*, user) -> QuerySet:
    """The active nodes `user` may name as the place of a matter: their area scope; people who have
    no area scope (residents, departments, units, party members) file anywhere, so the whole tree
    (place names are public; who lives there is not, and nothing here says it)."""
    qs = AreaNode.objects.filter(is_active=True)
    if scope.scope_paths(user) == []:
        return qs
    return qs.visible_to(user)


def building_of(node: AreaNode) -> int | None:
    """The id of the building a unit or flat lies in (the building itself for a building)."""
    if node.depth < 5:
        return None
    return AreaNode.objects.filter(path=node.path[: 5 * AreaNode.steplen]).values_list("pk", flat=True).first()


def place_get(*, user, pk: int) -> AreaNode:
    node = places_visible(user=user).select_related("estate").filter(pk=pk).first()
    if node is None:
        raise NotFound()
    return node


def _place_row(node_or_row, *, label: str, address: str = "", kind: str | None = None, count: int | None = None) -> dict:
    n = node_or_row
    return {
        "id": n["pk"] if isinstance(n, dict) else n.pk,
        "kind": kind or (n["kind"] if isinstance(n, dict) else n.kind),
        "label": label,
        "address": address or label,
        "latitude": _float(n.get("latitude") if isinstance(n, dict) else getattr(n, "latitude", None)),
        "longitude": _float(n.get("longitude") if isinstance(n, dict) else getattr(n, "longitude", None)),
        "children": count if count is not None else (n.get("numchild", 0) if isinstance(n, dict) else getattr(n, "numchild", 0)),
    }


def _float(value) -> float | None:
    return float(value) if value is not None else None


def _context_names(user, paths: set[str]) -> dict[str, str]:
    """Names of the grids and communities above these paths (for telling 1号楼 from 1号楼)."""
    steplen = AreaNode.steplen
    wanted = {p[: d * steplen] for p in paths for d in (2, 3, 4)}
    return dict(AreaNode.objects.filter(path__in=wanted).values_list("path", "name"))


def _readable(path: str, kind: str, name: str, estate: str, names: dict[str, str]) -> str:
    """`address_text` of a grid or building from the street, community and grid names above it."""
    steplen = AreaNode.steplen
    above = [(AreaKind.STREET, names.get(path[: 2 * steplen], "")), (AreaKind.COMMUNITY, names.get(path[: 3 * steplen], ""))]
    if kind == AreaKind.BUILDING:
        above.append((AreaKind.GRID, names.get(path[: 4 * steplen], "")))
    return address_text([(k, n) for k, n in above if n] + [(kind, name)], estate=estate)


def places_search(*, user, q: str, limit: int = 30) -> list[dict]:
    """Places matching `q` the way people name them — estate and building (“铁建 3号楼”), grid
    (“第1网格”), or their pinyin initials (“tjly”, “tjly3”) — estates first (pick one to list its
    buildings), then buildings and grids, each with its readable address."""
    tokens = [t for t in re.split(r"\s+", (q or "").strip().lower()) if t][:5]
    if not tokens:
        return []
    steplen = AreaNode.steplen
    base = places_visible(user=user)
    buildings = list(
        base.filter(kind=AreaKind.BUILDING).values(
            "pk", "kind", "path", "name", "estate_id", "estate__name", "latitude", "longitude", "numchild"
        )[:20000]
    )
    grids = list(base.filter(kind=AreaKind.GRID).values("pk", "kind", "path", "name", "latitude", "longitude", "numchild"))
    names = _context_names(user, {b["path"] for b in buildings} | {g["path"] for g in grids})

    def matches(*texts: str) -> bool:
        plain = "".join(t.replace(" ", "").lower() for t in texts)
        spelt = "".join(initials(t) for t in texts)
        return all(token in plain or token in spelt for token in tokens)

    estates: dict[int, dict] = {}
    found: list[tuple] = []
    for b in buildings:
        estate = b["estate__name"] or ""
        grid = names.get(b["path"][: 4 * steplen], "")
        community = names.get(b["path"][: 3 * steplen], "")
        if estate and matches(estate):
            entry = estates.setdefault(b["estate_id"], {"name": estate, "community": community, "count": 0})
            entry["count"] += 1
        if matches(estate, b["name"]) or matches(estate, b["name"], grid) or matches(grid, b["name"]):
            label = f"{estate} {b['name']}".strip()
            found.append(((estate, _number_key(b["name"]), grid), b, label,
                          _readable(b["path"], AreaKind.BUILDING, b["name"], estate, names)))
    for g in grids:
        community = names.get(g["path"][: 3 * steplen], "")
        if matches(g["name"]) or matches(community, g["name"]):
            found.append((("", (0, ""), g["name"]), g, f"{g['name']}（{community}）" if community else g["name"],
                          _readable(g["path"], AreaKind.GRID, g["name"], "", names)))
    results = [
        {"id": pk, "kind": "estate", "label": e["name"], "address": f"{e['community']} {e['name']}".strip(),
         "latitude": None, "longitude": None, "children": e["count"]}
        for pk, e in sorted(estates.items(), key=lambda item: item[1]["name"])
    ]
    for _key, row, label, address in sorted(found, key=lambda item: item[0]):
        results.append(_place_row(row, label=label, address=address))
    return results[:limit]


def place_children(*, user, parent: AreaNode | None = None, estate_id: int | None = None) -> list[dict]:
    """What to pick next: the buildings of an estate, the units of a building, the flats of a unit
    (in their natural order: 2号楼 before 10号楼)."""
    base = places_visible(user=user)
    if estate_id is not None:
        estate = Estate.objects.filter(pk=estate_id).first()
        rows = list(base.filter(kind=AreaKind.BUILDING, estate_id=estate_id).values(
            "pk", "kind", "path", "name", "latitude", "longitude", "numchild"))
        if estate is None or not rows:
            raise NotFound()
        names = _context_names(user, {r["path"] for r in rows})
        rows.sort(key=lambda r: (_number_key(r["name"]), r["path"]))
        # Two “1号楼” of one estate in different grids are told apart by their grid.
        repeated = {r["name"] for r in rows if sum(1 for o in rows if o["name"] == r["name"]) > 1}
        result = []
        for r in rows:
            grid = names.get(r["path"][: 4 * AreaNode.steplen], "")
            label = f"{r['name']}（{grid}）" if r["name"] in repeated else r["name"]
            result.append(_place_row(r, label=label, address=_readable(r["path"], AreaKind.BUILDING, r["name"], estate.name, names)))
        return result
    children = list(base.filter(path__startswith=parent.path, depth=parent.depth + 1).values(
        "pk", "kind", "path", "name", "latitude", "longitude", "numchild"))
    children.sort(key=lambda r: (_number_key(r["name"]), r["path"]))
    prefix = address_of(parent)
    joined = parent.kind in (AreaKind.BUILDING, AreaKind.UNIT)
    return [_place_row(r, label=r["name"], address=f"{prefix}{'' if joined else ' '}{r['name']}") for r in children]


def place_map(*, user, node: AreaNode | None = None) -> dict:
    """What the map draws for the community of `node` (or the user's first): its grids' and
    estates' outlines and its buildings as points, in longitude/latitude; the page's script
    projects them onto an SVG. Nothing leaves the server for a map service."""
    steplen = AreaNode.steplen
    base = places_visible(user=user)
    # The community frames the map; a grid worker sees only their grid's shapes and buildings in it.
    start = node if node is not None and node.depth >= 3 else base.filter(depth__gte=3).order_by("path").first()
    community = AreaNode.objects.filter(path=start.path[: 3 * steplen]).first() if start is not None else None
    if community is None:
        return {"community": None, "grids": [], "estates": [], "buildings": []}
    grids = list(base.filter(kind=AreaKind.GRID, path__startswith=community.path).order_by("path").values(
        "pk", "path", "name", "outline"))
    grid_by_path = {g["path"]: g for g in grids}
    street = address_of(community)
    buildings = []
    for b in base.filter(kind=AreaKind.BUILDING, path__startswith=community.path, latitude__isnull=False).order_by(
        "path").values("pk", "path", "name", "estate__name", "latitude", "longitude", "numchild"):
        grid = grid_by_path.get(b["path"][: 4 * steplen], {})
        label = f"{b['estate__name'] or ''} {b['name']}".strip()
        address = address_text([(AreaKind.STREET, ""), (AreaKind.GRID, grid.get("name", "")), (AreaKind.BUILDING, b["name"])],
                               estate=b["estate__name"] or "").strip()
        buildings.append({"id": b["pk"], "kind": AreaKind.BUILDING.value, "label": label, "name": b["name"],
                          "address": f"{street} {address}", "children": b["numchild"],
                          "longitude": float(b["longitude"]), "latitude": float(b["latitude"]), "grid": grid.get("pk")})
    estates = [{"id": e.pk, "name": e.name, "outline": e.outline}
               for e in Estate.objects.filter(community=community).order_by("name") if e.outline]
    return {
        "community": {"id": community.pk, "name": community.name, "address": street,
                      "outline": community.outline},
        "grids": [{"id": g["pk"], "name": g["name"], "outline": g["outline"]} for g in grids],
        "estates": estates,
        "buildings": buildings,
    }
