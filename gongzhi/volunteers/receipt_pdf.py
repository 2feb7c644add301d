"""The printable receipt (捐赠收据) of a donation as a PDF: number, campaign, donor, amount in yuan
(from fen, exactly), date received, who recorded it. Chinese is set in reportlab's built-in CID
font (gongzhi.core.pdf), so no font file is needed on the server."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from gongzhi.core.pdf import paragraph, styles

from .models import Donation
from .selectors.donations import donation_get
from .services.donations import fen_to_yuan


def receipt_pdf(*, user, donation: Donation) -> bytes:
    """The receipt's PDF bytes, read as `user` may see the donation (NotFound outside scope)."""
    donation = donation_get(user=user, pk=donation.pk)
    s = styles()
    recorder = donation.recorded_by
    rows = [
        (_("Receipt number"), donation.receipt_number),
        (_("Campaign"), donation.campaign.name),
        (_("Donor"), donation.donor),
        (_("Amount"), _("¥%(amount)s") % {"amount": fen_to_yuan(donation.amount_fen)}),
        (_("Received"), donation.received_on.isoformat()),
        (_("Team"), donation.team.name if donation.team_id else "—"),
        (_("Purpose"), donation.campaign.purpose or "—"),
        (_("Recorded by"), (recorder.display_name or recorder.username) if recorder else "—"),
    ]
    table = Table([[paragraph(k, s["cell"]), paragraph(v, s["cell"])] for k, v in rows], colWidths=[35 * mm, 130 * mm])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story = [
        paragraph(_("Donation receipt"), s["title"]),
        paragraph(donation.campaign.area.name, s["right"]),
        Spacer(1, 3 * mm),
        table,
        Spacer(1, 5 * mm),
        paragraph(_("Thank you for your kindness."), s["body"]),
        paragraph(_("Printed %(when)s") % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")}, s["muted"]),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A5), leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=donation.receipt_number)
    doc.build(story)
    return buffer.getvalue()
