"""Test data of civility, made with the models directly: standards, a household's consent, a bonus
formula and star thresholds (the migration's defaults are there too: these add to them)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from gongzhi.civility.models import BonusFormula, NameConsent, Standard, StarThreshold

_serial = itertools.count(1)
START = dt.date(2020, 1, 1)
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def standard(*, area=None, name: str = "", code: str = "", met: int = 3, broken: int = 5,
             valid_from: dt.date | None = None) -> Standard:
    n = next(_serial)
    return Standard.objects.create(code=code or f"test-{n}", name=name or f"测试标准{n}", points_met=met,
                                   points_broken=broken, area=area,
                                   valid_from=valid_from or START)


def only_standards(area, *rows: tuple[str, int, int]) -> list[Standard]:
    """Standards for `area` that replace the defaults there (same codes, so the defaults never show
    up beside them): rows of (name, met, broken). Returns them in order."""
    defaults = list(Standard.objects.filter(area__isnull=True).values_list("code", flat=True))
    made = []
    for index, (name, met, broken) in enumerate(rows):
        made.append(standard(area=area, name=name, met=met, broken=broken,
                             code=defaults[index] if index < len(defaults) else ""))
    # the remaining defaults are not checked in the area
    for code in defaults[len(rows):]:
        Standard.objects.create(code=code, name="停用", points_met=0, points_broken=1, area=area,
                                valid_from=START, is_active=False)
    return made


def consent(household, name: str = "王家", by=None) -> NameConsent:
    return NameConsent.objects.create(household=household, display_name=name, recorded_by=by)


def formula(area, *, floor: int = 10, per_point: str = "1.50", cap: str | None = "50.00",
            valid_from: dt.date = dt.date(2020, 1, 1)) -> BonusFormula:
    return BonusFormula.objects.create(name="测试奖金", area=area, floor=floor, per_point=Decimal(per_point),
                                       cap=Decimal(cap) if cap is not None else None, valid_from=valid_from)


def thresholds(area, *pairs: tuple[int, int], valid_from: dt.date = dt.date(2020, 1, 1)) -> list[StarThreshold]:
    return [StarThreshold.objects.create(area=area, stars=s, min_points=p, valid_from=valid_from) for s, p in pairs]
