"""The projects list (项目清单): a project of an area (community or street) with its owner unit,
partners (units and reported members, each with duties), the agreement (parties, duties, a term
that is a real range, the date it was signed and the signed PDF), milestones, a budget, its course
through PROJECT_WORKFLOW (start, complete with the outcome, close), renewal into a new project, and
the residents' evaluation (one per account). A project can come from a need (the need moves to
PROJECT) and can be decided at a meeting (an alliance's decision)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode, Unit
from gongzhi.core import audit, components
from gongzhi.core.actors import Actor
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.permissions import require
from gongzhi.core.workflow import apply_transition, lock_visible
from gongzhi.meetings.models import Decision
from gongzhi.residents.models import Person, PersonStatus

from ..models import (
    Category,
    MemberReport,
    Milestone,
    Need,
    Project,
    ProjectEvaluation,
    ProjectPartner,
    ProjectState,
    ReportInState,
)
from ..workflow_needs import NEED_WORKFLOW
from ..workflow_projects import PROJECT_WORKFLOW

PROJECT_AREA_KINDS = (AreaKind.STREET, AreaKind.COMMUNITY)
MAX_BUDGET = Decimal("9999999999.99")


def _refuse(field: str, message: str) -> None:
    raise InvalidInput(message, fields={field: [message]})


def _text(value, field: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        _refuse(field, _("This field is required."))
    if len(value) > limit:
        _refuse(field, _("At most %(n)d characters.") % {"n": limit})
    return value


def _date(value, field: str, *, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            _refuse(field, _("Give a date."))
        return None
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        _refuse(field, _("Give a date as YYYY-MM-DD."))


def check_term(term_start, term_end) -> tuple[dt.date, dt.date]:
    """The agreement's term as a real range: both dates given, the end after the start."""
    start = _date(term_start, "term_start")
    end = _date(term_end, "term_end")
    if end <= start:
        _refuse("term_end", _("The term must end after it starts."))
    return start, end


def _budget(value) -> Decimal:
    if value in (None, ""):
        return Decimal("0")
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        _refuse("budget", _("Type the budget in yuan, e.g. 20000 or 20000.50."))
    if not amount.is_finite() or amount < 0:
        _refuse("budget", _("The budget cannot be negative."))
    if amount > MAX_BUDGET or amount.as_tuple().exponent < -2:
        _refuse("budget", _("Type the budget in yuan with at most two decimals."))
    return amount


def _area(area: AreaNode | None) -> AreaNode:
    if area is None or area.kind not in PROJECT_AREA_KINDS:
        _refuse("area", _("Choose the community or street of the project."))
    return area


def _owner(actor: Actor, owner_unit: Unit | None, area: AreaNode) -> Unit:
    if owner_unit is None:
        _refuse("owner_unit", _("Choose the unit that owns the project."))
    district = area.path[: AreaNode.steplen]
    if not owner_unit.area.path.startswith(district) or not owner_unit.is_active:
        _refuse("owner_unit", _("Choose an active unit of the project's district."))
    return owner_unit


def _decision(actor: Actor, decision: Decision | int | None) -> Decision | None:
    if decision in (None, ""):
        return None
    pk = decision.pk if isinstance(decision, Decision) else decision
    found = Decision.objects.visible_to(actor).filter(pk=pk).select_related("meeting").first()
    if found is None:
        _refuse("decision", _("Choose a decision of a meeting you can see."))
    return found


def _category(category: Category | int | None) -> Category | None:
    if category in (None, ""):
        return None
    pk = category.pk if isinstance(category, Category) else category
    found = Category.objects.filter(pk=pk, is_active=True).first()
    if found is None:
        _refuse("category", _("Choose a category from the list."))
    return found


def check_pdf(upload: UploadedFile | None) -> None:
    """The signed agreement: a real PDF (its first bytes say %PDF), no larger than the meetings'
    attachment limit."""
    if upload is None:
        _refuse("agreement_file", _("Choose the signed agreement (PDF)."))
    limit = components.setting("MEETINGS_ATTACHMENT_MAX_BYTES")
    if upload.size > limit:
        _refuse("agreement_file", _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)})
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if not head.startswith(b"%PDF-"):
        _refuse("agreement_file", _("The signed agreement must be a PDF file."))


