"""The public building page (no login): each household of a building with its points of the year,
its standing and its final stars. A household is named only where it agreed (its consent in force,
e.g. 王家); otherwise 某户 with the unit and the room masked as the project masks (`core.pii`).
Nothing personal is ever shown: no person's name, no number."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core.pii import mask

from ..models import NameConsent
from .points import building_standings

ROOM = "room"


def public_building(*, code: str) -> AreaNode | None:
    """An active building by its code (the page's address); None for anything else."""
    if not code or len(code) > 32 or not code.isdigit():
        return None
    return AreaNode.objects.filter(code=code, kind=AreaKind.BUILDING, is_active=True).first()


@dataclass(frozen=True)
class PublicRow:
    label: str
    named: bool
    points: int
    rank: int
    stars: int | None


def masked_room(household: AreaNode, units: dict[str, str]) -> str:
    unit = units.get(household.path[:-AreaNode.steplen], "")
    return f"{unit}{mask(ROOM, household.name)}"


def public_rows(*, building: AreaNode, year: int) -> list[PublicRow]:
    standings = building_standings(building=building, year=year)
    consents = dict(NameConsent.objects.filter(household__path__startswith=building.path, revoked_at__isnull=True)
                    .values_list("household_id", "display_name"))
    units = dict(AreaNode.objects.filter(path__startswith=building.path, kind=AreaKind.UNIT).values_list("path", "name"))
    rows = []
    for s in standings:
        name = consents.get(s.household.pk)
        label = name if name else _("A household, %(room)s") % {"room": masked_room(s.household, units)}
        rows.append(PublicRow(label=label, named=bool(name), points=s.points, rank=s.rank, stars=s.stars))
    return sorted(rows, key=lambda r: (r.rank, r.label))
