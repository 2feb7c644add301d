"""The residents spreadsheet: its Chinese column headers and value labels (the product's own
wording, the same in every language), the downloadable template and the error report."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from .models import Gender, Relation, ResidenceType, TagKind

# (key, header, required)
COLUMNS: list[tuple[str, str, bool]] = [
    ("name", "姓名", True),
    ("gender", "性别", False),
    ("id_number", "公民身份号码", False),
    ("birth_date", "出生日期", False),
    ("phone", "联系电话", False),
    ("residence_type", "人口类型", True),
    ("relation", "与户主关系", True),
    ("building", "楼栋", True),
    ("unit", "单元", False),
    ("room", "房号", True),
    ("occupation", "职业", False),
    ("employer", "工作单位", False),
    ("party", "是否党员", False),
    ("tags", "特殊人群", False),
    ("moved_in_on", "迁入日期", False),
    ("notes", "备注", False),
]
HEADERS = [header for _, header, _ in COLUMNS]
HEADER_OF = {key: header for key, header, _ in COLUMNS}

GENDER_LABELS = {Gender.MALE: "男", Gender.FEMALE: "女", Gender.UNKNOWN: "未知"}
RESIDENCE_LABELS = {ResidenceType.REGISTERED: "户籍", ResidenceType.PERMANENT: "常住", ResidenceType.FLOATING: "流动"}
RELATION_LABELS = {
    Relation.HEAD: "户主",
    Relation.SPOUSE: "配偶",
    Relation.CHILD: "子女",
    Relation.PARENT: "父母",
    Relation.GRANDPARENT: "祖父母",
    Relation.GRANDCHILD: "孙子女",
    Relation.SIBLING: "兄弟姐妹",
    Relation.CHILD_IN_LAW: "儿媳/女婿",
    Relation.TENANT: "租户",
    Relation.OTHER: "其他",
}
TAG_LABELS = {
    TagKind.SUBSISTENCE: "低保",
    TagKind.EXTREME_POVERTY: "特困",
    TagKind.DISABLED: "残疾",
    TagKind.ELDERLY_ALONE: "独居老人",
    TagKind.EMPTY_NEST: "空巢老人",
    TagKind.LEFT_BEHIND_CHILD: "留守儿童",
    TagKind.VETERAN: "退役军人",
    TagKind.KEY_ATTENTION: "重点关注",
    TagKind.UNEMPLOYED: "失业人员",
    TagKind.SERIOUS_ILLNESS: "大病",
}
YES, NO = "是", "否"

# Extra spellings accepted on import.
_ALIASES = {
    "gender": {"男性": Gender.MALE, "女性": Gender.FEMALE, "m": Gender.MALE, "f": Gender.FEMALE},
    "residence_type": {"户籍人口": ResidenceType.REGISTERED, "常住人口": ResidenceType.PERMANENT,
                       "流动人口": ResidenceType.FLOATING, "暂住": ResidenceType.FLOATING},
    "relation": {"本人": Relation.HEAD, "妻": Relation.SPOUSE, "夫": Relation.SPOUSE, "妻子": Relation.SPOUSE,
                 "丈夫": Relation.SPOUSE, "子": Relation.CHILD, "女": Relation.CHILD, "儿子": Relation.CHILD,
                 "女儿": Relation.CHILD, "父亲": Relation.PARENT, "母亲": Relation.PARENT, "儿媳": Relation.CHILD_IN_LAW,
                 "女婿": Relation.CHILD_IN_LAW, "孙子": Relation.GRANDCHILD, "孙女": Relation.GRANDCHILD,
                 "外孙": Relation.GRANDCHILD, "外孙女": Relation.GRANDCHILD, "祖父": Relation.GRANDPARENT,
                 "祖母": Relation.GRANDPARENT, "兄弟": Relation.SIBLING, "姐妹": Relation.SIBLING},
    "tags": {"残疾人": TagKind.DISABLED, "退役军人": TagKind.VETERAN, "失业": TagKind.UNEMPLOYED},
}


def _lookup(labels: dict, aliases: dict) -> dict[str, str]:
    table = {str(label): str(code) for code, label in labels.items()}
    table.update({str(code): str(code) for code in labels})
    table.update({k.lower(): str(v) for k, v in aliases.items()})
    return table


LOOKUP = {
    "gender": _lookup(GENDER_LABELS, _ALIASES["gender"]),
    "residence_type": _lookup(RESIDENCE_LABELS, _ALIASES["residence_type"]),
    "relation": _lookup(RELATION_LABELS, _ALIASES["relation"]),
    "tags": _lookup(TAG_LABELS, _ALIASES["tags"]),
}


def template_bytes(place: dict | None = None) -> bytes:
    """The template: headers (required ones marked), drop-down lists, example rows, and a sheet
    explaining the columns. `place` (building, unit, room as people write them: 铁建丽苑3号楼,
    2单元, 301室) is a real flat of the downloader's area, so the example rows import as they are."""
    wb = Workbook()
    ws = wb.active
    ws.title = "居民信息"
    ws.append(HEADERS)
    bold, required_fill = Font(bold=True), PatternFill("solid", fgColor="FDECEA")
    for index, (_, _header, required) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = bold
        if required:
            cell.fill = required_fill
        ws.column_dimensions[cell.column_letter].width = 20 if index in (3, 12) else 12
    where = [place["building"], place["unit"], place["room"]] if place else ["1号楼", "1单元", "101"]
    if place:  # a real flat, where people may already live: a tenant couple moving in
        ws.append(["张三", "男", "", "1980-05-01", "", "流动", "租户", *where, "个体经营", "", "否", "", "2025-03-01",
                   "示例行，导入前请删除"])
        ws.append(["李秀兰", "女", "", "1982-11-23", "", "流动", "其他", *where, "教师", "", "否", "", "2025-03-01",
                   "示例行，导入前请删除"])
    else:
        ws.append(["张三", "男", "", "1980-05-01", "", "户籍", "户主", *where, "", "", "否", "", "", "示例行，导入前请删除"])
    ws.freeze_panes = "A2"
    for key, values in (
        ("gender", GENDER_LABELS), ("residence_type", RESIDENCE_LABELS), ("relation", RELATION_LABELS),
        ("party", {YES: YES, NO: NO}),
    ):
        column = HEADERS.index(HEADER_OF[key]) + 1
        letter = ws.cell(row=1, column=column).column_letter
        dv = DataValidation(type="list", formula1='"' + ",".join(values.values()) + '"', allow_blank=True)
        dv.add(f"{letter}2:{letter}100000")
        ws.add_data_validation(dv)
    help_sheet = wb.create_sheet("填写说明")
    help_sheet.append(["列", "必填", "说明"])
    notes = {
        "姓名": "居民姓名",
        "性别": "男 / 女；填写身份证号时按身份证号自动识别",
        "公民身份号码": "18位居民身份证号码，校验码必须正确；再次导入时按身份证号更新已有人员",
        "出生日期": "如 1980-05-01；填写身份证号时按身份证号自动识别",
        "联系电话": "11位手机号或带区号的固定电话",
        "人口类型": "户籍 / 常住 / 流动",
        "与户主关系": "、".join(RELATION_LABELS.values()),
        "楼栋": "小区和楼栋名称（如 铁建丽苑3号楼），或楼栋名称、楼栋编码；须在您的管辖范围内",
        "单元": "单元名称（如 2单元）；楼栋下直接分户时留空",
        "房号": "房号（如 301室 或 301）；已知单元下的新房号会自动建档",
        "是否党员": "是 / 否",
        "特殊人群": "可多个，用“、”分隔：" + "、".join(TAG_LABELS.values()),
        "迁入日期": "如 2020-01-01",
        "备注": "",
    }
    for _key, header, required in COLUMNS:
        help_sheet.append([header, "是" if required else "", notes.get(header, "")])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def report_bytes(errors: list[tuple[int, dict, list[str]]], *, file_problems: list[str] = ()) -> bytes:
    """The error report: one line per bad row (row number, who, where, every reason). ID numbers
    and phones appear masked only."""
    from django.utils.translation import gettext as _

    from gongzhi.core import pii
    from gongzhi.core import xlsx as sheets

    def rows():
        for problem in file_problems:
            yield ["", "", "", "", "", "", "", problem]
        for row_number, values, messages in errors:
            yield [
                row_number,
                str(values.get("name") or "")[:50],
                pii.mask_id_number(str(values.get("id_number") or "")),
                pii.mask_phone(str(values.get("phone") or "")),
                str(values.get("building") or "")[:50],
                str(values.get("unit") or "")[:50],
                str(values.get("room") or "")[:50],
                "；".join(messages),
            ]

    columns = [sheets.Column("行号", 7, sheets.INTEGER), sheets.Column("姓名", 10), sheets.Column("公民身份号码", 22),
               sheets.Column("联系电话", 16), sheets.Column("楼栋", 16), sheets.Column("单元", 8),
               sheets.Column("房号", 8), sheets.Column("错误原因", 60)]
    return sheets.write_table(
        name="错误报告", title=_("Import error report"),
        note=_("%(n)d rows with problems; fix them in your file and import it again.") % {"n": len(errors)},
        columns=columns, rows=rows(),
    )


