"""The period's scores as a workbook (.xlsx), audited: the ranking, and every unit's lines."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.actors import Actor
from gongzhi.core.permissions import require
from gongzhi.core.xlsx import DECIMAL, INTEGER, Book, Column, period_label

from ..models import Period
from ..selectors.scores import UnitScore, period_scores


def workbook(period: Period, scores: list[UnitScore]) -> bytes:
    book = Book()
    when = period_label(period.start, period.end)
    title = _("Assessment scores") if period.state == "closed" else _("Assessment scores (preview)")
    book.table(_("Ranking"), title=title, scope=period.district.name, period=when,
               columns=[Column(_("Street or community"), 22), Column(_("Kind"), 10), Column(_("Total"), 10, DECIMAL),
                        Column(_("Before the bottom-line cap"), 12, DECIMAL), Column(_("Bottom lines missed"), 10, INTEGER),
                        Column(_("Rank"), 8, INTEGER), Column(_("Of"), 8, INTEGER)],
               rows=([s.unit.name, s.unit.get_kind_display(), s.total, s.raw_total, s.bottom_missed, s.rank, s.peers]
                     for s in scores))
    book.table(_("Indicators"), title=_("Each unit's indicators"), scope=period.district.name, period=when,
               columns=[Column(_("Street or community"), 22), Column(_("Indicator"), 22), Column(_("Bottom line"), 8),
                        Column(_("Actual"), 12, "0.0000"), Column(_("Target"), 12, "0.0000"),
                        Column(_("Weight"), 8, DECIMAL), Column(_("Achievement"), 10, "0.0000"),
                        Column(_("Points"), 10, DECIMAL), Column(_("Met"), 8)],
               rows=([s.unit.name, line.indicator.name, _("Yes") if line.bottom_line else "", line.actual, line.target,
                      line.weight, line.ratio, line.points, _("Yes") if line.met else _("No")]
                     for s in scores for line in s.lines))
    return book.to_bytes()


@transaction.atomic
def export_scores(*, actor: Actor, period: Period) -> bytes:
    require(actor, "targets.export")
    scores = period_scores(user=actor, period=period)
    content = workbook(period, scores)
    audit.record(actor=actor, action="targets.scores.export", obj=period,
                 after={"period": period.pk, "units": len(scores), "frozen": period.state == "closed"})
    return content
