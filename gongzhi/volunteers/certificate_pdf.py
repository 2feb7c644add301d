"""The printable 志愿服务记录证明 (PDF): what the certificate's snapshot certifies — the volunteer's
name, masked ID number, volunteer number, period, hours and activities, the activities and
trainings, the issuer and the date — with the verification code and a QR code of the public check
page. Chinese is set in the CID font of `gongzhi.core.pdf`."""

from __future__ import annotations

import io

import qrcode
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Image, SimpleDocTemplate, Spacer, Table, TableStyle

from gongzhi.core.pdf import paragraph as _p
from gongzhi.core.pdf import styles as pdf_styles

from .models import Certificate


def hours_text(minutes: int) -> str:
    return f"{minutes / 60:.1f}"


def _table(rows: list[list], widths: list[float], styles, *, header: bool = True) -> Table:
    data = [[_p(c, styles["cell"]) for c in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1 if header else 0)
    commands = [("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    table.setStyle(TableStyle(commands))
    return table


def _qr(url: str) -> Image:
    buffer = io.BytesIO()
    qrcode.make(url, box_size=6, border=2).save(buffer, format="PNG")
    buffer.seek(0)
    return Image(buffer, width=32 * mm, height=32 * mm)


def certificate_pdf(*, certificate: Certificate, check_url: str) -> bytes:
    """The PDF bytes of a certificate; `check_url` is the absolute URL of its public check page."""
    s = pdf_styles(size=11, leading=17, title=19)
    snap = certificate.snapshot or {}
    period = f"{snap.get('period_start') or '—'} — {snap.get('period_end') or certificate.period_end.isoformat()}"
    story: list = [_p(_("Certificate of volunteer service record"), s["title"])]
    story.append(_p(
        _("This is to certify that %(name)s (ID number %(id)s, volunteer number %(number)s) served as a registered "
          "volunteer from %(period)s: %(hours)s hours of service in %(count)d activities.")
        % {"name": snap.get("name", ""), "id": snap.get("id_number_masked", ""), "number": snap.get("number", ""),
           "period": period, "hours": hours_text(certificate.minutes), "count": certificate.activities},
        s["body"],
    ))
    story.append(Spacer(1, 3 * mm))
    facts = [
        (pgettext_name(), snap.get("name", "")),
        (_("ID number"), snap.get("id_number_masked", "")),
        (_("volunteer number"), snap.get("number", "")),
        (_("Period"), period),
        (_("Hours served"), hours_text(certificate.minutes)),
        (_("Activities"), str(certificate.activities)),
        (_("Issued by"), certificate.issuer),
        (_("Issued on"), timezone.localtime(certificate.issued_at).date().isoformat()),
    ]
    story.append(_table([[k, v] for k, v in facts], [40 * mm, 130 * mm], s, header=False))
    activities = snap.get("activities") or []
    if activities:
        story.append(_p(_("Activities served"), s["h2"]))
        rows = [[_("Date"), _("Activity"), _("Place"), _("Hours")]]
        rows += [[a.get("date", ""), a.get("title", ""), a.get("place", ""), hours_text(a.get("minutes", 0))]
                 for a in activities]
        story.append(_table(rows, [25 * mm, 70 * mm, 55 * mm, 20 * mm], s))
    trainings = snap.get("trainings") or []
    if trainings:
        story.append(_p(_("Trainings"), s["h2"]))
        rows = [[_("Date"), _("Training"), _("Hours")]]
        rows += [[t.get("date", ""), t.get("title", ""), hours_text(t.get("minutes", 0))] for t in trainings]
        story.append(_table(rows, [25 * mm, 125 * mm, 20 * mm], s))
    story.append(Spacer(1, 6 * mm))
    check = Table([[_qr(check_url), [
        _p(_("Verification code: %(code)s") % {"code": certificate.code}, s["h2"]),
        _p(_("Anyone can check this certificate at %(url)s") % {"url": check_url}, s["muted"]),
        _p(_("Issued free of charge from the volunteer's service record under the Regulations on Volunteer Service."),
           s["muted"]),
    ]]], colWidths=[38 * mm, 132 * mm])
    check.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story.append(check)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=_("Certificate of volunteer service record"), author="gongzhi")
    doc.build(story)
    return buffer.getvalue()


def pgettext_name() -> str:
    from django.utils.translation import pgettext

    return pgettext("person", "name")
