"""Co-building demo: the contact cards (民情联系卡) of the demo community's first grid, printed by
the community's staff, so that the cards page shows them up to date (and, after the members'
loader paired members with households, naming them). Reads ctx.data["main_community"], ["grids"]
and ["users"] when the earlier loaders left them, else takes the first grid there is. Leaves
ctx.data["cards"]: {"grid": the grid, "printed": how many cards}."""

from __future__ import annotations

from django.urls import reverse

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core.permissions import can

from ..selectors.cards import community_of
from ..services.cards import cards_print, community_phone_set

# The demo runs on a developer's machine: the QR codes open the local server.
DEMO_SITE = "http://127.0.0.1:8000"


def _grid(ctx) -> AreaNode | None:
    main = ctx.data.get("main_community")
    grids = (ctx.data.get("grids") or {}).get(main.code) if main is not None else None
    if grids:
        return grids[0]
    return AreaNode.objects.filter(kind=AreaKind.GRID, is_active=True).order_by("path").first()


def load(ctx) -> None:
    grid = _grid(ctx)
    if grid is None:
        return
    users = list((ctx.data.get("users") or {}).values())
    # the community's staff print them (the first demo account the gate lets keep the grid's lists)
    actor = next((u for u in users if can(u, "cobuilding.keep_registrations", grid)), None) or next(
        (u for u in users if can(u, "cobuilding.print_cards", grid)), ctx.actor)
    community = community_of(grid)
    if community is not None and actor is not ctx.actor:
        community_phone_set(actor=actor, community=community, phone="0931-2638110")  # the 社区服务电话 on the cards
    form = f"{DEMO_SITE}{reverse('cases:new')}"
    _content, printed = cards_print(actor=actor, areas=[grid], form_url=lambda pk: f"{form}?location={pk}")
    ctx.data["cards"] = {"grid": grid, "printed": printed}
    ctx.log(f"  contact cards: {printed} printed for {grid.name}")
