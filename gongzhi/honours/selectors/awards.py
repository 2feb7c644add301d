"""Reads of the award rounds: the ones a user sees, a round's page (criteria, panel, nominations;
for a panel member the nominations left to score; the result once decided). Sheets are read by the
staff of the round and the panel; a member's own sheets always."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import can

from ..models import AwardCriterion, AwardNomination, AwardRound, PanelMember, RoundState, ScoreSheet
from ..services.awards import _own, missing_sheets


def rounds_visible(*, user, state: str = "") -> QuerySet:
    qs = AwardRound.objects.visible_to(user).select_related("area").annotate(nomination_count=Count("nominations"))
    if state in RoundState.values:
        qs = qs.filter(state=state)
    return qs.order_by("-year", "-id")


def round_get(*, user, pk: int) -> AwardRound:
    row = AwardRound.objects.visible_to(user).select_related("area").filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def award_nomination_get(*, user, pk: int) -> AwardNomination:
    row = AwardNomination.objects.visible_to(user).select_related("round", "round__area", "unit__area",
                                                                  "community").filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


@dataclass
class NominationRow:
    nomination: AwardNomination
    mine_to_score: bool = False  # the user sits on the panel, may score it and has not yet
    my_total: int | None = None
    own: bool = False


@dataclass
class RoundPage:
    round: AwardRound
    keeps: bool
    member: PanelMember | None
    criteria: list[AwardCriterion] = field(default_factory=list)
    panel: list[PanelMember] = field(default_factory=list)
    rows: list[NominationRow] = field(default_factory=list)
    missing: int = 0
    actions: list[str] = field(default_factory=list)


def round_page(*, user, award_round: AwardRound) -> RoundPage:
    from ..workflow import ROUND_WORKFLOW

    keeps = can(user, "honours.keep", award_round)
    member = PanelMember.objects.filter(round=award_round, user_id=getattr(user, "pk", None)).first()
    page = RoundPage(round=award_round, keeps=keeps, member=member)
    page.actions = [t.action for t in ROUND_WORKFLOW.offered(user, award_round)] if keeps else []
    page.criteria = list(AwardCriterion.objects.filter(round=award_round).order_by("order", "pk"))
    page.panel = list(PanelMember.objects.filter(round=award_round).select_related("user"))
    mine = dict(ScoreSheet.objects.filter(member=member).values_list("nomination_id", "total")) if member else {}
    order = ("rank", "pk") if award_round.state == RoundState.DECIDED else ("pk",)
    for n in AwardNomination.objects.filter(round=award_round).select_related("unit__area", "community").order_by(*order):
        row = NominationRow(nomination=n, my_total=mine.get(n.pk))
        if member is not None:
            row.own = _own(user, n)
            row.mine_to_score = award_round.state == RoundState.SCORING and not row.own and n.pk not in mine
        page.rows.append(row)
    if award_round.state == RoundState.SCORING and keeps:
        page.missing = missing_sheets(award_round)
    return page