def _partners(project: Project, partners) -> list[ProjectPartner]:
    """`partners`: dicts with a `unit` (Unit) or a `member_report` (MemberReport) and `duties`."""
    made = []
    district = project.area.path[: AreaNode.steplen]
    for row in partners or ():
        unit, report = row.get("unit"), row.get("member_report")
        duties = _text(row.get("duties"), "partners", 300)
        if unit is None and report is None:
            _refuse("partners", _("Each partner is a unit or a reported party member."))
        if unit is not None and not unit.area.path.startswith(district):
            _refuse("partners", _("Choose partner units of the project's district."))
        if report is not None and (report.state != ReportInState.ACTIVE
                                   or not report.community.path.startswith(district)):
            _refuse("partners", _("Choose party members reported to a community of the district."))
        made.append(ProjectPartner(project=project, unit=unit if unit else None,
                                   member_report=report if unit is None else None, duties=duties))
    ProjectPartner.objects.bulk_create(made)
    return made


def _snapshot(project: Project) -> dict:
    return audit.snapshot(project, exclude=("agreement_file",))


@transaction.atomic
def project_create(*, actor: Actor, area: AreaNode | None, title: str, owner_unit: Unit | None, term_start,
                   term_end, description: str = "", category: Category | int | None = None,
                   agreement_parties: str = "", agreement_duties: str = "", agreement_signed_on=None,
                   budget="0", decision: Decision | int | None = None, partners=(),
                   milestones=(), renewed_from: Project | None = None) -> Project:
    """A new project of `area` (the area's staff). `milestones`: (title, due) pairs."""
    area = _area(area)
    require(actor, "cobuilding.keep_projects", area)
    title = _text(title, "title", 100, required=True)
    owner = _owner(actor, owner_unit, area)
    start, end = check_term(term_start, term_end)
    project = Project(
        area=area, title=title, description=_text(description, "description", 5000), category=_category(category),
        owner_unit=owner, agreement_parties=_text(agreement_parties, "agreement_parties", 2000),
        agreement_duties=_text(agreement_duties, "agreement_duties", 5000), term_start=start, term_end=end,
        agreement_signed_on=_date(agreement_signed_on, "agreement_signed_on", required=False),
        budget=_budget(budget), decision=_decision(actor, decision), renewed_from=renewed_from,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    project.save()
    _partners(project, partners)
    for milestone_title, due in milestones or ():
        Milestone.objects.create(project=project, title=_text(milestone_title, "milestones", 100, required=True),
                                 due_on=_date(due, "milestones"))
    audit.record(actor=actor, action="cobuilding.project.create", obj=project, after=_snapshot(project))
    return project


@transaction.atomic
def project_update(*, actor: Actor, project: Project | int, **changes) -> Project:
    """Change the title, description, category, budget, agreement's parties, duties, term, signed
    date, or the decision. Only the fields given change."""
    row = lock_visible(Project, actor=actor, pk=getattr(project, "pk", project))
    require(actor, "cobuilding.keep_projects", row)
    before = _snapshot(row)
    if "title" in changes:
        row.title = _text(changes["title"], "title", 100, required=True)
    for name, limit in (("description", 5000), ("agreement_parties", 2000), ("agreement_duties", 5000)):
        if name in changes:
            setattr(row, name, _text(changes[name], name, limit))
    if "category" in changes:
        row.category = _category(changes["category"])
    if "budget" in changes:
        row.budget = _budget(changes["budget"])
    if "term_start" in changes or "term_end" in changes:
        row.term_start, row.term_end = check_term(changes.get("term_start", row.term_start),
                                                  changes.get("term_end", row.term_end))
    if "agreement_signed_on" in changes:
        row.agreement_signed_on = _date(changes["agreement_signed_on"], "agreement_signed_on", required=False)
    if "decision" in changes:
        row.decision = _decision(actor, changes["decision"])
    row.save()
    old, new = audit.diff(before, _snapshot(row))
    audit.record(actor=actor, action="cobuilding.project.update", obj=row, before=old, after=new)
    return row


@transaction.atomic
def agreement_upload(*, actor: Actor, project: Project | int, upload: UploadedFile | None,
                     signed_on=None) -> Project:
    """Attach the signed agreement (a real PDF)."""
    row = lock_visible(Project, actor=actor, pk=getattr(project, "pk", project))
    require(actor, "cobuilding.keep_projects", row)
    check_pdf(upload)
    signed = _date(signed_on, "agreement_signed_on", required=False)
    row.agreement_file.save(f"agreement-{row.pk}.pdf", upload, save=False)
    if signed:
        row.agreement_signed_on = signed
    row.save(update_fields=["agreement_file", "agreement_signed_on"])
    audit.record(actor=actor, action="cobuilding.project.agreement", obj=row,
                 after={"file": upload.name[:200], "size": upload.size, "signed_on": row.agreement_signed_on})
    return row


def agreement_downloaded(*, actor: Actor, project: Project) -> None:
    """Audit a download of the signed agreement (the view found the project in scope)."""
    audit.record(actor=actor, action="cobuilding.project.agreement", obj=project, note="download")


@transaction.atomic
def partner_add(*, actor: Actor, project: Project | int, unit: Unit | None = None,
                member_report: MemberReport | None = None, duties: str = "") -> ProjectPartner:
    row = lock_visible(Project, actor=actor, pk=getattr(project, "pk", project))
    require(actor, "cobuilding.keep_projects", row)
    if unit is not None and row.partners.filter(unit=unit).exists() or (
            member_report is not None and row.partners.filter(member_report=member_report).exists()):
        _refuse("partners", _("This partner is already on the project."))
    partner = _partners(row, [{"unit": unit, "member_report": member_report, "duties": duties}])[0]
    audit.record(actor=actor, action="cobuilding.partner.add", obj=row,
                 after={"partner": partner.name, "duties": partner.duties})
    return partner


@transaction.atomic
def partner_remove(*, actor: Actor, partner: ProjectPartner | int) -> None:
    found = ProjectPartner.objects.visible_to(actor).filter(pk=getattr(partner, "pk", partner)).first()
    if found is None:
        raise NotFound()
    row = lock_visible(Project, actor=actor, pk=found.project_id)
    require(actor, "cobuilding.keep_projects", row)
    name = found.name
    found.delete()
    audit.record(actor=actor, action="cobuilding.partner.remove", obj=row, before={"partner": name})


@transaction.atomic
def milestone_add(*, actor: Actor, project: Project | int, title: str, due_on) -> Milestone:
    row = lock_visible(Project, actor=actor, pk=getattr(project, "pk", project))
    require(actor, "cobuilding.keep_projects", row)
    milestone = Milestone.objects.create(project=row, title=_text(title, "title", 100, required=True),
                                         due_on=_date(due_on, "due_on"))
    audit.record(actor=actor, action="cobuilding.milestone.add", obj=row,
                 after={"milestone": milestone.title, "due_on": milestone.due_on})
    return milestone


@transaction.atomic
def milestone_done(*, actor: Actor, milestone: Milestone | int, note: str = "", done_on=None) -> Milestone:
    found = Milestone.objects.visible_to(actor).filter(pk=getattr(milestone, "pk", milestone)).first()
    if found is None:
        raise NotFound()
    row = lock_visible(Project, actor=actor, pk=found.project_id)
    require(actor, "cobuilding.keep_projects", row)
    if found.done_on:
        raise Conflict(_("This milestone is already done."))
    found.done_on = _date(done_on, "done_on", required=False) or timezone.localdate()
    found.note = _text(note, "note", 300)
    found.save(update_fields=["done_on", "note"])
    audit.record(actor=actor, action="cobuilding.milestone.done", obj=row,
                 after={"milestone": found.title, "done_on": found.done_on, "note": found.note})
    return found


def project_start(*, actor: Actor, project: Project | int) -> Project:
    return apply_transition(PROJECT_WORKFLOW, actor=actor, obj=project, action="start")


def project_complete(*, actor: Actor, project: Project | int, outcome: str) -> Project:
    outcome = _text(outcome, "outcome", 5000, required=True)

    def update(row):
        row.outcome = outcome
        return ["outcome"]

    return apply_transition(PROJECT_WORKFLOW, actor=actor, obj=project, action="complete", update=update)


def project_close(*, actor: Actor, project: Project | int, outcome: str = "") -> Project:
    outcome = _text(outcome, "outcome", 5000)

    def update(row):
        row.closed_at = timezone.now()
        if outcome:
            row.outcome = outcome
        return ["closed_at", "outcome"]

    return apply_transition(PROJECT_WORKFLOW, actor=actor, obj=project, action="close", update=update)


@transaction.atomic
def project_renew(*, actor: Actor, project: Project | int, term_start, term_end, title: str = "",
                  budget=None) -> Project:
    """A new project for a new term, renewing this one: the same area, owner, category, agreement
    text and partners; `renewed_from` names the old one, which is closed unless it was completed
    (a completed one stays completed)."""
    old = lock_visible(Project, actor=actor, pk=getattr(project, "pk", project))
    require(actor, "cobuilding.keep_projects", old)
    if old.state == ProjectState.PLANNED:
        raise Conflict(_("A project that has not started cannot be renewed."))
    if old.renewals.exists():
        raise Conflict(_("This project has already been renewed."))
    start, end = check_term(term_start, term_end)
    if start < old.term_start:
        _refuse("term_start", _("The new term starts after the old one started."))
    partners = [{"unit": p.unit, "member_report": p.member_report, "duties": p.duties}
                for p in old.partners.select_related("unit", "member_report", "member_report__community")]
    partners = [p for p in partners if p["member_report"] is None or p["member_report"].state == ReportInState.ACTIVE]
    new = project_create(
        actor=actor, area=old.area, title=title or old.title, owner_unit=old.owner_unit, term_start=start,
        term_end=end, description=old.description, category=old.category,
        agreement_parties=old.agreement_parties, agreement_duties=old.agreement_duties,
        budget=old.budget if budget in (None, "") else budget, partners=partners, renewed_from=old,
    )
    if old.state == ProjectState.ACTIVE:
        project_close(actor=actor, project=old)
    audit.record(actor=actor, action="cobuilding.project.renew", obj=old, after={"renewal": new.pk})
    return new


def lives_in_area(user, area: AreaNode) -> bool:
    return Person.objects.filter(user=user, status=PersonStatus.LIVING,
                                 household__path__startswith=area.path).exists()


@transaction.atomic
def project_evaluate(*, actor: Actor, project: Project | int, rating: int, comment: str = "") -> ProjectEvaluation:
    """A resident living in the project's area rates it 1–5 with a word, once per account, once
    it has started."""
    require(actor, "cobuilding.evaluate")
    row = lock_visible(Project, actor=actor, pk=getattr(project, "pk", project))
    if not lives_in_area(actor, row.area):
        raise Forbidden(_("Only residents living in the project's area evaluate it."))
    if row.state == ProjectState.PLANNED:
        raise Conflict(_("A project is evaluated once it has started."))
    if isinstance(rating, bool) or not isinstance(rating, int):
        try:
            rating = int(str(rating).strip())
        except ValueError:
            _refuse("rating", _("Rate it from 1 to 5."))
    if not 1 <= rating <= 5:
        _refuse("rating", _("Rate it from 1 to 5."))
    comment = _text(comment, "comment", 300)
    if row.evaluations.filter(user=actor).exists():
        raise Conflict(_("You have already evaluated this project."))
    try:
        with transaction.atomic():
            evaluation = ProjectEvaluation.objects.create(project=row, user=actor, rating=rating, comment=comment)
    except IntegrityError:
        raise Conflict(_("You have already evaluated this project.")) from None
    audit.record(actor=actor, action="cobuilding.project.evaluate", obj=row,
                 after={"rating": rating, "comment": comment})
    return evaluation


def project_from_need(*, actor: Actor, need: Need | int, owner_unit: Unit | None, term_start, term_end,
                      title: str = "", area: AreaNode | None = None, **fields) -> Project:
    """Make a project of a need (staff): the project is created (title, description and category
    from the need unless given; the area is the need's community unless given) and the need moves
    to PROJECT through NEED_WORKFLOW's `to_project`, naming the project."""
    with transaction.atomic():
        found = lock_visible(Need, actor=actor, pk=getattr(need, "pk", need))
        if area is None:
            area = AreaNode.objects.filter(path=found.community_path).first() or found.area
        fields.setdefault("description", found.description)
        fields.setdefault("category", found.category)
        project = project_create(actor=actor, area=area, title=title or found.title, owner_unit=owner_unit,
                                 term_start=term_start, term_end=term_end, **fields)

        def update(row):
            row.project = project
            return ["project"]

        apply_transition(NEED_WORKFLOW, actor=actor, obj=found, action="to_project", update=update, locked=True)
    return project
