"""The duty sheet (明白纸) printed on one A4 page: a PDF set in the shared CJK font (the same
reportlab pieces as care's cards and the minutes). The type is made smaller until the sheet fits
one page (the sections' limits make sure it always does at the smallest size)."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.actors import Actor
from gongzhi.core.permissions import require

from ..models import DutySheet
from ..selectors.sheets import section_blocks, version_on
from .sheets import visible_sheet

# (body size in points, leading as a share of it), largest first.
SIZES = ((11.5, 1.5), (10.5, 1.5), (9.5, 1.45), (8.5, 1.4), (7.5, 1.35), (6.8, 1.3), (6.2, 1.25))


def _story(sheet: DutySheet, version, blocks: list[dict], size: float, leading: float) -> list:
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    from gongzhi.core.pdf import paragraph
    from gongzhi.core.pdf import styles as pdf_styles

    s = pdf_styles(size=size, leading=size * leading, title=size + 7, h2=size + 2)
    area = str(sheet.area) if sheet.area_id else _("The whole district")
    story = [paragraph(_("Duty sheet (明白纸): %(title)s") % {"title": sheet.title}, s["title"]),
             paragraph(_("%(role)s · %(area)s · applies from %(date)s") % {
                 "role": sheet.get_role_display(), "area": area,
                 "date": version.valid_from.isoformat() if version else "—"}, s["muted"])]
    for block in blocks:
        story.append(paragraph(block["label"], s["h2"]))
        for item in block["items"]:
            story.append(paragraph(f"{item.number}. {item.text}", s["body"]))
            if size >= 9:  # air between items while there is room for it
                story.append(Spacer(1, size * 0.15 * mm))
        if not block["items"]:
            story.append(paragraph("—", s["muted"]))
    story += [Spacer(1, 4 * mm), paragraph(
        _("Power comes with responsibility, responsibility matches power, neglect of duty is pursued."),
        s["muted"])]
    return story


def render_pdf(sheet: DutySheet, version) -> bytes:
    """The sheet's version as a one-page A4 PDF."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    blocks = section_blocks(version)
    data = b""
    for size, leading in SIZES:
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=14 * mm,
                                bottomMargin=14 * mm, title=str(sheet.title))
        doc.build(_story(sheet, version, blocks, size, leading))
        data = buffer.getvalue()
        if doc.page <= 1:
            break
    return data


def sheet_pdf(*, actor: Actor, sheet, day: dt.date | None = None) -> bytes:
    """The PDF of the version in force on `day` (today); each printing is audited."""
    row = visible_sheet(actor, sheet)
    require(actor, "duties.view_sheets", row)
    version = version_on(row, day or timezone.localdate())
    data = render_pdf(row, version)
    audit.record(actor=actor, action="duties.sheet.print", obj=row,
                 after={"version": version.pk if version else None})
    return data
