"""The district's declared paths (议事路径) and proposal rules: the defaults a district starts with,
and edits through the admin as data."""

from __future__ import annotations

from django.db import transaction

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor
from gongzhi.core.errors import InvalidInput
from gongzhi.core.permissions import require

from ..models import Path, PathStep, ProposalRule, ScopeKind, StepActor, StepOutput

A, Out = StepActor, StepOutput

# (key, name, scope kinds, default?, steps: (name, actor, output, working days, may send back, may drop))
DEFAULT_PATHS = (
    (
        "six_step", "六步协商（二六工作法）", "community,grid", True,
        (
            ("党委提议", A.PARTY_COMMITTEE, Out.PROPOSAL, 5, False, True),
            ("两委商议", A.TWO_COMMITTEES, Out.MEETING, 10, True, True),
            ("党员大会审议", A.PARTY_ASSEMBLY, Out.MEETING, 15, True, True),
            ("居民代表大会决议", A.RESIDENTS_ASSEMBLY, Out.VOTE, 15, True, True),
            ("监督委员会监事", A.SUPERVISION_COMMITTEE, Out.SUPERVISION, 5, True, False),
            ("决议结果公示", A.COMMUNITY_STAFF, Out.PUBLICATION, 3, False, False),
        ),
    ),
    (
        "building", "楼院协商", "building", True,
        (
            ("提出议题", A.COMMUNITY_STAFF, Out.PROPOSAL, 3, False, True),
            ("征询受影响住户", A.AFFECTED_HOUSEHOLDS, Out.CONSULTATION, 10, True, True),
            ("住户表决", A.AFFECTED_HOUSEHOLDS, Out.VOTE, 10, True, True),
            ("结果公示", A.COMMUNITY_STAFF, Out.PUBLICATION, 3, False, False),
        ),
    ),
    (
        "estate", "小区协商", "estate", True,
        (
            ("提出议题", A.COMMUNITY_STAFF, Out.PROPOSAL, 3, False, True),
            ("征询受影响住户", A.AFFECTED_HOUSEHOLDS, Out.CONSULTATION, 15, True, True),
            ("住户表决", A.AFFECTED_HOUSEHOLDS, Out.VOTE, 10, True, True),
            ("结果公示", A.COMMUNITY_STAFF, Out.PUBLICATION, 3, False, False),
        ),
    ),
)

DEFAULT_SIGNATURES = {ScopeKind.BUILDING: 5, ScopeKind.ESTATE: 20, ScopeKind.GRID: 20, ScopeKind.COMMUNITY: 50}


@transaction.atomic
def default_paths_install(*, actor: Actor, district: AreaNode) -> list[Path]:
    """Give a district the default paths and proposal rules (those it already has stay as edited)."""
    if district.kind != AreaKind.DISTRICT:
        raise InvalidInput(fields={"district": ["Not a district."]})
    require(actor, "deliberation.manage_paths", district)
    made = []
    for key, name, kinds, default, steps in DEFAULT_PATHS:
        path, created = Path.objects.get_or_create(
            district=district, key=key, defaults={"name": name, "scope_kinds": kinds, "is_default": default}
        )
        if created:
            PathStep.objects.bulk_create(
                PathStep(path=path, position=n, name=step, actor=who, output=out, time_limit_days=days,
                         may_send_back=back, may_drop=drop)
                for n, (step, who, out, days, back, drop) in enumerate(steps, start=1)
            )
            audit.record(actor=actor, action="deliberation.path.create", obj=path, after={"key": key, "steps": len(steps)})
            made.append(path)
    for kind, needed in DEFAULT_SIGNATURES.items():
        ProposalRule.objects.get_or_create(district=district, scope_kind=kind, defaults={"signatures_needed": needed})
    return made


def path_for(district: AreaNode, scope_kind: str) -> Path | None:
    """The district's default active path for a scope."""
    candidates = Path.objects.filter(district=district, is_active=True).order_by("-is_default", "name")
    return next((p for p in candidates if p.offered_for(scope_kind)), None)


# --- the district edits its paths and rules as data (the admin) ------------------------------------

PATH_AUDIT_FIELDS = ["district", "key", "name", "scope_kinds", "is_default", "is_active"]
STEP_AUDIT_FIELDS = ["position", "name", "actor", "output", "time_limit_days", "may_send_back", "may_drop"]


def path_check(*, actor: Actor, path: Path) -> None:
    """Refuse a path the actor may not declare, or whose scopes are not building/estate/grid/community."""
    from django.utils.translation import gettext as _

    require(actor, "deliberation.manage_paths", path.district)
    kinds = [k.strip() for k in (path.scope_kinds or "").split(",") if k.strip()]
    wrong = [k for k in kinds if k not in ScopeKind.values]
    if wrong:
        message = _("Unknown scopes: %(kinds)s (use building, estate, grid, community, separated by commas).") % {
            "kinds": ", ".join(wrong)}
        raise InvalidInput(message, fields={"scope_kinds": [message]})


@transaction.atomic
def path_save(*, actor: Actor, path: Path) -> Path:
    """Save a path the district declares or changes (audited with what changed)."""
    path_check(actor=actor, path=path)
    path.scope_kinds = ",".join(k.strip() for k in path.scope_kinds.split(",") if k.strip())
    created = path.pk is None
    before = None if created else audit.snapshot(Path.objects.get(pk=path.pk), PATH_AUDIT_FIELDS)
    path.save()
    old, new = audit.diff(before, audit.snapshot(path, PATH_AUDIT_FIELDS))
    audit.record(actor=actor, action="deliberation.path.create" if created else "deliberation.path.update",
                 obj=path, before=old, after=new)
    return path


def path_steps_check(*, path: Path, positions: list[int]) -> None:
    from django.utils.translation import gettext as _

    if not positions:
        message = _("A path needs at least one step.")
        raise InvalidInput(message, fields={"steps": [message]})
    if len(set(positions)) != len(positions):
        message = _("Two steps have the same position.")
        raise InvalidInput(message, fields={"steps": [message]})


@transaction.atomic
def path_steps_save(*, actor: Actor, path: Path, steps: list[PathStep]) -> list[PathStep]:
    """Save the steps of a path as the district edits them (audited: the steps before and after).
    Topics already under way keep the timeline they took; they continue by position."""
    require(actor, "deliberation.manage_paths", path.district)
    before = [audit.snapshot(s, STEP_AUDIT_FIELDS) for s in path.steps.order_by("position")]
    for step in steps:
        step.path = path
        step.save()
    after = [audit.snapshot(s, STEP_AUDIT_FIELDS) for s in path.steps.order_by("position")]
    path_steps_check(path=path, positions=[s["position"] for s in after])
    if before != after:
        audit.record(actor=actor, action="deliberation.path.steps", obj=path, before={"steps": before},
                     after={"steps": after})
    return steps


@transaction.atomic
def proposal_rule_save(*, actor: Actor, rule: ProposalRule) -> ProposalRule:
    """Save how many co-signatures open a proposal of a scope, and for how many days it collects."""
    require(actor, "deliberation.manage_paths", rule.district)
    fields = ["district", "scope_kind", "signatures_needed", "collect_days"]
    before = None if rule.pk is None else audit.snapshot(ProposalRule.objects.get(pk=rule.pk), fields)
    rule.save()
    old, new = audit.diff(before, audit.snapshot(rule, fields))
    audit.record(actor=actor, action="deliberation.proposal_rule.save", obj=rule, before=old, after=new)
    return rule
