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
