"""Topics: raised by staff (from a case's hot issue, a consultation group, a meeting, a unit) or
proposed by residents and opened by co-signatures (a threshold per scope, `ProposalRule`)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode, Estate, Unit
from gongzhi.cases.models import Case
from gongzhi.core import audit
from gongzhi.core.actors import Actor, SystemActor, actor_user
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput
from gongzhi.core.permissions import require
from gongzhi.core.workflow import lock_visible
from gongzhi.meetings.models import Meeting
from gongzhi.votes.models import home_paths

from ..models import (
    SCOPE_AREA_KIND,
    ConsultationGroup,
    Path,
    ProposalRule,
    ScopeKind,
    Signature,
    Topic,
    TopicCase,
    TopicSource,
    TopicState,
)
from . import paths as path_services
from .steps import district_of, topic_open

TITLE_MAX, DESCRIPTION_MAX = 200, 5000
TOPIC_AUDIT_FIELDS = ["area", "scope_kind", "estate", "title", "group", "source", "path", "state", "signatures_needed"]


def _field(name: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={name: [message]})


def _clean_text(title: str, description: str) -> tuple[str, str]:
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise _field("title", _("Give the topic a title."))
    if len(title) > TITLE_MAX:
        raise _field("title", _("At most %(n)d characters.") % {"n": TITLE_MAX})
    if not description:
        raise _field("description", _("Describe the matter."))
    if len(description) > DESCRIPTION_MAX:
        raise _field("description", _("At most %(n)d characters.") % {"n": DESCRIPTION_MAX})
    return title, description


def _check_scope(scope_kind: str, area: AreaNode | None, estate: Estate | None) -> tuple[AreaNode, Estate | None]:
    if scope_kind not in ScopeKind.values:
        raise _field("scope_kind", _("Choose building, estate, grid or community."))
    if scope_kind == ScopeKind.ESTATE:
        if estate is None:
            raise _field("estate", _("Choose the estate."))
        return estate.community, estate
    if area is None or area.kind != SCOPE_AREA_KIND[scope_kind]:
        raise _field("area", _("Choose a %(kind)s.") % {"kind": AreaKind(SCOPE_AREA_KIND[scope_kind]).label})
    return area, None


def _check_group(group: str) -> str:
    if group not in ConsultationGroup.values:
        raise _field("group", _("Choose one of the four consultation groups."))
    return group


def _path(district: AreaNode, scope_kind: str, path: Path | None) -> Path:
    if path is not None:
        if path.district_id != district.pk or not path.is_active or not path.offered_for(scope_kind):
            raise _field("path", _("This path is not offered for this scope."))
        return path
    found = path_services.path_for(district, scope_kind)
    if found is None:
        raise _field("path", _("The district has declared no path for this scope."))
    return found


@transaction.atomic
def topic_raise(
    *,
    actor: Actor,
    title: str,
    description: str,
    scope_kind: str,
    group: str,
    source: str,
    area: AreaNode | None = None,
    estate: Estate | None = None,
    path: Path | None = None,
    cases: list[Case] = (),
    meeting: Meeting | None = None,
    unit: Unit | None = None,
    open_now: bool = True,
) -> Topic:
    """Staff raise a topic in their area (from hot issues of cases, a consultation group, a meeting or
    a unit's proposal) and, by default, put it straight on the first step of its path."""
    title, description = _clean_text(title, description)
    area, estate = _check_scope(scope_kind, area, estate)
    require(actor, "deliberation.raise", area)
    group = _check_group(group)
    if source not in TopicSource.values or source == TopicSource.PROPOSAL:
        raise _field("source", _("Choose where the topic comes from."))
    if source == TopicSource.CASE and not cases:
        raise _field("cases", _("Choose the cases the topic comes from."))
    if source == TopicSource.MEETING and meeting is None:
        raise _field("meeting", _("Choose the meeting that raised the topic."))
    if source == TopicSource.UNIT and unit is None:
        raise _field("unit", _("Choose the unit that proposed the topic."))
    visible_cases = list(Case.objects.visible_to(actor).filter(pk__in=[c.pk for c in cases])) if cases else []
    if len(visible_cases) != len({c.pk for c in cases}):
        raise _field("cases", _("One of the cases is not in your area."))
    if meeting is not None and not Meeting.objects.visible_to(actor).filter(pk=meeting.pk).exists():
        raise _field("meeting", _("This meeting is not in your area."))
    topic = Topic.objects.create(
        area=area, scope_kind=scope_kind, estate=estate, title=title, description=description, group=group,
        source=source, path=_path(district_of(area), scope_kind, path), proposed_by=actor_user(actor),
        meeting=meeting, unit=unit,
    )
    TopicCase.objects.bulk_create(TopicCase(topic=topic, case=case) for case in visible_cases)
    audit.record(actor=actor, action="deliberation.topic.create", obj=topic, after=audit.snapshot(topic, TOPIC_AUDIT_FIELDS))
    if open_now:
        topic = topic_open(actor=actor, topic=topic)
    return topic


def lives_in(user, area: AreaNode) -> bool:
    """Whether the user is a living resident of the registry in a household under `area`."""
    return any(home.startswith(area.path) for home in home_paths(user))


@transaction.atomic
def proposal_create(
    *,
    actor: Actor,
    title: str,
    description: str,
    scope_kind: str,
    group: str,
    area: AreaNode | None = None,
    estate: Estate | None = None,
) -> Topic:
    """A resident proposes a topic for the scope they live in (居民提议). It collects co-signatures
    until the district's threshold for the scope opens it, or it lapses."""
    require(actor, "deliberation.propose")
    title, description = _clean_text(title, description)
    area, estate = _check_scope(scope_kind, area, estate)
    group = _check_group(group)
    if not lives_in(actor, area):
        raise Forbidden(_("Only residents of this %(scope)s propose topics for it.") % {"scope": ScopeKind(scope_kind).label})
    district = district_of(area)
    rule = ProposalRule.objects.filter(district=district, scope_kind=scope_kind).first()
    needed = rule.signatures_needed if rule else 0
    topic = Topic.objects.create(
        area=area, scope_kind=scope_kind, estate=estate, title=title, description=description, group=group,
        source=TopicSource.PROPOSAL, path=_path(district, scope_kind, None), proposed_by=actor_user(actor),
        signatures_needed=needed,
        collect_until=timezone.localdate() + dt.timedelta(days=rule.collect_days if rule else 30),
    )
    audit.record(actor=actor, action="deliberation.topic.propose", obj=topic, after=audit.snapshot(topic, TOPIC_AUDIT_FIELDS))
    if needed == 0:
        topic = topic_open(actor=SystemActor(label="deliberation.threshold"), topic=topic,
                           note=_("No co-signatures needed"))
    return topic


def proposal_sign(*, actor: Actor, topic: Topic | int) -> Signature:
    """A resident of the proposal's scope co-signs it (once); the signature that reaches the
    threshold puts the topic on its path."""
    require(actor, "deliberation.sign")
    with transaction.atomic():
        pk = topic.pk if isinstance(topic, Topic) else topic
        row = lock_visible(Topic, actor=actor, pk=pk)
        if row.state != TopicState.PROPOSED:
            raise Conflict(_("This topic no longer collects co-signatures."), code="not_collecting")
        if row.collect_until and row.collect_until < timezone.localdate():
            raise Conflict(_("The time to co-sign this proposal has ended."), code="not_collecting")
        if row.proposed_by_id == getattr(actor, "pk", None):
            raise Conflict(_("You proposed this topic: your proposal counts already."), code="own_proposal")
        if not lives_in(actor, row.area):
            raise Forbidden(_("Only residents of this %(scope)s co-sign its proposals.") % {"scope": row.get_scope_kind_display()})
        try:
            with transaction.atomic():
                signature = Signature.objects.create(topic=row, user=actor)
        except IntegrityError:
            raise Conflict(_("You have already co-signed this proposal."), code="already_signed") from None
        Topic.objects.filter(pk=row.pk).update(signature_count=F("signature_count") + 1)
        row.refresh_from_db(fields=["signature_count"])
        audit.record(actor=actor, action="deliberation.topic.sign", obj=row, after={"signatures": row.signature_count})
        if row.signatures_needed and row.signature_count >= row.signatures_needed:
            topic_open(actor=SystemActor(label="deliberation.threshold"), topic=row,
                       note=_("%(n)d co-signatures reached") % {"n": row.signature_count})
    return signature


def proposals_lapse(*, actor: Actor, today: dt.date | None = None) -> int:
    """Proposals past their time to collect co-signatures without enough of them lapse (workflow
    "lapse", audited); their proposers are told. Returns how many lapsed; a second run lapses
    nothing new."""
    from gongzhi.core.notifications import notify
    from gongzhi.core.workflow import apply_transition

    from ..workflow import TOPIC_WORKFLOW
    from .steps import topic_url

    require(actor, "deliberation.sweep")
    today = today or timezone.localdate()
    due = list(
        Topic.objects.filter(state=TopicState.PROPOSED, collect_until__lt=today).values_list("pk", flat=True)[:5000]
    )

    def tell(topic: Topic) -> None:
        notify(
            recipients=[topic.proposed_by], kind="deliberation.proposal_lapsed", obj=topic, url=topic_url(topic),
            title=_("Your proposal “%(title)s” lapsed") % {"title": topic.title[:80]},
            body=_("It gathered %(n)d of the %(needed)d co-signatures needed by %(date)s.") % {
                "n": topic.signature_count, "needed": topic.signatures_needed, "date": topic.collect_until.isoformat()},
        )

    lapsed = 0
    for pk in due:
        with transaction.atomic():
            row = Topic.objects.select_for_update().filter(pk=pk, state=TopicState.PROPOSED).first()
            if row is None or row.collect_until is None or row.collect_until >= today:
                continue
            note = _("%(n)d of %(needed)d co-signatures by %(date)s") % {
                "n": row.signature_count, "needed": row.signatures_needed, "date": row.collect_until.isoformat()}

            def update(topic: Topic) -> list[str]:
                topic.closed_at = timezone.now()
                return ["closed_at"]

            apply_transition(TOPIC_WORKFLOW, actor=actor, obj=row, action="lapse", update=update, note=note,
                             notify=tell, locked=True)
            lapsed += 1
    return lapsed
