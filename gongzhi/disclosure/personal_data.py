"""Nothing personal is published: the check every publication runs, reusable by any public page.

What is found, in the text a notice would publish (title, body, statement lines, fund purposes):
- ID numbers: 18-character resident ID numbers (区划 6 digits, a birth date 18xx–20xx that exists,
  3 digits, a check character) whose ISO 7064 MOD 11-2 check character is right, and the old
  15-digit form (6 + YYMMDD + 3). A number of that shape with a wrong check character is still
  refused: it looks like an ID number to a reader, and a mistyped ID number is still personal.
- Mobile numbers: mainland 1[3-9] + 9 digits, not part of a longer digit run (spaces or dashes
  between groups allowed: 138 1234 5678, 138-1234-5678).
- Names of private persons: the names (two characters or more) of the people registered as living
  in the community (`residents.Person`), except those who hold a public office there (members of an
  active body of the community: the two committees, the supervision committee, a council — their
  names are published on purpose, e.g. the committee's election). Any other name cannot be
  recognised reliably without a word list; the publisher may confirm, name by name, that a match
  is not a person (a common word like 高峰 that is also someone's name): `allowed_names`, recorded
  in the audit note by the caller.

`findings(text, community=...)` lists what was found; `check_publishable(...)` refuses with the
field named; `mask(text, community=...)` masks the same things (张* / 138****5678 /
6201**********1234) for texts that must be shown anyway (a resident's question before an answer).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core import pii
from gongzhi.core.errors import InvalidInput

ID_NUMBER = "id_number"
PHONE = "phone"
NAME = "name"

_ID18 = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})((?:18|19|20)\d{2})(\d{2})(\d{2})(\d{3})([0-9Xx])(?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<!\d)([1-9]\d{5})(\d{2})(\d{2})(\d{2})(\d{3})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)[\s\-]?(\d{4})[\s\-]?(\d{4})(?!\d)")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
MIN_NAME_LENGTH = 2


@dataclass(frozen=True)
class Finding:
    kind: str  # ID_NUMBER, PHONE, NAME
    value: str
    start: int
    end: int

    @property
    def masked(self) -> str:
        return pii.mask(self.kind, self.value)


def id_check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits of a resident ID number."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _id_numbers(text: str) -> list[Finding]:
    found = []
    for m in _ID18.finditer(text):
        if _real_date(int(m.group(2)), int(m.group(3)), int(m.group(4))):
            found.append(Finding(ID_NUMBER, m.group(0).upper(), m.start(), m.end()))
    for m in _ID15.finditer(text):
        if _real_date(1900 + int(m.group(2)), int(m.group(3)), int(m.group(4))):
            found.append(Finding(ID_NUMBER, m.group(0), m.start(), m.end()))
    return found


def id_number_is_valid(value: str) -> bool:
    """An 18-character ID number with a real birth date and the right check character."""
    value = pii.normalise_id_number(value)
    m = _ID18.fullmatch(value)
    return bool(m) and _real_date(int(m.group(2)), int(m.group(3)), int(m.group(4))) and (
        id_check_character(value[:17]) == value[17])


def _mobiles(text: str) -> list[Finding]:
    return [Finding(PHONE, "".join(m.groups()), m.start(), m.end()) for m in _MOBILE.finditer(text)]


def private_names(community: AreaNode | None) -> frozenset[str]:
    """The names of the people living in the community who hold no public office there."""
    if community is None:
        return frozenset()
    from gongzhi.meetings.models import BodyMember
    from gongzhi.residents.models import Person, PersonStatus

    names = set(
        Person.objects.filter(household__path__startswith=community.path, status=PersonStatus.LIVING)
        .values_list("name", flat=True).distinct()
    )
    public = set(
        BodyMember.objects.filter(body__area__path__startswith=community.path, body__is_active=True,
                                  left_on__isnull=True).values_list("name", flat=True)
    )
    return frozenset(n.strip() for n in names - public if n and len(n.strip()) >= MIN_NAME_LENGTH)


def _names(text: str, names: Iterable[str]) -> list[Finding]:
    found = []
    for name in names:
        start = text.find(name)
        while start >= 0:
            found.append(Finding(NAME, name, start, start + len(name)))
            start = text.find(name, start + len(name))
    return found


def findings(text: str, *, community: AreaNode | None = None, names: Iterable[str] | None = None,
             allowed_names: Iterable[str] = ()) -> list[Finding]:
    """Everything personal in `text`, in order of appearance. `names` overrides the community's
    private names (pass them when checking many texts of one community)."""
    text = text or ""
    if names is None:
        names = private_names(community)
    allowed = {n.strip() for n in allowed_names}
    result = _id_numbers(text) + _mobiles(text) + _names(text, (n for n in names if n not in allowed))
    # Overlaps (a mobile number inside an ID number) count once, the longer wins.
    result.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Finding] = []
    for f in result:
        if kept and f.start < kept[-1].end:
            continue
        kept.append(f)
    return kept


def mask(text: str, *, community: AreaNode | None = None, names: Iterable[str] | None = None) -> str:
    """`text` with every finding masked."""
    text = text or ""
    out, last = [], 0
    for f in findings(text, community=community, names=names):
        out.append(text[last:f.start])
        out.append(f.masked)
        last = f.end
    out.append(text[last:])
    return "".join(out)


def describe(finding: Finding) -> str:
    if finding.kind == ID_NUMBER:
        return _("an ID number (%(value)s)") % {"value": finding.masked}
    if finding.kind == PHONE:
        return _("a mobile number (%(value)s)") % {"value": finding.masked}
    return _("the name of a resident (%(value)s)") % {"value": finding.value}


def check_publishable(texts: Mapping[str, str], *, community: AreaNode | None,
                      allowed_names: Iterable[str] = ()) -> None:
    """Refuse (InvalidInput, each problem on its field) when any text holds an ID number, a mobile
    number or the name of a private resident of the community."""
    names = private_names(community)
    problems: dict[str, list[str]] = {}
    for field, text in texts.items():
        found = findings(text, names=names, allowed_names=allowed_names)
        if found:
            listed = "、".join(dict.fromkeys(describe(f) for f in found))
            problems[field] = [_("Nothing personal is published: remove %(what)s, or write a surname with 某 "
                                 "(e.g. 王某).") % {"what": listed}]
    if problems:
        raise InvalidInput(next(iter(problems.values()))[0], fields=problems)
