"""The catalogue of matters (事项目录): create or change a category with its co-departments and
intake questions. A leaf whose rules changed gets a new version and revision; cases already
routed keep the revision they were routed by. District administrators only (the gate's
"cases.edit_catalogue")."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.actors import Actor
from gongzhi.core.errors import InvalidInput, invalid_from_validation_error
from gongzhi.core.permissions import require

from ..models import Category, CategoryCoDepartment, CategoryQuestion, CategoryRevision, QuestionType

CATEGORY_FIELDS = [
    "parent", "code", "name", "description", "theme", "order", "is_active", "kind", "level", "authority",
    "lead_department_code", "lead_cost_share", "response_hours", "handling_days", "warning_share",
    "verification_required",
]
RULE_FIELDS = [
    "kind", "level", "authority", "lead_department_code", "lead_cost_share", "response_hours", "handling_days",
    "warning_share", "verification_required", "theme",
]


def require_catalogue_admin(actor: Actor) -> None:
    require(actor, "cases.edit_catalogue")


def rules_of(category: Category) -> dict:
    """The rules of a leaf as a plain dict: what a case is routed and timed by."""
    return {
        "category": category.code,
        "name": category.name,
        "theme": category.theme,
        "kind": category.kind,
        "level": category.level,
        "authority": category.authority,
        "lead": category.lead_department_code,
        "lead_share": str(category.lead_cost_share),
        "co": [
            {"code": c.department_code, "share": str(c.cost_share)}
            for c in category.co_departments.order_by("department_code")
        ],
        "response_hours": category.response_hours,
        "handling_days": category.handling_days,
        "warning_share": str(category.warning_share),
        "verification_required": category.verification_required,
        "questions": [
            {
                "code": q.code,
                "label": q.label,
                "datatype": q.datatype,
                "required": q.required,
                "order": q.order,
                "values": q.values,
            }
            for q in category.questions.order_by("order", "code")
        ],
    }


def validate_category(category: Category, co: list[dict]) -> None:
    try:
        category.full_clean(exclude=["version"])
    except ValidationError as exc:
        raise invalid_from_validation_error(exc) from exc
    if category.parent_id is None:
        return
    if category.parent.parent_id is not None:
        message = _("The catalogue has two levels: the parent must be a top-level category.")
        raise InvalidInput(message, fields={"parent": [message]})
    missing = [f for f in ("level", "authority", "lead_department_code") if not getattr(category, f)]
    if missing:
        message = _("A matter needs a handling level, an authority type and a lead department.")
        raise InvalidInput(message, fields={f: [_("This field is required.")] for f in missing})
    if category.handling_days < 1 or category.response_hours < 1:
        message = _("Time limits must be at least one working hour and one working day.")
        raise InvalidInput(message, fields={"handling_days": [message]})
    total = Decimal(category.lead_cost_share) + sum(Decimal(str(c.get("share", 0))) for c in co)
    if total != Decimal("100"):
        message = _("The shares of cost add up to %(total)s%%; they must add up to 100%%.") % {"total": total}
        raise InvalidInput(message, fields={"lead_cost_share": [message]})
    codes = [c["code"] for c in co]
    if category.lead_department_code in codes or len(set(codes)) != len(codes):
        message = _("Each department may be listed once, and the lead not again as a co-department.")
        raise InvalidInput(message, fields={"co_departments": [message]})


def validate_questions(questions: list[dict]) -> None:
    seen = set()
    for index, q in enumerate(questions):
        if not q.get("code") or not q.get("label") or q.get("datatype") not in QuestionType.values:
            message = _("Question %(n)d needs a code, a label and a valid type.") % {"n": index + 1}
            raise InvalidInput(message, fields={f"questions.{index}": [message]})
        if q["code"] in seen:
            message = _("The question code “%(code)s” appears twice.") % {"code": q["code"]}
            raise InvalidInput(message, fields={f"questions.{index}.code": [message]})
        seen.add(q["code"])
        if q["datatype"] in (QuestionType.SINGLE, QuestionType.MULTI) and not q.get("values"):
            message = _("The choice question “%(code)s” needs its choices.") % {"code": q["code"]}
            raise InvalidInput(message, fields={f"questions.{index}.values": [message]})


@transaction.atomic
def category_save(
    *,
    actor: Actor,
    category: Category | None = None,
    co_departments: list[dict] | None = None,
    questions: list[dict] | None = None,
    **values,
) -> Category:
    """Create or change a category. For a leaf whose rules changed, the version goes up and a new
    revision is written; cases already routed keep the revision they were routed by.

    `co_departments`: [{"code": "zj", "share": "20"}]; `questions`: [{"code", "label", "datatype",
    "required", "order", "values"}]. Either, when given, replaces the current list."""
    require_catalogue_admin(actor)
    if category is not None and category.pk:
        category = audit.lock(Category, category.pk)
        before = audit.snapshot(category, CATEGORY_FIELDS)
        old_rules = rules_of(category) if category.parent_id else None
    else:
        category, before, old_rules = Category(), None, None
    for key, value in values.items():
        if key not in CATEGORY_FIELDS:
            raise InvalidInput(_("Unknown field “%(field)s”.") % {"field": key}, fields={key: [_("Unknown field.")]})
        setattr(category, key, value)
    co = (
        co_departments
        if co_departments is not None
        else [{"code": c.department_code, "share": c.cost_share} for c in category.co_departments.all()]
        if category.pk
        else []
    )
    validate_category(category, co)
    if questions is not None:
        validate_questions(questions)
    audit.save(actor=actor, obj=category, action="cases.category.save", fields=CATEGORY_FIELDS, before=before,
               clean_exclude=["version"])
    if co_departments is not None:
        category.co_departments.all().delete()
        CategoryCoDepartment.objects.bulk_create(
            [CategoryCoDepartment(category=category, department_code=c["code"], cost_share=Decimal(str(c["share"])))
             for c in co_departments]
        )
    if questions is not None:
        category.questions.all().delete()
        CategoryQuestion.objects.bulk_create(
            [
                CategoryQuestion(
                    category=category,
                    code=q["code"],
                    label=q["label"],
                    datatype=q["datatype"],
                    required=bool(q.get("required")),
                    order=q.get("order", i),
                    values=q.get("values") or [],
                )
                for i, q in enumerate(questions)
            ]
        )
    if category.parent_id:
        rules = rules_of(category)
        if old_rules is None or _without_name(rules) != _without_name(old_rules):
            category.version += 1
            Category.objects.filter(pk=category.pk).update(version=category.version)
            CategoryRevision.objects.create(category=category, version=category.version, rules=rules)
    return category


def _without_name(rules: dict) -> dict:
    return {k: v for k, v in rules.items() if k != "name"}


def current_revision(category: Category) -> CategoryRevision:
    revision = category.revisions.order_by("-version").first()
    if revision is None:
        raise InvalidInput(_("The matter has no rules yet."), fields={"category": [_("Choose another matter.")]})
    return revision