# ---------------------------------------------------------------------------------------------
# Reading: a streaming .xlsx reader (zip + XML, expat through ElementTree.iterparse). Several
# times faster than openpyxl's read-only mode for the large uploads this app receives; handles
# shared, inline and formula strings, numbers, booleans and date-formatted numbers.
# Untrusted input: ElementTree never resolves external entities, and the bundled expat (≥ 2.4)
# limits entity amplification; zip members are size-checked against zip bombs.
# ruff: noqa: S314

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_BUILTIN_DATE_FORMATS = set(range(14, 23)) | {27, 30, 36, 45, 46, 47, 50, 57}


MAX_MEMBER_BYTES = 1_000_000_000


class NotAWorkbook(Exception):
    pass


def _column_index(ref: str) -> int:
    index = 0
    for char in ref:
        if "A" <= char <= "Z":
            index = index * 26 + (ord(char) - 64)
        else:
            break
    return index - 1


def _text_of(element) -> str:
    """Text of a shared or inline string (<t>, or rich-text runs <r><t>), without phonetic runs."""
    direct = element.find(f"{_NS}t")
    if direct is not None:
        return direct.text or ""
    return "".join((t.text or "") for r in element.findall(f"{_NS}r") for t in r.findall(f"{_NS}t"))


def _date_styles(zf) -> set[int]:
    import re as _re
    from xml.etree import ElementTree as ET

    try:
        root = ET.fromstring(zf.read("xl/styles.xml"))
    except KeyError:
        return set()
    custom = {}
    numfmts = root.find(f"{_NS}numFmts")
    if numfmts is not None:
        for fmt in numfmts.findall(f"{_NS}numFmt"):
            code = _re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", fmt.get("formatCode", "")).lower()
            custom[int(fmt.get("numFmtId", "0"))] = any(c in code for c in "ymd") and "0.0" not in code
    dates = set()
    xfs = root.find(f"{_NS}cellXfs")
    if xfs is not None:
        for index, xf in enumerate(xfs.findall(f"{_NS}xf")):
            fmt = int(xf.get("numFmtId", "0"))
            if fmt in _BUILTIN_DATE_FORMATS or custom.get(fmt):
                dates.add(index)
    return dates


