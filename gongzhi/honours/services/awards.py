"""Awards (党建载体创新奖, 星级评定鼓励奖) scored by a panel: the round, its criteria (as data, with
maximum points), its panel (named accounts), nominations of communities and units with the entry's
description, one score sheet per member and nomination (never twice, never one's own community or
unit), and the result.

The result (decided, documented): each nomination's score is the mean of its sheets' totals; with
five or more sheets the single highest and lowest are dropped first (the trimmed mean 评审 use:
"去掉一个最高分和一个最低分"), so one generous or harsh member cannot carry it. Ranked by the score (ties
share a rank); the first `winners` places win — everyone sharing the last winning score as well.
A round is decided only once every panel member has scored every nomination they may score.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import AreaBinding
from gongzhi.areas.models import AreaKind, AreaNode, Unit
from gongzhi.core import audit, scope
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, Forbidden, NotFound
from gongzhi.core.notifications import notify
from gongzhi.core.permissions import require
from gongzhi.core.workflow import apply_transition

from ..models import (
    AwardCriterion,
    AwardKind,
    AwardNomination,
    AwardRound,
    Honour,
    HonourKind,
    PanelMember,
    RoundState,
    ScoreLine,
    ScoreSheet,
)
from ..workflow import ROUND_WORKFLOW
from .common import community_of, field_error, keepers_of, text

ROUND_AREA_KINDS = (AreaKind.STREET, AreaKind.DISTRICT)
TRIM_FROM = 5  # sheets from which the highest and the lowest are dropped
CENT = Decimal("0.01")


def round_url(award_round: AwardRound) -> str:
    return f"/honours/awards/{award_round.pk}/"


@transaction.atomic
def round_create(
    *, actor: Actor, area: AreaNode, kind: str, year: int, nominations_close_at: dt.datetime, winners: int = 3,
    title: str = "", description: str = "", criteria: list[tuple[str, int]] | None = None,
) -> AwardRound:
    """Set up an award round of a street or the district, with its criteria (name, maximum points)."""
    if kind not in AwardKind.values:
        raise field_error("kind", _("Choose the award."))
    if area.kind not in ROUND_AREA_KINDS:
        raise field_error("area", _("An award round is held by a street or the district."))
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise field_error("year", _("Give a year from 2000 to 2100."))
    if not isinstance(winners, int) or not 1 <= winners <= 50:
        raise field_error("winners", _("From 1 to 50 awards."))
    if nominations_close_at is None:
        raise field_error("nominations_close_at", _("Give when nominations close."))
    require(actor, "honours.keep", area)
    title = text(title, "title", limit=200) or f"{area.name}{year}年度{AwardKind(kind).label}"
    row = AwardRound.objects.create(
        area=area, kind=kind, year=year, title=title, description=text(description, "description", limit=2000),
        nominations_close_at=nominations_close_at, winners=winners, created_by=actor_user(actor),
    )
    audit.record(actor=actor, action="honours.round.create", obj=row,
                 after=audit.snapshot(row, ["area", "kind", "year", "title", "winners", "nominations_close_at"]))
    for name, points in criteria or ():
        criterion_add(actor=actor, award_round=row, name=name, max_points=points)
    return row


def _lock(actor: Actor, award_round: AwardRound | int) -> AwardRound:
    pk = award_round.pk if isinstance(award_round, AwardRound) else award_round
    row = AwardRound.objects.select_for_update().filter(pk=pk).first()
    if row is None or not AwardRound.objects.visible_to(actor).filter(pk=pk).exists():
        raise NotFound()
    return row


def _keep_nominating(actor: Actor, award_round: AwardRound | int) -> AwardRound:
    row = _lock(actor, award_round)
    require(actor, "honours.keep", row)
    if row.state != RoundState.NOMINATING:
        raise Conflict(_("The panel has started scoring: the criteria and the panel are fixed."), code="round_fixed")
    return row


@transaction.atomic
def criterion_add(*, actor: Actor, award_round: AwardRound | int, name: str, max_points: int) -> AwardCriterion:
    row = _keep_nominating(actor, award_round)
    name = text(name, "name", required=_("Name the criterion."), limit=100)
    if not isinstance(max_points, int) or isinstance(max_points, bool) or not 1 <= max_points <= 100:
        raise field_error("max_points", _("From 1 to 100 points."))
    if AwardCriterion.objects.filter(round=row, name=name).exists():
        raise field_error("name", _("This criterion is already listed."))
    criterion = AwardCriterion.objects.create(round=row, name=name, max_points=max_points,
                                              order=AwardCriterion.objects.filter(round=row).count() + 1)
    audit.record(actor=actor, action="honours.criterion.add", obj=row, after={"name": name, "max_points": max_points})
    return criterion


@transaction.atomic
def panel_add(*, actor: Actor, award_round: AwardRound | int, user) -> PanelMember:
    row = _keep_nominating(actor, award_round)
    if user is None or not user.is_active:
        raise field_error("user", _("Choose an active account."))
    try:
        with transaction.atomic():
            member = PanelMember.objects.create(round=row, user=user)
    except IntegrityError:
        raise field_error("user", _("Already on the panel.")) from None
    audit.record(actor=actor, action="honours.panel.add", obj=row, after={"member": str(user)})
    transaction.on_commit(lambda: notify(
        recipients=[user], title=_("You are on the panel: %(title)s") % {"title": row.title},
        body=_("Score each nomination once the nominations close."), url=round_url(row), obj=row,
        kind="honours.panel"))
    return member


def _own(user, nomination: AwardNomination) -> bool:
    """Whether the nominee is the user's own: their unit, or a community they are bound to (or lie in)."""
    if nomination.unit_id is not None:
        if getattr(user, "unit_id", None) == nomination.unit_id:
            return True
        node = nomination.unit.area
    else:
        node = nomination.community
    community = community_of(node) or node
    return AreaBinding.objects.filter(user=user, node__path__startswith=community.path).exists()


