"""The record of views (听证意见记录) of a public hearing as a PDF: the topic, when and where, the
seats taken, the speakers' list, and each view as minuted (speaker, for/against/other, text) with
the counts. Never a phone number. Chinese is set in reportlab's built-in CID font (see
`gongzhi.meetings.pdf`)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

from gongzhi.core.pdf import paragraph
from gongzhi.core.pdf import styles as pdf_styles

from .hearings_selectors import active_registrations, speakers_and_waiting
from .models import Hearing, HearingView, ViewPosition


def _styles():
    return pdf_styles()


_p = paragraph



def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _table(rows: list[list], widths: list[float], s) -> Table:
    table = Table([[_p(c, s["cell"]) for c in row] for row in rows], colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def record_pdf(*, hearing: Hearing) -> bytes:
    """The PDF bytes of the hearing's record of views (the caller has checked the user sees it)."""
    s = _styles()
    meeting, topic = hearing.meeting, hearing.topic
    title = _("Record of views: %(title)s") % {"title": topic.title}
    story: list = [_p(title, s["title"])]
    facts = [
        (_("Topic"), topic.title),
        (_("Area"), topic.area.name),
        (_("Time"), _local(meeting.starts_at) + (f" – {_local(meeting.ends_at)}" if meeting.ends_at else "")),
        (_("Place"), meeting.location or "—"),
        (_("Registered"), _("%(taken)d of %(seats)d seats") % {
            "taken": active_registrations(hearing).count(), "seats": hearing.seats}),
        (_("Speakers"), _("up to %(n)d, %(minutes)d minutes each") % {
            "n": hearing.speakers_limit, "minutes": hearing.minutes_per_speaker}),
    ]
    story.append(_table([[_("Item"), _("Details")], *[[k, v] for k, v in facts]], [35 * mm, 135 * mm], s))

    speaking, _waiting = speakers_and_waiting(hearing)
    story.append(_p(_("Speakers' list"), s["h2"]))
    if speaking:
        rows = [[_("No."), pgettext("person", "Name"), _("Speaks for")]]
        rows += [[str(n), r.name, r.affiliation or "—"] for n, r in enumerate(speaking, start=1)]
        story.append(_table(rows, [14 * mm, 60 * mm, 96 * mm], s))
    else:
        story.append(_p(_("Nobody asked to speak."), s["muted"]))

    views = list(HearingView.objects.filter(hearing=hearing).order_by("recorded_at", "id"))
    story.append(_p(_("Views"), s["h2"]))
    counts = {p: sum(1 for v in views if v.position == p) for p in ViewPosition.values}
    story.append(_p(_("%(n)d views: for %(for)d, against %(against)d, other %(other)d.") % {
        "n": len(views), "for": counts[ViewPosition.FOR], "against": counts[ViewPosition.AGAINST],
        "other": counts[ViewPosition.OTHER]}, s["body"]))
    if views:
        rows = [[_("No."), _("Speaker"), _("Position"), pgettext("hearing", "View")]]
        rows += [[str(n), v.speaker, v.get_position_display(), v.text] for n, v in enumerate(views, start=1)]
        story.append(_table(rows, [12 * mm, 38 * mm, 20 * mm, 100 * mm], s))
    story.append(_p(_("Printed %(when)s.") % {"when": _local(timezone.now())}, s["muted"]))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=title, author="gongzhi")
    doc.build(story)
    return buffer.getvalue()
