"""Generated (never real) residents for demo data, tests and the import benchmark: ID numbers with
a correct check digit under a real region code, mobile numbers, and .xlsx files in the template's
layout."""

from __future__ import annotations

import datetime
import io
import random

from django.utils import timezone

from . import xlsx

REGIONS = ("620103", "620102", "620104", "620105", "620111", "620121", "620122")  # 兰州 districts and counties
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_MOBILE_PREFIXES = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155", "158", "159",
                    "176", "177", "180", "181", "186", "187", "188", "189", "199")


def check_digit(body17: str) -> str:
    total = sum(int(d) * w for d, w in zip(body17, _WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def id_number(*, born: datetime.date, male: bool, region: str = "620103", order: int = 1) -> str:
    """An ID number for a generated person: region + date of birth + order code (odd for men,
    even for women) + check digit."""
    sequence = (order % 499) * 2 + (1 if male else 2)
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    return body + check_digit(body)


def random_birth(rng: random.Random, *, min_age: int = 0, max_age: int = 95, today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    days = rng.randint(min_age * 365 + 1, max_age * 365)
    return today - datetime.timedelta(days=days)


def mobile(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"


def unique_ids(rng: random.Random, count: int, *, min_age: int = 0, max_age: int = 95) -> list[tuple[str, datetime.date, bool]]:
    """`count` distinct (ID number, date of birth, male) triples."""
    seen: set[str] = set()
    found = []
    while len(found) < count:
        born = random_birth(rng, min_age=min_age, max_age=max_age)
        male = rng.random() < 0.5
        number = id_number(born=born, male=male, region=rng.choice(REGIONS), order=rng.randint(0, 498))
        if number not in seen:
            seen.add(number)
            found.append((number, born, male))
    return found


def write_xlsx(rows: list[dict], *, target=None) -> bytes | None:
    """Write rows (dicts keyed by the template's column keys) under the template's headers.
    Returns the bytes, or writes to `target` (a path or file) and returns None."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("居民信息")
    ws.append(xlsx.HEADERS)
    keys = [key for key, _, _ in xlsx.COLUMNS]
    for row in rows:
        ws.append([row.get(key, "") for key in keys])
    if target is not None:
        wb.save(target)
        return None
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
