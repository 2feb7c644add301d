"""The monthly report's PDF, set in an embedded TrueType font (WenQuanYi Micro Hei from the pinned
`paperang-p2-fonts-cjk` wheel) so that it renders Chinese on any viewer, even one with no fonts:
reportlab embeds a subset of the glyphs used. `gongzhi.core.pdf` keeps its CID font for the others."""

from __future__ import annotations

import importlib.resources
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from .formatting import cell_text
from .tables import Table

FONT = "GongzhiWQYMicroHei"
_registered = False


def embedded_font() -> str:
    """The embedded TrueType CJK font's name, registered once per process."""
    global _registered
    if not _registered:
        path = importlib.resources.files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc"
        pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
        _registered = True
    return FONT


def styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=embedded_font(), fontSize=9.5, leading=14, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=17, leading=24, alignment=1, spaceAfter=3 * mm),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=17, spaceBefore=4 * mm, spaceAfter=2 * mm),
        "body": base,
        "muted": ParagraphStyle("muted", parent=base, textColor=colors.HexColor("#555555"), fontSize=8.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=11),
    }


def para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def table_flowables(table: Table, st: dict, *, limit: int | None = None) -> list:
    out = [para(table.title, st["h2"])]
    rows = table.rows if limit is None else table.rows[:limit]
    if not rows:
        return out + [para("—", st["muted"])]
    data = [[para(c.label, st["cell"]) for c in table.columns]]
    data += [[para(cell_text(row.get(c.key), c.kind), st["cell"]) for c in table.columns] for row in rows]
    t = PdfTable(data, repeatRows=1, hAlign="LEFT")
    t.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    out.append(t)
    if table.note:
        out.append(para(table.note, st["muted"]))
    return out


def build(buffer, *, title: str, lines: list[str], tables: list[tuple[Table, int | None]], footer: str) -> None:
    """Write the PDF into `buffer`: the title, the headline lines, the tables, the made-at line."""
    st = styles()
    story: list = [para(title, st["title"])]
    story += [para(line, st["body"]) for line in lines]
    for table, limit in tables:
        story += table_flowables(table, st, limit=limit)
    story += [Spacer(1, 5 * mm), para(footer, st["muted"])]
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm, title=title)
    doc.build(story)
