"""The pieces every printable PDF of gongzhi shares (minutes, notices, records of views): Chinese set
in reportlab's built-in CID font STSong-Light, so no font file is embedded or needed on the server,
a set of paragraph styles sized for the document, and a paragraph that keeps the text's line breaks
and never reads it as markup."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph

FONT = "STSong-Light"
_registered = False


def cjk_font() -> str:
    """The CID font's name, registered once per process."""
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def styles(*, size: float = 10.5, leading: float = 16, title: float = 17, h2: float = 12.5, cell: float = 9.5,
           muted: float | None = None) -> dict[str, ParagraphStyle]:
    """title, h2, body, right, muted and cell styles around a body text of `size` points (a notice
    for the board is printed larger than minutes)."""
    base = ParagraphStyle("base", fontName=cjk_font(), fontSize=size, leading=leading, wordWrap="CJK")
    muted_style = ParagraphStyle("muted", parent=base, textColor=colors.HexColor("#555555"))
    if muted is not None:
        muted_style = ParagraphStyle("muted", parent=muted_style, fontSize=muted, leading=muted * 1.45)
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=title, leading=title * 1.4, alignment=1,
                                spaceAfter=(6 if title > 20 else 4) * mm),
        "h2": ParagraphStyle("h2", parent=base, fontSize=h2, leading=h2 * 1.44, spaceBefore=(5 if h2 > 13 else 4) * mm,
                             spaceAfter=2 * mm),
        "body": base,
        "right": ParagraphStyle("right", parent=base, alignment=2),
        "muted": muted_style,
        "cell": ParagraphStyle("cell", parent=base, fontSize=cell, leading=cell * 1.38),
    }


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """`text` as typed: escaped (never markup), line breaks kept."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)
