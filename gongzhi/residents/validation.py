"""Checks of one value at a time, shared by the services, the import and the forms. Each returns
the cleaned value or raises `ValueError` with a translated message that never contains the full
ID number or phone (only the masked form)."""

from __future__ import annotations

import datetime
import re
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin

from gongzhi.core import pii

from .models import Gender

_ID_BODY = re.compile(r"^\d{17}[\dX]$")


@lru_cache(maxsize=8192)
def _place_known(prefix: str) -> bool:
    """Whether the first six digits name a county in python-stdnum's region table. The years a
    county code was in use are not checked: people born before a code existed hold numbers with
    it (IDs were issued from 1984 on with the then-current codes)."""
    from stdnum import numdb

    info = {k: v for _part, props in numdb.get("cn/loc").info(prefix) for k, v in props.items()}
    return bool(info.get("county"))


def clean_id_number(value: str, *, quote: bool = True) -> tuple[str, datetime.date, str]:
    """A resident ID (居民身份证) number checked with python-stdnum rules: length, digits, check
    digit, date of birth and region. Returns (number, date of birth, gender).

    `quote=False` words the message for a form that shows it beside the box holding the number as
    typed (no masked copy of the number in it); the import and the services quote it masked."""
    from stdnum.cn import ric

    number = pii.normalise_id_number(value)
    masked = pii.mask_id_number(number)

    def problem(quoted: str, plain: str) -> ValueError:
        return ValueError(quoted % {"masked": masked} if quote else plain)

    if len(number) != 18 or not _ID_BODY.match(number):
        raise problem(_("The ID number %(masked)s must have 18 characters: 17 digits and a digit or X."),
                      _("An ID number has 18 characters: 17 digits and a digit or X (this one has %(n)s).")
                      % {"n": len(number)})
    if number[-1] != ric.calc_check_digit(number):
        raise problem(_("The ID number %(masked)s has a wrong check digit."),
                      _("The last character (the check digit) does not fit the other 17: check each digit."))
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise problem(_("The ID number %(masked)s contains an impossible date of birth."),
                      _("Characters 7 to 14 (the date of birth) are not a real date.")) from None
    if born > timezone.localdate() or born.year < 1880:
        raise problem(_("The ID number %(masked)s contains an impossible date of birth."),
                      _("Characters 7 to 14 (the date of birth) are not a real date."))
    if not _place_known(number[:6]):
        raise problem(_("The ID number %(masked)s begins with an unknown region code."),
                      _("The first six digits are not a known region code."))
    gender = Gender.MALE if int(number[16]) % 2 == 1 else Gender.FEMALE
    return number, born, gender


def check_not_future(value: datetime.date | None, *, label: str) -> datetime.date | None:
    """A date of birth or move-in: not after today (ValueError naming the field otherwise)."""
    if value is not None and value > timezone.localdate():
        raise ValueError(_("%(label)s cannot lie in the future (%(date)s is after today).")
                         % {"label": label, "date": value.isoformat()})
    return value


def clean_phone(value: str, *, quote: bool = True) -> str:
    """A mainland mobile (11 digits, 1[3-9]…) or a landline with area code (`pii.is_phone`, the
    product's one phone rule); "" stays "". `quote=False`: the message for a form's own box."""
    if value is None or str(value).strip() == "":
        return ""
    number = pii.normalise_phone(value)
    if pii.is_phone(number):
        return number
    if not quote:
        raise ValueError(_("Not a valid mobile (11 digits beginning with 1) or landline with area code."))
    raise ValueError(
        _("The phone number %(masked)s is not a valid mobile (11 digits) or landline with area code.")
        % {"masked": pii.mask_phone(number) or "*"}
    )


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def clean_date(value, *, label: str) -> datetime.date | None:
    """A date from a spreadsheet cell or form: a date, or text like 2024-03-01, 2024/3/1, 20240301."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-":  # the common case, in C
        try:
            parsed = datetime.date.fromisoformat(text)
        except ValueError:
            pass
        else:
            if 1880 <= parsed.year and parsed <= timezone.localdate() + datetime.timedelta(days=366):
                return parsed
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if parsed.year < 1880:
            raise ValueError(_("%(label)s: %(value)s lies before 1880.") % {"label": label, "value": text[:20]})
        if parsed > timezone.localdate() + datetime.timedelta(days=366):
            raise ValueError(_("%(label)s: %(value)s lies in the future.") % {"label": label, "value": text[:20]})
        return parsed
    raise ValueError(_("%(label)s: “%(value)s” is not a date (write it as 2024-03-01).") % {"label": label, "value": text[:20]})


# Surnames whose reading differs from the character's most common one.
_SURNAME_PINYIN = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha", "区": "ou", "乐": "yue",
    "覃": "qin", "盖": "ge", "缪": "miao", "翟": "zhai", "秘": "bi", "尉": "yu", "员": "yun", "种": "chong",
    "召": "shao", "繁": "po",
}
_NOT_LETTER = re.compile(r"[^a-z]")


@lru_cache(maxsize=20000)
def _char_pinyin(char: str) -> str:
    syllables = lazy_pinyin(char, errors="default")
    return _NOT_LETTER.sub("", "".join(syllables).lower())


def name_pinyin(name: str) -> tuple[str, str]:
    """(initials, full pinyin) of a name, lower-case letters only: 张三 → ("zs", "zhangsan").
    Character by character (cached), the first reading of each; known surname readings
    (单 shan, 曾 zeng, 解 xie …) for the first character. Latin letters are kept."""
    name = (name or "").strip()
    if not name:
        return "", ""
    parts = []
    for index, char in enumerate(name):
        if index == 0 and char in _SURNAME_PINYIN:
            parts.append(_SURNAME_PINYIN[char])
        elif char.isascii():
            if char.isalpha():
                parts.append(char.lower())
        else:
            parts.append(_char_pinyin(char))
    initials = "".join(p[:1] for p in parts if p)
    return initials[:50], "".join(parts)[:200]


