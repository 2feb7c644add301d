"""The printable quarterly report back to a member's employer (双报告): the member, the community,
the quarter, the services snapshotted when it was drafted, the community's evaluation. Chinese is
set in the CID font of `gongzhi.core.pdf`."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from gongzhi.core.pdf import paragraph as _p
from gongzhi.core.pdf import styles as pdf_styles

from .models import QuarterReport


def _table(rows: list[list], widths: list[float], styles, *, header: bool = True) -> Table:
    table = Table([[_p(str(c), styles["cell"]) for c in row] for row in rows], colWidths=widths,
                  repeatRows=1 if header else 0)
    commands = [("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    table.setStyle(TableStyle(commands))
    return table


def quarter_report_pdf(*, quarter_report: QuarterReport) -> bytes:
    s = pdf_styles(size=11, leading=17, title=18)
    report = quarter_report.report
    member = report.member
    employer = member.employer.name if member.employer_id else member.employer_name
    title = _("Quarterly report of an in-service party member's service in the community")
    story: list = [_p(title, s["title"])]
    story.append(_p(_("To the party organisation of %(employer)s:") % {"employer": employer or "—"}, s["body"]))
    story.append(_p(
        _("%(name)s reported in to %(community)s. In %(year)s Q%(quarter)s they served %(count)d times, "
          "%(hours)s hours in all.")
        % {"name": member.name, "community": report.community.name, "year": quarter_report.year,
           "quarter": quarter_report.quarter, "count": quarter_report.services, "hours": quarter_report.hours},
        s["body"]))
    story.append(Spacer(1, 3 * mm))
    facts = [
        (_("Party member"), member.name),
        (_("Party organisation"), member.organization.name),
        (_("Community"), report.community.name),
        (_("Duty"), report.duty or "—"),
        (_("Quarter"), f"{quarter_report.year} Q{quarter_report.quarter}"),
        (_("Services"), str(quarter_report.services)),
        (_("Hours"), str(quarter_report.hours)),
        (_("Community's evaluation"), quarter_report.get_evaluation_display() or "—"),
        (_("Comment"), quarter_report.evaluation_note or "—"),
    ]
    story.append(_table([[k, v] for k, v in facts], [45 * mm, 125 * mm], s, header=False))
    if quarter_report.lines:
        story.append(_p(_("Services done"), s["h2"]))
        rows = [[_("Date"), _("Post"), pgettext("service", "What was done"), _("Hours")]]
        rows += [[line.get("date", ""), line.get("post", ""), line.get("what", ""), line.get("hours", "")]
                 for line in quarter_report.lines]
        story.append(_table(rows, [25 * mm, 35 * mm, 90 * mm, 20 * mm], s))
    story.append(Spacer(1, 8 * mm))
    story.append(_p(_("%(community)s (seal)") % {"community": report.community.name}, s["body"]))
    story.append(_p(timezone.localdate().isoformat(), s["muted"]))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=title, author="gongzhi")
    doc.build(story)
    return buffer.getvalue()
