"""Demo area tree: one district with one street; in it 瓜州路社区 at the scale of seed 003
(6 grids, 3,030 households, 17 units) and two lighter communities; estates, departments.

Leaves in ctx.data: district, street, communities, main_community, grids, buildings, households,
units, departments, estates."""

from decimal import Decimal

from gongzhi.core.demo import DemoContext

from . import services
from .models import AreaKind, AreaNode, UnitKind

MAIN_HOUSEHOLDS = 3030
MAIN_GRIDS = 6
MAIN_UNITS = 17

DEPARTMENTS = [
    ("cg", "城市管理局", "城管"),
    ("zj", "住房和城乡建设局", "住建"),
    ("mz", "民政局", "民政"),
    ("rs", "人力资源和社会保障局", "人社"),
    ("ga", "公安分局", "公安"),
    ("sf", "司法局", "司法"),
    ("wj", "卫生健康局", "卫健"),
    ("sthj", "生态环境分局", "生态环境"),
    ("scjg", "市场监督管理局", "市场监管"),
    ("jy", "教育局", "教育"),
]

ESTATES = [("瓜州路小区", "兰州安居物业服务有限公司"), ("铁建丽苑", "中铁建物业管理有限公司"),
           ("西站家园", "西站物业服务有限公司"), ("金港城", "金港物业管理有限公司")]

OTHER_UNITS = [
    ("七里河区第一小学", UnitKind.SCHOOL), ("瓜州路幼儿园", UnitKind.SCHOOL), ("西站社区卫生服务中心", UnitKind.HOSPITAL),
    ("兰州西站综合交通枢纽", UnitKind.AGENCY), ("国网七里河供电公司", UnitKind.ENTERPRISE),
    ("兰州银行西站支行", UnitKind.ENTERPRISE), ("西站派出所", UnitKind.AGENCY), ("瓜州路农贸市场", UnitKind.ENTERPRISE),
    ("兰州市第二人民医院", UnitKind.HOSPITAL), ("红十字志愿服务队", UnitKind.SOCIAL_ORG),
    ("乐龄社会工作服务中心", UnitKind.SOCIAL_ORG), ("七里河区税务局西站分局", UnitKind.AGENCY),
    ("西站商业广场", UnitKind.ENTERPRISE),
]

BASE_LAT, BASE_LNG = Decimal("36.055000"), Decimal("103.760000")
# Each grid is a block of the map (longitude × latitude degrees, about 360 m × 330 m); the main
# community's six grids lie in two rows so that each estate's two grids are neighbours:
# row 0: grids 1 2 3, row 1: grids 5 6 4 (grids 1/5 瓜州路小区, 2/6 铁建丽苑, 3 西站家园, 4 金港城).
GRID_W, GRID_H = 0.004, 0.003
MAIN_LAYOUT = {0: (0, 0), 1: (1, 0), 2: (2, 0), 4: (0, 1), 5: (1, 1), 3: (2, 1)}


