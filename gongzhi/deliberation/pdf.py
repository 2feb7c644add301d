"""The printable notice of a resolution for the community's notice board (决议结果公示), A4: the
topic, the resolution, the vote's figures and the seal of its ballots, the budget, the dates.
Chinese is set in the CID font of `gongzhi.core.pdf`, so no
font file is embedded or needed on the server. Nothing personal is printed."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from gongzhi.core.pdf import paragraph
from gongzhi.core.pdf import styles as pdf_styles

from .models import Resolution
from .services.publication import notice
from .services.resolutions import yuan


def _styles():
    return pdf_styles(size=12, leading=19, title=22, h2=14, cell=11.5, muted=9)


_p = paragraph



def _day(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else "—"


def notice_pdf(*, resolution: Resolution) -> bytes:
    """The PDF bytes of the resolution's notice (the caller has checked the reader may see it)."""
    s = _styles()
    n = notice(resolution)
    story: list = [_p(_("Notice of the result of a resolution"), s["title"])]
    story.append(_p(f"{n.community} · {n.scope}", s["muted"]))
    story.append(_p(_("Topic"), s["h2"]))
    story.append(_p(n.topic_title, s["body"]))
    story.append(_p(_("Resolution"), s["h2"]))
    story.append(_p(n.text, s["body"]))
    story.append(_p(_("The vote"), s["h2"]))
    if n.vote is None:
        story.append(_p(_("Resolved without a recorded vote."), s["body"]))
    else:
        v = n.vote
        rows = [
            [_("Method"), v.method + (f"（{v.meeting_title}）" if v.meeting_title else "")],
            [_("Electorate"), str(v.electorate)],
            [_("Attending"), str(v.attending)],
            [_("In favour"), str(v.yes)],
            [_("Against"), str(v.no)],
            [_("Abstaining"), str(v.abstain)],
            [_("Result"), v.result],
            [_("Closed"), _day(v.closed_at)],
        ]
        table = Table([[_p(a, s["cell"]), _p(b, s["cell"])] for a, b in rows], colWidths=[40 * mm, 130 * mm])
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
            ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f0f0")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        story.append(table)
        if v.sealed_hash:
            story.append(Spacer(1, 2 * mm))
            story.append(_p(_("Seal of the ballots (SHA-256): %(hash)s") % {"hash": v.sealed_hash}, s["muted"]))
    if n.budget_fen:
        story.append(_p(_("Budget"), s["h2"]))
        story.append(_p(_("%(amount)s yuan") % {"amount": yuan(n.budget_fen)}, s["body"]))
    story.append(Spacer(1, 6 * mm))
    story.append(_p(_("Residents may follow how it is carried out on the community's public page, and raise "
                      "objections with the residents' supervision committee."), s["body"]))
    story.append(Spacer(1, 10 * mm))
    story.append(_p(n.community, s["right"]))
    story.append(_p(_day(n.published_at or timezone.now()), s["right"]))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=22 * mm,
                            bottomMargin=20 * mm, title=_("Notice of the result of a resolution"), author="gongzhi")
    doc.build(story)
    return buffer.getvalue()
