"""The printable minutes (纪要) of a meeting as a PDF: the meeting, attendance (present, excused with
reasons, absent), the quorum, the agenda, the minutes (the latest approved version, else the draft,
marked as such) and the decisions, if any. Chinese is set in reportlab's built-in CID font
STSong-Light, so no font file is embedded or needed on the server."""

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

from . import selectors
from .models import AttendanceStatus, Meeting


def _styles():
    return pdf_styles()


_p = paragraph



def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _names(rows) -> str:
    return "、".join(f"{r.name}（{r.organization}）" if r.organization else r.name for r in rows) or "—"


def _table(rows: list[list], widths: list[float], styles) -> Table:
    data = [[_p(c, styles["cell"]) for c in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def minutes_pdf(*, user, meeting: Meeting) -> bytes:
    """The PDF bytes of the meeting's minutes, as `user` may read them (scoped reads only)."""
    s = _styles()
    lists = selectors.attendance_lists(user=user, meeting=meeting)
    approved = selectors.minutes_current(user=user, meeting=meeting)
    minutes = approved or selectors.minutes_draft(user=user, meeting=meeting)
    story: list = [_p(_("Minutes: %(title)s") % {"title": meeting.title}, s["title"])]
    facts = [
        (_("Body"), meeting.body.name if meeting.body_id else meeting.area.name),
        (_("Kind"), meeting.get_kind_display()),
        (_("Time"), _local(meeting.starts_at) + (f" – {_local(meeting.ends_at)}" if meeting.ends_at else "")),
        (_("Place"), meeting.location or "—"),
        (_("State"), meeting.get_state_display()),
    ]
    story.append(_table([[_("Item"), _("Details")], *[[k, v] for k, v in facts]], [35 * mm, 135 * mm], s))

    story.append(_p(_("Attendance"), s["h2"]))
    status = selectors.quorum_status(meeting)
    quorum = {"met": _("Quorum met"), "not_met": _("Quorum not met (inquorate)"), "none": _("No quorum required")}[status]
    story.append(_p(
        _("%(present)d of %(expected)d voting members present; %(rule)s. %(quorum)s.")
        % {"present": meeting.present_count, "expected": meeting.expected_count,
           "rule": meeting.get_quorum_rule_display(), "quorum": quorum},
        s["body"],
    ))
    excused = "；".join(f"{r.name}（{r.absence_reason}）" if r.absence_reason else r.name
                        for r in lists[AttendanceStatus.EXCUSED]) or "—"
    story.append(_table([
        [_("Attendance"), _("People")],
        [_("Present"), _names(lists[AttendanceStatus.PRESENT])],
        [_("Excused"), excused],
        [_("Absent"), _names(lists[AttendanceStatus.ABSENT])],
        [_("Not marked"), _names(lists[AttendanceStatus.INVITED])],
    ], [35 * mm, 135 * mm], s))

    agenda = list(selectors.meeting_agenda(user=user, meeting=meeting))
    story.append(_p(_("Agenda"), s["h2"]))
    if agenda:
        for item in agenda:
            ref = f"（{item.case.reference}）" if item.case_id else (f"（{item.reference}）" if item.reference else "")
            story.append(_p(f"{item.position}. {item.title}{ref}", s["body"]))
            if item.notes:
                story.append(_p(item.notes, s["muted"]))
    else:
        story.append(_p(_("No agenda items."), s["muted"]))

    story.append(_p(_("Minutes"), s["h2"]))
    if minutes is None:
        story.append(_p(_("No minutes have been written yet."), s["muted"]))
    else:
        label = (_("Version %(n)d, approved %(when)s") % {"n": minutes.version, "when": _local(minutes.approved_at)}
                 if approved else _("Version %(n)d — draft, not yet approved") % {"n": minutes.version})
        story.append(_p(label, s["muted"]))
        story.append(Spacer(1, 2 * mm))
        story.append(_p(minutes.text, s["body"]))

    decisions = list(selectors.meeting_decisions(user=user, meeting=meeting))
    if decisions:
        story.append(_p(_("Decisions"), s["h2"]))
        rows = [[_("No."), _("Decision"), _("Owners"), _("Deadline"), _("State")]]
        for d in decisions:
            rows.append([str(d.number), d.text, "、".join(o.name for o in d.owners.all()) or "—",
                         d.deadline.isoformat(), d.get_state_display()])
        story.append(_table(rows, [12 * mm, 78 * mm, 35 * mm, 23 * mm, 22 * mm], s))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=_("Minutes: %(title)s") % {"title": meeting.title},
                            author="gongzhi")
    doc.build(story)
    return buffer.getvalue()