def load(ctx: DemoContext) -> None:
    actor = ctx.actor
    district = services.area_node_create(actor=actor, parent=None, kind=AreaKind.DISTRICT, code="620103", name="七里河区")
    street = services.area_node_create(actor=actor, parent=district, kind=AreaKind.STREET, code="620103001", name="西站街道")
    communities = services.area_children_bulk_create(
        actor=actor,
        parent=street,
        children=[
            {"kind": AreaKind.COMMUNITY, "code": "620103001001", "name": "瓜州路社区"},
            {"kind": AreaKind.COMMUNITY, "code": "620103001002", "name": "建西东路社区"},
            {"kind": AreaKind.COMMUNITY, "code": "620103001003", "name": "武威路社区"},
        ],
    )
    main = communities[0]
    departments = {
        code: services.department_save(actor=actor, district=district, code=code, name=f"七里河区{name}", short_name=short)
        for code, name, short in DEPARTMENTS
    }

    # The main community's 17 units: the four estates' property companies and 13 others.
    units = []
    for _, company in ESTATES:
        units.append(services.unit_save(actor=actor, name=company, kind=UnitKind.PROPERTY_COMPANY, area=main,
                                        contact_name=ctx.faker.name(), contact_phone=ctx.faker.phone_number()))
    for name, kind in OTHER_UNITS[: MAIN_UNITS - len(ESTATES)]:
        units.append(services.unit_save(actor=actor, name=name, kind=kind, area=main,
                                        contact_name=ctx.faker.name(), contact_phone=ctx.faker.phone_number()))
    estates = [
        services.estate_save(actor=actor, community=main, name=name, property_company=units[i],
                             owners_committee=f"{name}业主委员会", owners_committee_contact_name=ctx.faker.name(),
                             owners_committee_phone=ctx.faker.phone_number())
        for i, (name, _) in enumerate(ESTATES)
    ]

    grids = {}
    buildings: list[AreaNode] = []
    households: list[AreaNode] = []
    per_grid = [MAIN_HOUSEHOLDS // MAIN_GRIDS + (1 if i < MAIN_HOUSEHOLDS % MAIN_GRIDS else 0) for i in range(MAIN_GRIDS)]
    grids[main.code] = services.area_children_bulk_create(
        actor=actor, parent=main,
        children=[{"kind": AreaKind.GRID, "code": f"{main.code}{i + 1:03d}", "name": f"第{i + 1}网格",
                   "outline": _block(*MAIN_LAYOUT[i])} for i in range(MAIN_GRIDS)],
    )
    numbers: dict[str, int] = {}  # buildings are numbered through the estate (铁建丽苑 1–40号楼)
    for index, grid in enumerate(grids[main.code]):
        b, h = _fill_grid(ctx, grid, per_grid[index], estates[index % len(estates)], MAIN_LAYOUT[index], numbers)
        buildings += b
        households += h
    _outline(actor, main, [MAIN_LAYOUT[i] for i in range(MAIN_GRIDS)])
    for estate_index, estate in enumerate(estates):
        blocks = [MAIN_LAYOUT[i] for i in range(MAIN_GRIDS) if i % len(estates) == estate_index]
        services.estate_save(actor=actor, estate=estate, outline=_around(blocks, inset=0.0002))
    for offset, community in enumerate(communities[1:], start=1):
        blocks = [(3 + offset, 0), (3 + offset, 1)]  # east of the main community, one column each
        grids[community.code] = services.area_children_bulk_create(
            actor=actor, parent=community,
            children=[{"kind": AreaKind.GRID, "code": f"{community.code}{i + 1:03d}", "name": f"第{i + 1}网格",
                       "outline": _block(*blocks[i])} for i in range(2)],
        )
        for index, grid in enumerate(grids[community.code]):
            _fill_grid(ctx, grid, 24, None, blocks[index], {})
        _outline(actor, community, blocks)
    # The street around all its communities (the district's map shades it).
    _outline(actor, street, [MAIN_LAYOUT[i] for i in range(MAIN_GRIDS)]
             + [(3 + offset, row) for offset in range(1, len(communities)) for row in (0, 1)])
    ctx.data.update(
        district=district, street=street, communities=communities, main_community=main, grids=grids,
        buildings=buildings, households=households, units=units, departments=departments, estates=estates,
    )
    ctx.log(f"areas: {AreaNode.objects.count()} nodes, {len(households)} households in {main.name}")


def _corner(column: int, row: int) -> tuple[float, float]:
    """South-west corner (longitude, latitude) of the map block at `column`, `row` (row 0 north)."""
    return float(BASE_LNG) + column * GRID_W, float(BASE_LAT) - row * GRID_H


def _block(column: int, row: int) -> list[list[float]]:
    lng, lat = _corner(column, row)
    return [[round(x, 6), round(y, 6)] for x, y in
            ((lng, lat), (lng + GRID_W, lat), (lng + GRID_W, lat + GRID_H), (lng, lat + GRID_H))]


def _around(blocks: list[tuple[int, int]], *, inset: float = 0.0) -> list[list[float]]:
    """The rectangle around these blocks (they lie in one rectangle), `inset` degrees inside."""
    west = min(_corner(c, r)[0] for c, r in blocks) + inset
    east = max(_corner(c, r)[0] for c, r in blocks) + GRID_W - inset
    south = min(_corner(c, r)[1] for c, r in blocks) + inset
    north = max(_corner(c, r)[1] for c, r in blocks) + GRID_H - inset
    return [[round(x, 6), round(y, 6)] for x, y in ((west, south), (east, south), (east, north), (west, north))]


def _outline(actor, community: AreaNode, blocks: list[tuple[int, int]]) -> None:
    services.area_node_update(actor=actor, node=community, name=community.name, outline=_around(blocks))


def _fill_grid(ctx: DemoContext, grid: AreaNode, household_count: int, estate, block: tuple[int, int],
               numbers: dict[str, int]):
    """Buildings of 2–3 entrance units and 5–7 floors, two flats a floor, until the grid holds
    exactly `household_count` households; on the map in rows of five inside the grid's block,
    numbered on through their estate."""
    actor = ctx.actor
    plans = []
    remaining = household_count
    while remaining > 0:
        units = ctx.rng.choice([2, 2, 3])
        floors = ctx.rng.choice([5, 6, 6, 7])
        size = min(units * floors * 2, remaining)
        plans.append((units, floors, size))
        remaining -= size
    specs = []
    west, south = _corner(*block)
    rows = (len(plans) + 4) // 5
    key = estate.name if estate else grid.code
    for index, _ in enumerate(plans):
        numbers[key] = numbers.get(key, 0) + 1
        column, row = index % 5, index // 5
        lng = west + GRID_W * (column + 0.5) / 5
        lat = south + GRID_H * (0.14 + 0.7 * (rows - row - 0.5) / rows)  # room for the names above and below
        specs.append({
            "kind": AreaKind.BUILDING, "code": f"{grid.code}{index + 1:03d}", "name": f"{numbers[key]}号楼",
            "estate": estate,
            "latitude": Decimal(str(round(lat, 6))), "longitude": Decimal(str(round(lng, 6))),
        })
    buildings = services.area_children_bulk_create(actor=actor, parent=grid, children=specs)
    households = []
    for building, (unit_count, floors, size) in zip(buildings, plans, strict=True):
        units = services.area_children_bulk_create(
            actor=actor, parent=building,
            children=[{"kind": AreaKind.UNIT, "code": f"{building.code}{u:02d}", "name": f"{u}单元"} for u in range(1, unit_count + 1)],
        )
        left = size
        for unit in units:
            flats = []
            for floor in range(1, floors + 1):
                for door in (1, 2):
                    if left == 0:
                        break
                    room = floor * 100 + door
                    flats.append({"kind": AreaKind.HOUSEHOLD, "code": f"{unit.code}{room:04d}", "name": f"{room}室"})
                    left -= 1
            if flats:
                households += services.area_children_bulk_create(actor=actor, parent=unit, children=flats)
    return buildings, households