def award_nominate(
    *, actor: Actor, award_round: AwardRound | int, entry: str, description: str,
    community: AreaNode | None = None, unit: Unit | None = None,
) -> AwardNomination:
    """Put a community (its staff, or the round's staff) or a unit (its liaison, or the staff of its
    area) forward with the entry and its description, before nominations close."""
    require(actor, "honours.award_nominate")
    entry = text(entry, "entry", required=_("Name the entry put forward."), limit=200)
    description = text(description, "description", required=_("Describe the entry."), limit=3000)
    if (community is None) == (unit is None):
        raise field_error("community", _("Nominate a community or a unit."))
    with transaction.atomic():
        row = _lock(actor, award_round)
        if row.state != RoundState.NOMINATING or timezone.now() >= row.nominations_close_at:
            raise Conflict(_("Nominations for this round are closed."), code="nominations_closed")
        node = community if community is not None else unit.area
        if community is not None and community.kind != AreaKind.COMMUNITY:
            raise field_error("community", _("Choose a community."))
        if not node.path.startswith(row.area.path):
            raise field_error("community" if community is not None else "unit",
                              _("Only communities and units of %(area)s.") % {"area": row.area.name})
        # a unit's liaison is the account linked to the unit (the gate let only nominators through)
        is_liaison = unit is not None and getattr(actor, "unit_id", None) == unit.pk
        if not is_liaison and not scope.covers_path(actor, node.path):
            raise Forbidden(_("Only its own staff or liaison put it forward."))
        try:
            with transaction.atomic():
                nomination = AwardNomination.objects.create(
                    round=row, community=community, unit=unit, name=community.name if community else unit.name,
                    entry=entry, description=description, nominated_by=actor_user(actor))
        except IntegrityError:
            raise Conflict(_("Already nominated in this round."), code="already_nominated") from None
        audit.record(actor=actor, action="honours.award.nominate", obj=row,
                     after={"nomination": nomination.pk, "name": nomination.name, "entry": entry})
        transaction.on_commit(lambda: notify(
            recipients=keepers_of(row.area).iterator(), title=_("New nomination: %(title)s") % {"title": row.title},
            body=f"{nomination.name} · {entry}", url=round_url(row), obj=row, kind="honours.nominated"))
    return nomination


def round_start_scoring(*, actor: Actor, award_round: AwardRound | int) -> AwardRound:
    def guard(row: AwardRound) -> None:
        if row.state != RoundState.NOMINATING:
            return
        if not AwardCriterion.objects.filter(round=row).exists():
            raise Conflict(_("Add the criteria first."), code="no_criteria")
        if not PanelMember.objects.filter(round=row).exists():
            raise Conflict(_("Name the panel first."), code="no_panel")
        if not AwardNomination.objects.filter(round=row).exists():
            raise Conflict(_("Nobody was nominated."), code="no_nominations")

    def tell(row: AwardRound) -> None:
        notify(recipients=[m.user for m in PanelMember.objects.filter(round=row).select_related("user")],
               title=_("Please score: %(title)s") % {"title": row.title},
               body=_("%(n)d nominations to score.") % {"n": row.nominations.count()},
               url=round_url(row), obj=row, kind="honours.panel")

    return apply_transition(ROUND_WORKFLOW, actor=actor, obj=award_round, action="start_scoring", guard=guard,
                            notify=tell)


