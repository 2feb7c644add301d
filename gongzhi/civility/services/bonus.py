"""The yearly civility bonus (文明奖金) of a community's households, by the formula kept as data
(`BonusFormula`: yuan per point above a floor, at most a cap; the community's own or the one for
everywhere, the one valid on the year's last day):

    amount = min(cap, max(0, points − floor) × per_point), to the fen.

`bonus_compute` makes (or, while a draft, makes again) the community's list of the year; the
community's staff approve it and from then on it is frozen: never computed again, whatever the
ledger or the formula later say. The .xlsx export is audited."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.areas.selectors import address_of, addresses
from gongzhi.core import audit
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, NotFound
from gongzhi.core.permissions import require
from gongzhi.core.workflow import apply_transition
from gongzhi.core.xlsx import DECIMAL, INTEGER, Book, Column

from ..models import BonusFormula, BonusLine, BonusRun, BonusState
from ..selectors.points import households_in, year_points
from ..selectors.standards import formula_for
from ..workflow import BONUS_WORKFLOW
from .checks import field_error

FEN = Decimal("0.01")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def bonus_amount(points: int, formula: BonusFormula) -> Decimal:
    """The formula applied to one household's points of the year."""
    above = max(0, points - formula.floor)
    amount = (Decimal(above) * formula.per_point).quantize(FEN, rounding=ROUND_HALF_UP)
    if formula.cap is not None:
        amount = min(amount, formula.cap)
    return amount


def year_value(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if not FIRST_YEAR <= year <= min(LAST_YEAR, timezone.localdate().year):
        raise field_error("year", _("Choose a year from %(first)d to this year.") % {"first": FIRST_YEAR})
    return year


def community_for(actor: Actor, community, action: str) -> AreaNode:
    pk = community.pk if isinstance(community, AreaNode) else community
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    node = AreaNode.objects.visible_to(actor).filter(pk=pk, kind=AreaKind.COMMUNITY).first()
    if node is None:
        raise NotFound()
    require(actor, action, node)
    return node


@transaction.atomic
def bonus_compute(*, actor: Actor, community, year) -> BonusRun:
    """The community's bonus list of the year, computed from the year's points (again while a draft;
    an approved list is frozen: refused)."""
    node = community_for(actor, community, "civility.compute")
    year = year_value(year)
    formula = formula_for(community=node, year=year)
    if formula is None:
        raise field_error("year", _("No bonus formula applies to this community in that year."))
    run = BonusRun.objects.select_for_update().filter(community=node, year=year).first()
    if run is not None and run.state == BonusState.APPROVED:
        raise Conflict(_("The bonus of %(year)d was approved and is frozen: it is never computed again.")
                       % {"year": year}, code="frozen", fields={"year": [_("Already approved.")]})
    now, user = timezone.now(), actor_user(actor)
    if run is None:
        run = BonusRun.objects.create(community=node, year=year, formula=formula, computed_at=now, computed_by=user)
    else:
        run.lines.all().delete()
        run.formula, run.computed_at, run.computed_by = formula, now, user
    points = year_points(node=node, year=year)
    lines = [BonusLine(run=run, household=h, points=points.get(h.pk, 0), amount=bonus_amount(points.get(h.pk, 0), formula))
             for h in households_in(node).only("pk")]
    BonusLine.objects.bulk_create(lines, batch_size=1000)
    run.households = len(lines)
    run.total = sum((line.amount for line in lines), Decimal("0.00"))
    run.save()
    audit.record(actor=actor, action="civility.bonus.compute", obj=run,
                 after={"community": node.pk, "year": year, "formula": formula.pk, "households": run.households,
                        "total": str(run.total)})
    return run


def bonus_approve(*, actor: Actor, run) -> BonusRun:
    """The community approves its list: frozen from now on."""

    def update(row: BonusRun) -> list[str]:
        row.approved_at, row.approved_by = timezone.now(), actor_user(actor)
        return ["approved_at", "approved_by"]

    return apply_transition(BONUS_WORKFLOW, actor=actor, obj=run.pk if isinstance(run, BonusRun) else run,
                            action="approve", update=update)


def bonus_export(*, actor: Actor, run: BonusRun) -> bytes:
    """The bonus list as .xlsx (audited): household, points, amount; a total row."""
    require(actor, "civility.export", run)
    lines = list(run.lines.select_related("household").order_by("household__path"))
    places = addresses([line.household for line in lines], short=True)
    book = Book()
    state = run.get_state_display()
    book.table(
        _("Civility bonus"),
        title=_("Civility bonus %(year)d · %(state)s") % {"year": run.year, "state": state},
        scope=address_of(run.community),
        period=str(run.year),
        columns=[Column(_("Household"), 36), Column(_("Points"), 10, INTEGER), Column(_("Bonus (yuan)"), 14, DECIMAL)],
        rows=[[places.get(line.household_id, line.household.name), line.points, line.amount] for line in lines]
        + [[_("Total"), sum(line.points for line in lines), run.total]],
    )
    audit.record(actor=actor, action="civility.bonus.export", obj=run, after={"lines": len(lines)})
    return book.to_bytes()