def _sheet_path(zf, preferred: str) -> str:
    from xml.etree import ElementTree as ET

    workbook = ET.fromstring(zf.read("xl/workbook.xml"))
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.findall(f"{_PKG_REL}Relationship")}
    sheets = workbook.find(f"{_NS}sheets")
    chosen = None
    for sheet in sheets.findall(f"{_NS}sheet") if sheets is not None else []:
        rid = sheet.get(f"{_REL_NS}id")
        if chosen is None or sheet.get("name") == preferred:
            chosen = targets.get(rid)
            if sheet.get("name") == preferred:
                break
    if not chosen:
        raise NotAWorkbook("no worksheet")
    chosen = chosen.lstrip("/")
    return chosen if chosen.startswith("xl/") else f"xl/{chosen}"


def _date1904(zf) -> bool:
    from xml.etree import ElementTree as ET

    pr = ET.fromstring(zf.read("xl/workbook.xml")).find(f"{_NS}workbookPr")
    return pr is not None and pr.get("date1904") in ("1", "true")


def iter_rows(file, *, preferred_sheet: str = "居民信息"):
    """Yield (row number, list of cell values) for every row of the chosen sheet."""
    import datetime as dt
    import zipfile
    from xml.etree import ElementTree as ET

    try:
        zf = zipfile.ZipFile(file)
        for info in zf.infolist():
            if info.file_size > MAX_MEMBER_BYTES or (info.compress_size and info.file_size / info.compress_size > 200):
                raise NotAWorkbook("zip member too large")
        path = _sheet_path(zf, preferred_sheet)
        shared: list[str] = []
        if "xl/sharedStrings.xml" in zf.namelist():
            with zf.open("xl/sharedStrings.xml") as handle:
                for _event, element in ET.iterparse(handle, events=("end",)):
                    if element.tag == f"{_NS}si":
                        shared.append(_text_of(element))
                        element.clear()
        date_styles = _date_styles(zf)
        epoch = dt.datetime(1904, 1, 1) if _date1904(zf) else dt.datetime(1899, 12, 30)
        handle = zf.open(path)
    except (zipfile.BadZipFile, KeyError, ET.ParseError, OSError, ValueError) as exc:
        raise NotAWorkbook(str(exc)) from exc

    try:
        data = handle.read(MAX_MEMBER_BYTES + 1)
    finally:
        handle.close()
    if len(data) > MAX_MEMBER_BYTES:
        zf.close()
        raise NotAWorkbook("sheet too large")
    cells = data.count(b"<c ") + data.count(b"<c>")
    if cells == data.count(b'<c r="') and b"<![CDATA[" not in data and b"<v " not in data:
        zf.close()
        yield from _scan_rows(data.decode("utf-8", errors="replace"), shared, date_styles, epoch)
        return
    import io as _io

    handle = _io.BytesIO(data)
    row_tag, cell_tag, v_tag, is_tag = f"{_NS}row", f"{_NS}c", f"{_NS}v", f"{_NS}is"
    number = 0
    try:
        for _event, element in ET.iterparse(handle, events=("end",)):
            if element.tag != row_tag:
                continue
            r = element.get("r")
            number = int(r) if r else number + 1
            values: list = []
            position = -1
            for cell in element.iter(cell_tag):
                ref = cell.get("r")
                position = _column_index(ref) if ref else position + 1
                kind = cell.get("t")
                if kind == "inlineStr":
                    inline = cell.find(is_tag)
                    value = _text_of(inline) if inline is not None else ""
                else:
                    v = cell.find(v_tag)
                    text = v.text if v is not None else None
                    if text is None:
                        value = None
                    elif kind == "s":
                        value = shared[int(text)]
                    elif kind in ("str", "e"):
                        value = text
                    elif kind == "b":
                        value = text == "1"
                    else:
                        value = float(text) if any(c in text for c in ".Ee") else int(text)
                        style = cell.get("s")
                        if style is not None and int(style) in date_styles and isinstance(value, (int, float)):
                            value = epoch + dt.timedelta(days=float(value))
                if position >= len(values):
                    values.extend([None] * (position - len(values) + 1))
                values[position] = value
            element.clear()
            yield number, values
    except ET.ParseError as exc:
        raise NotAWorkbook(str(exc)) from exc
    finally:
        handle.close()
        zf.close()


