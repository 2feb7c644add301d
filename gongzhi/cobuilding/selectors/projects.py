"""Reads of the projects list: the projects a user sees (filtered by state, area, owner), with
their overdue milestones flagged and their residents' average rating; one project with its
partners, milestones, evaluations and renewals; the choices the forms offer (areas, units,
reported members, decisions of alliance meetings)."""

from __future__ import annotations

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from gongzhi.areas.models import AreaKind, AreaNode, Unit
from gongzhi.core import scope
from gongzhi.core.permissions import can
from gongzhi.meetings.models import BodyKind, Decision

from ..models import MemberReport, Milestone, Project, ProjectEvaluation, ReportInState


def _annotated(qs: QuerySet) -> QuerySet:
    today = timezone.localdate()
    late = Milestone.objects.filter(project=OuterRef("pk"), done_on__isnull=True, due_on__lt=today)
    return qs.annotate(
        has_overdue=Exists(late),
        rating_average=Avg("evaluations__rating"),
        rating_count=Count("evaluations", distinct=True),
    )


def projects_visible(*, user, state: str = "", area_id: int | None = None, owner_id: int | None = None,
                     overdue: bool = False) -> QuerySet:
    qs = Project.objects.visible_to(user).select_related("area", "owner_unit", "category")
    if state:
        qs = qs.filter(state=state)
    if area_id:
        area = AreaNode.objects.filter(pk=area_id).first()
        qs = qs.filter(area__path__startswith=area.path) if area else qs.none()
    if owner_id:
        qs = qs.filter(owner_unit_id=owner_id)
    qs = _annotated(qs)
    if overdue:
        qs = qs.filter(has_overdue=True)
    return qs.order_by("-term_start", "-id")


def project_get(*, user, pk: int) -> Project:
    found = Project.objects.visible_or_404(user, pk=pk)
    return _annotated(Project.objects.filter(pk=found.pk)).select_related(
        "area", "owner_unit", "category", "decision", "decision__meeting", "renewed_from").get()


def partners_of(*, project: Project) -> QuerySet:
    return project.partners.select_related("unit", "member_report", "member_report__member")


def milestones_of(*, project: Project) -> list[Milestone]:
    today = timezone.localdate()
    rows = list(project.milestones.all())
    for row in rows:
        row.is_overdue = row.done_on is None and row.due_on < today
    return rows


def evaluations_of(*, project: Project) -> QuerySet:
    return ProjectEvaluation.objects.filter(project=project).select_related("user")


def my_evaluation(*, user, project: Project) -> ProjectEvaluation | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ProjectEvaluation.objects.filter(project=project, user=user).first()


def renewals_of(*, user, project: Project) -> QuerySet:
    return Project.objects.visible_to(user).filter(renewed_from=project)


def project_areas(user) -> list[AreaNode]:
    """The streets and communities the user keeps projects for."""
    nodes = scope.restrict(AreaNode.objects.filter(kind__in=(AreaKind.STREET, AreaKind.COMMUNITY), is_active=True),
                           user, field="")
    return [n for n in nodes.order_by("path")[:300] if can(user, "cobuilding.keep_projects", n)]


def units_for(user) -> QuerySet:
    """Active units of the districts the user works in."""
    paths = scope.scope_paths(user)
    qs = Unit.objects.filter(is_active=True).select_related("area")
    if paths is None:
        return qs.order_by("name")
    districts = sorted({p[: AreaNode.steplen] for p in paths})
    condition = Q(pk__in=[])
    for district in districts:
        condition |= Q(area__path__startswith=district)
    return qs.filter(condition).order_by("name")


def member_reports_for(user) -> QuerySet:
    return MemberReport.objects.visible_to(user).filter(state=ReportInState.ACTIVE).select_related(
        "member", "community").order_by("member__name")


def decisions_for(user) -> QuerySet:
    """Decisions of alliance meetings the user sees (the meetings issue: 大联盟, 大工委, 大党委)."""
    return Decision.objects.visible_to(user).filter(meeting__body__kind=BodyKind.ALLIANCE).select_related(
        "meeting").order_by("-meeting__starts_at", "number")


def decision_panel(*, user, decision) -> dict | None:
    """Fills "meetings.decision.panels": the co-building projects decided by this decision that
    the user sees."""
    projects = list(Project.objects.visible_to(user).filter(decision=decision).select_related("owner_unit")[:20])
    if not projects:
        return None
    from django.utils.translation import gettext

    return {"title": gettext("Co-building projects"), "template": "cobuilding/projects/_decision_panel.html",
            "context": {"projects": projects}}
