"""Yearly star rating of communities (星级评定): stars proposed from the year's score against the
district's thresholds, the committee's review (the street's or the district's reviewer sets the
final stars, with a reason where they differ from the proposal), and the published list.

The year's score of a community is its frozen total in the district's closed year period of that
year; without one, the mean of its frozen totals in the closed quarters of the year. A community
without a score is proposed 0 stars."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, InvalidInput
from gongzhi.core.permissions import require
from gongzhi.core.workflow import apply_transition, lock_visible

from ..models import PeriodKind, Result, RoundState, StarRating, StarRound, StarThreshold
from ..selectors.periods import closed_periods_of_year
from ..workflow import ROUND_WORKFLOW
from .inputs import text


def year_scores(*, district: AreaNode, year: int) -> dict[int, Decimal]:
    """community id → the year's score (see the module's note)."""
    periods = closed_periods_of_year(district=district, year=year)
    whole = [p for p in periods if p.kind == PeriodKind.YEAR]
    chosen = whole[:1] or [p for p in periods if p.kind == PeriodKind.QUARTER]
    totals: dict[int, list[Decimal]] = {}
    for r in Result.objects.filter(period__in=chosen, unit__kind=AreaKind.COMMUNITY).values("unit_id", "total"):
        totals.setdefault(r["unit_id"], []).append(r["total"])
    return {k: (sum(v, Decimal(0)) / len(v)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            for k, v in totals.items()}


def stars_for(score: Decimal | None, thresholds: list[StarThreshold]) -> int:
    if score is None:
        return 0
    for t in sorted(thresholds, key=lambda t: -t.stars):
        if score >= t.min_score:
            return t.stars
    return 0


@transaction.atomic
def propose(*, actor: Actor, district: AreaNode, year: int) -> StarRound:
    """Start (or refresh, while under review) the district's round of the year: each community's
    year score and the stars it earns by the thresholds. Reviewed stars are kept."""
    require(actor, "targets.publish", district)
    if district.kind != AreaKind.DISTRICT:
        message = _("Choose a district.")
        raise InvalidInput(message, fields={"district": [message]})
    if not 2000 <= int(year) <= 2100:
        message = _("Enter a year between 2000 and 2100.")
        raise InvalidInput(message, fields={"year": [message]})
    star_round, _created = StarRound.objects.get_or_create(district=district, year=year)
    star_round = lock_visible(StarRound, actor=actor, pk=star_round.pk)
    if star_round.state != RoundState.PROPOSED:
        raise Conflict(_("The star rating of this year is published already."))
    thresholds = list(StarThreshold.objects.filter(district=district))
    scores = year_scores(district=district, year=year)
    communities = AreaNode.objects.filter(path__startswith=district.path, kind=AreaKind.COMMUNITY, is_active=True)
    proposed = {}
    for community in communities.order_by("path"):
        score = scores.get(community.pk)
        stars = stars_for(score, thresholds)
        StarRating.objects.update_or_create(round=star_round, community=community,
                                            defaults={"score": score, "proposed": stars})
        proposed[community.code] = stars
    audit.record(actor=actor, action="targets.stars.propose", obj=star_round, after={"year": year, "stars": proposed})
    return star_round


@transaction.atomic
def review(*, actor: Actor, rating: StarRating, final: int, reason: str = "") -> StarRating:
    """The committee's final stars for a community; a reason is required where they differ from
    the proposal. Refused once the round is published."""
    rating = lock_visible(StarRating, actor=actor, pk=rating.pk)
    require(actor, "targets.review_stars", rating)
    if rating.round.state != RoundState.PROPOSED:
        message = _("The star rating is published: the stars are final.")
        raise InvalidInput(message, code="published", fields={"final": [message]})
    try:
        final = int(final)
    except (TypeError, ValueError):
        final = -1
    if final not in range(0, 6):
        message = _("Choose 0 to 5 stars.")
        raise InvalidInput(message, fields={"final": [message]})
    reason = text(reason, "reason", required=False)
    if final != rating.proposed and not reason:
        message = _("Give the reason the final stars differ from the proposed ones.")
        raise InvalidInput(message, fields={"reason": [message]})
    before = audit.snapshot(rating, ["final", "reason"])
    rating.final, rating.reason = final, reason
    rating.reviewed_by, rating.reviewed_at = actor_user(actor), timezone.now()
    rating.save(update_fields=["final", "reason", "reviewed_by", "reviewed_at"])
    audit.record(actor=actor, action="targets.stars.review", obj=rating, before=before,
                 after=audit.snapshot(rating, ["final", "reason"]))
    return rating


def publish(*, actor: Actor, star_round: StarRound) -> StarRound:
    """Publish the round: the stars are final (a community not reviewed keeps its proposal)."""

    def update(row: StarRound):
        row.published_at = timezone.now()
        for rating in StarRating.objects.filter(round=row, final__isnull=True):
            rating.final = rating.proposed
            rating.save(update_fields=["final"])
        return ["published_at"]

    return apply_transition(ROUND_WORKFLOW, actor=actor, obj=star_round, action="publish", update=update)