def score_submit(
    *, actor: Actor, nomination: AwardNomination | int, points: dict[int, int], comment: str = ""
) -> ScoreSheet:
    """A panel member scores one nomination on every criterion (0 to its maximum), once."""
    require(actor, "honours.score")
    comment = text(comment, "comment", limit=300)
    pk = nomination.pk if isinstance(nomination, AwardNomination) else nomination
    with transaction.atomic():
        target = AwardNomination.objects.visible_to(actor).filter(pk=pk).select_related("round", "unit__area",
                                                                                         "community").first()
        if target is None:
            raise NotFound()
        row = _lock(actor, target.round_id)
        member = PanelMember.objects.filter(round=row, user=actor_user(actor)).first()
        if member is None:
            raise Forbidden(_("Only the round's panel members score."))
        if row.state != RoundState.SCORING:
            raise Conflict(_("Scoring is not open for this round."), code="not_scoring")
        if _own(actor, target):
            raise Forbidden(_("You do not score your own community or unit."))
        criteria = list(AwardCriterion.objects.filter(round=row).order_by("order", "pk"))
        lines = []
        for criterion in criteria:
            value = points.get(criterion.pk, points.get(str(criterion.pk)))
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= criterion.max_points:
                raise field_error(f"points.{criterion.pk}", _("%(name)s: from 0 to %(max)d points.") % {
                    "name": criterion.name, "max": criterion.max_points})
            lines.append((criterion, value))
        if set(map(str, points)) - {str(c.pk) for c in criteria}:
            raise field_error("points", _("Score only this round's criteria."))
        try:
            with transaction.atomic():
                sheet = ScoreSheet.objects.create(nomination=target, member=member,
                                                  total=sum(v for _c, v in lines), comment=comment)
                ScoreLine.objects.bulk_create(ScoreLine(sheet=sheet, criterion=c, points=v) for c, v in lines)
        except IntegrityError:
            raise Conflict(_("You have already scored this nomination."), code="already_scored") from None
        audit.record(actor=actor, action="honours.score.submit", obj=row,
                     after={"nomination": target.pk, "total": sheet.total})
    return sheet


def expected_sheets(award_round: AwardRound) -> dict[int, set[int]]:
    """For each nomination, the panel members (ids) who may score it (not their own)."""
    members = list(PanelMember.objects.filter(round=award_round).select_related("user"))
    out: dict[int, set[int]] = {}
    for nomination in AwardNomination.objects.filter(round=award_round).select_related("unit__area", "community"):
        out[nomination.pk] = {m.pk for m in members if not _own(m.user, nomination)}
    return out


def trimmed_mean(totals: list[int]) -> Decimal | None:
    if not totals:
        return None
    values = sorted(totals)
    if len(values) >= TRIM_FROM:
        values = values[1:-1]
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(CENT, rounding=ROUND_HALF_UP)


def missing_sheets(award_round: AwardRound) -> int:
    given = set(ScoreSheet.objects.filter(nomination__round=award_round).values_list("nomination_id", "member_id"))
    return sum(1 for n, members in expected_sheets(award_round).items() for m in members if (n, m) not in given)


def round_decide(*, actor: Actor, award_round: AwardRound | int) -> AwardRound:
    """Rank by the panel's (trimmed) mean, mark the winners and put them on the honour roll."""

    def guard(row: AwardRound) -> None:
        if row.state == RoundState.SCORING and (n := missing_sheets(row)):
            raise Conflict(_("%(n)d score sheets are still missing.") % {"n": n}, code="sheets_missing")

    def update(row: AwardRound) -> list[str]:
        nominations = list(AwardNomination.objects.filter(round=row).select_related("unit__area", "community"))
        totals: dict[int, list[int]] = {n.pk: [] for n in nominations}
        for nomination_id, total in ScoreSheet.objects.filter(nomination__round=row).values_list("nomination_id",
                                                                                                 "total"):
            totals[nomination_id].append(total)
        for n in nominations:
            n.score, n.sheets = trimmed_mean(totals[n.pk]), len(totals[n.pk])
        ranked = sorted(nominations, key=lambda n: (-(n.score or 0), n.pk))
        cutoff = ranked[min(row.winners, len(ranked)) - 1].score if ranked else None
        for n in ranked:
            n.rank = 1 + sum(1 for other in ranked if (other.score or 0) > (n.score or 0))
            n.is_winner = cutoff is not None and n.score is not None and n.score >= cutoff
        AwardNomination.objects.bulk_update(nominations, ["score", "sheets", "rank", "is_winner"])
        today = timezone.localdate()
        for n in ranked:
            if n.is_winner:
                node = n.community or n.unit.area
                Honour.objects.create(
                    community=community_of(node) or node, kind=HonourKind(row.kind),
                    title=f"{row.year}年度{row.get_kind_display()}", name=f"{n.name}（{n.entry}）",
                    reason=n.description[:1000], year=row.year, award_nomination=n, awarded_on=today)
        row.decided_at = timezone.now()
        return ["decided_at"]

    return apply_transition(ROUND_WORKFLOW, actor=actor, obj=award_round, action="decide", guard=guard,
                            update=update)


def round_cancel(*, actor: Actor, award_round: AwardRound | int, reason: str) -> AwardRound:
    reason = text(reason, "reason", required=_("Say why the round is cancelled."), limit=300)

    def update(row: AwardRound) -> list[str]:
        row.state_reason = reason
        return ["state_reason"]

    return apply_transition(ROUND_WORKFLOW, actor=actor, obj=award_round, action="cancel", update=update, note=reason)
