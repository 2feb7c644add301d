"""Yearly household stars (星级文明户): proposed from the year's points by the thresholds kept as
data (`StarThreshold`), then the community's review committee sets the final stars; where they
differ from the proposal the reason is required. The building page shows the final stars."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import require

from ..models import HouseholdStar, StarState
from ..selectors.points import households_in, year_points
from ..selectors.standards import stars_for, thresholds_for
from .bonus import community_for, year_value
from .checks import field_error

REASON_MAX = 200


@transaction.atomic
def stars_propose(*, actor: Actor, community, year) -> int:
    """Propose (again) the stars of every household of the community for the year; households the
    committee already reviewed keep their final stars. Returns the number of proposals."""
    node = community_for(actor, community, "civility.compute")
    year = year_value(year)
    thresholds = thresholds_for(node=node, year=year)
    if not thresholds:
        raise field_error("year", _("No star thresholds apply to this community in that year."))
    points = year_points(node=node, year=year)
    existing = {row.household_id: row for row in
                HouseholdStar.objects.select_for_update().filter(household__path__startswith=node.path, year=year)}
    made = 0
    for household in households_in(node).only("pk"):
        value = points.get(household.pk, 0)
        proposed = stars_for(value, thresholds)
        row = existing.get(household.pk)
        if row is None:
            HouseholdStar.objects.create(household=household, year=year, points=value, proposed=proposed)
            made += 1
        elif row.state == StarState.PROPOSED and (row.points, row.proposed) != (value, proposed):
            HouseholdStar.objects.filter(pk=row.pk).update(points=value, proposed=proposed)
            made += 1
    audit.record(actor=actor, action="civility.stars.propose", obj=node, after={"year": year, "proposals": made})
    return made


@transaction.atomic
def stars_review(*, actor: Actor, star, final, reason: str = "") -> HouseholdStar:
    """The committee's final stars (0–5) for one household; a reason where they differ from the proposal."""
    pk = star.pk if isinstance(star, HouseholdStar) else star
    row = HouseholdStar.objects.visible_to(actor).select_for_update().select_related("household").filter(pk=pk).first()
    if row is None:
        raise NotFound()
    require(actor, "civility.decide", row)
    try:
        final = int(final)
    except (TypeError, ValueError):
        final = -1
    if not 0 <= final <= 5:
        raise field_error("final", _("From 0 to 5 stars."))
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise field_error("reason", _("At most %(n)d characters.") % {"n": REASON_MAX})
    if final != row.proposed and not reason:
        raise field_error("reason", _("Say why the stars differ from the proposal."))
    before = {"final": row.final, "reason": row.reason}
    row.final, row.reason, row.state = final, reason, StarState.REVIEWED
    row.reviewed_by, row.reviewed_at = actor_user(actor), timezone.now()
    row.save(update_fields=["final", "reason", "state", "reviewed_by", "reviewed_at"])
    audit.record(actor=actor, action="civility.stars.review", obj=row, before=before,
                 after={"final": final, "proposed": row.proposed, "reason": reason})
    return row