_CELL = re.compile(r'<c r="([A-Z]{1,3})(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_T = re.compile(r"<t(?:\s[^>]*)?>(.*?)</t>", re.S)
_RPH = re.compile(r"<rPh\b.*?</rPh>", re.S)
_COLUMNS: dict[str, int] = {}


def _attr(attrs: str, name: str) -> str | None:
    start = attrs.find(f' {name}="')
    if start < 0:
        return None
    start += len(name) + 3
    return attrs[start : attrs.find('"', start)]


def _inline_text(inner: str) -> str:
    if "<r>" in inner or "<rPh" in inner or inner.count("<t") > 1:
        return "".join(_T.findall(_RPH.sub("", inner)))
    start = inner.find("<t")
    if start < 0:
        return ""
    start = inner.find(">", start) + 1
    if inner[start - 2] == "/":  # <t/>
        return ""
    return inner[start : inner.find("</t>", start)]


def _scan_rows(text: str, shared: list[str], date_styles: set[int], epoch):
    """The same rows as the ElementTree path, by one regular expression over the sheet's cells.
    Used when every cell starts with its reference (`<c r="B7"…`), as Excel, WPS, LibreOffice and
    openpyxl write them; anything else goes through ElementTree. Several times faster."""
    import datetime as dt
    from html import unescape

    current, values = None, []
    for letters, row_text, attrs, inner in _CELL.findall(text):
        row = int(row_text)
        if row != current:
            if current is not None:
                yield current, values
            current, values = row, []
        position = _COLUMNS.get(letters)
        if position is None:
            position = _COLUMNS.setdefault(letters, _column_index(letters))
        kind = _attr(attrs, "t") if ' t="' in attrs else None
        if kind == "inlineStr":
            value = _inline_text(inner or "")
            if "&" in value:
                value = unescape(value)
        else:
            start = inner.find("<v>") if inner else -1
            raw = inner[start + 3 : inner.find("</v>", start)] if start >= 0 else None
            if raw is None:
                value = None
            elif kind == "s":
                value = shared[int(raw)]
            elif kind in ("str", "e"):
                value = unescape(raw) if "&" in raw else raw
            elif kind == "b":
                value = raw == "1"
            else:
                value = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
                style = _attr(attrs, "s") if ' s="' in attrs else None
                if style is not None and int(style) in date_styles:
                    value = epoch + dt.timedelta(days=float(value))
        if position >= len(values):
            values.extend([None] * (position - len(values) + 1))
        values[position] = value
    if current is not None:
        yield current, values
