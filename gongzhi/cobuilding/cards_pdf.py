"""The printable household contact cards (民情联系卡): two cards to an A4 page, cut along the dashed
line. Each card names the household's address, its grid worker and paired party member with their
work phones in full (the point of the card: residents know whom to call), the community, and a QR
code of the request form with the household already chosen. Chinese is set in the CID font of
`gongzhi.core.pdf`; the QR modules are drawn as vector squares (fast for a grid of 500 cards)."""

from __future__ import annotations

import io
from collections.abc import Callable

import qrcode
import qrcode.exceptions
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from gongzhi.core.pdf import cjk_font

from .selectors.cards import Contacts

CARD_MARGIN = 15 * mm
QR_SIZE = 45 * mm
QR_MASK = 2


def _qr_matrix(url: str, version: int | None) -> list[list[bool]]:
    """The QR modules of `url`. A fixed mask pattern (any is valid; choosing the best one costs
    most of the time) and, after the first card, the version found for it (the URLs differ only
    in the household's id) keep 500 cards fast."""
    code = qrcode.QRCode(version=version, border=0, error_correction=qrcode.constants.ERROR_CORRECT_M,
                         mask_pattern=QR_MASK)
    code.add_data(url)
    code.make(fit=version is None)
    return code.get_matrix()


def _qr(canvas: Canvas, matrix: list[list[bool]], x: float, y: float, size: float) -> None:
    """The modules as filled squares, a run of dark modules in a row as one rectangle, written as
    plain path operators in a coordinate system of one unit per module."""
    module = size / len(matrix)
    operators = []
    for r, row in enumerate(matrix):
        c, n = 0, len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                operators.append(f"{start} {r} {c - start} 1 re")
            else:
                c += 1
    canvas.saveState()
    canvas.transform(module, 0, 0, -module, x, y + size)
    canvas.addLiteral("\n".join(operators) + "\nf")
    canvas.restoreState()


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters (Chinese addresses have no spaces to break at)."""
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def _card(canvas: Canvas, contacts: Contacts, qr: list[list[bool]], bottom: float, height: float, printed_on: str) -> None:
    font = cjk_font()
    width, _height = A4
    left = CARD_MARGIN
    top = bottom + height - CARD_MARGIN
    canvas.setLineWidth(1.2)
    canvas.roundRect(left - 5 * mm, bottom + 8 * mm, width - 2 * CARD_MARGIN + 10 * mm, height - 16 * mm, 4 * mm)
    canvas.setFont(font, 22)
    canvas.drawString(left + 2 * mm, top - 10 * mm, _("Household contact card"))
    y = top - 22 * mm
    canvas.setFont(font, 12)
    for line in _wrap(contacts.address, 30):
        canvas.drawString(left + 2 * mm, y, line)
        y -= 6 * mm
    y -= 4 * mm
    rows = [
        (_("Grid worker"), contacts.grid_worker),
        (_("Paired party member"), contacts.member),
    ]
    for label, person in rows:
        canvas.setFont(font, 11)
        canvas.drawString(left + 2 * mm, y, label)
        canvas.setFont(font, 14)
        canvas.drawString(left + 38 * mm, y, person.name if person else _("none yet"))
        y -= 7 * mm
        if person and person.phone:
            canvas.drawString(left + 38 * mm, y, _("Phone: %(phone)s") % {"phone": person.phone})
            y -= 9 * mm
        else:
            y -= 3 * mm
    canvas.setFont(font, 11)
    canvas.drawString(left + 2 * mm, y, _("Community"))
    canvas.setFont(font, 14)
    canvas.drawString(left + 38 * mm, y, contacts.community_name)
    y -= 7 * mm
    canvas.drawString(left + 38 * mm, y, _("Phone: %(phone)s") % {"phone": contacts.community_phone or "________"})
    qr_x = width - CARD_MARGIN - QR_SIZE
    qr_y = top - 12 * mm - QR_SIZE
    _qr(canvas, qr, qr_x, qr_y, QR_SIZE)
    canvas.setFont(font, 9)
    canvas.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 5 * mm, _("Scan to send the community a request"))
    canvas.setFont(font, 8)
    canvas.drawString(left + 2 * mm, bottom + 12 * mm,
                      _("Printed %(date)s · keep this card by the door") % {"date": printed_on})


def cards_pdf(*, rows: list[Contacts], form_url: Callable[[int], str]) -> bytes:
    """The PDF bytes: the cards of `rows`, two to a page; `form_url(household_id)` is the absolute
    URL of the request form for that household."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(_("Household contact cards"))
    canvas.setAuthor("gongzhi")
    width, height = A4
    half = height / 2
    printed_on = timezone.localdate().isoformat()
    version = None
    for index, contacts in enumerate(rows):
        bottom = half if index % 2 == 0 else 0
        url = form_url(contacts.household.pk)
        try:
            matrix = _qr_matrix(url, version)
        except qrcode.exceptions.DataOverflowError:  # a longer id than the first card's
            matrix = _qr_matrix(url, None)
        version = (len(matrix) - 17) // 4
        _card(canvas, contacts, matrix, bottom, half, printed_on)
        if index % 2 == 0:
            canvas.setDash(4, 4)
            canvas.setLineWidth(0.5)
            canvas.line(8 * mm, half, width - 8 * mm, half)
            canvas.setDash()
        if index % 2 == 1 or index == len(rows) - 1:
            canvas.showPage()
    if not rows:
        canvas.setFont(cjk_font(), 12)
        canvas.drawString(CARD_MARGIN, height - 30 * mm, _("No households here."))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
