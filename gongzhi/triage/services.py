"""Writes of the triage app: train a model version, activate a version.

Training takes seconds to minutes, so `triage_model_train` fits the classifier *before* it opens its
transaction; the rows are then written and audited in one transaction as usual."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.actors import Actor, actor_label
from gongzhi.core.errors import InvalidInput
from gongzhi.core.permissions import require

from . import classifier as clf
from .models import TriageModel

AUDIT_FIELDS = ["version", "algorithm", "params", "labels", "n_train", "sources", "is_active", "blob_sha256"]
MAX_LABEL_LENGTH = 100


@dataclass(frozen=True)
class TrainingRow:
    title: str
    text: str
    label: str


def training_rows_from_cases(*, limit: int = 50_000) -> list[TrainingRow]:
    """Training rows from the deployment's own closed cases: title, description and the final
    catalogue category code (the category a dispatcher confirmed or corrected is the label).

    The hook the case pipeline feeds: it reads `cases.Case` lazily (no import of gongzhi.cases at
    module level) and returns [] while the cases app has no such model or fields. Merged and
    rejected cases are left out; the newest `limit` closed cases are used."""
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist

    try:
        case_model = apps.get_model("cases", "Case")
        for name in ("title", "description", "category", "state"):
            case_model._meta.get_field(name)
    except (LookupError, FieldDoesNotExist):
        return []
    queryset = case_model.objects.filter(state="closed").exclude(category__isnull=True)
    order = "-closed_at" if any(f.name == "closed_at" for f in case_model._meta.get_fields()) else "-pk"
    rows = queryset.order_by(order).values_list("title", "description", "category__code")[:limit]
    return [TrainingRow(title or "", text or "", code) for title, text, code in rows if (text or "").strip()]


def _validate_rows(titles: Sequence[str], texts: Sequence[str], labels: Sequence[str]) -> None:
    if len(texts) != len(labels) or len(titles) != len(texts):
        raise InvalidInput(
            _("Every training row needs a text and a label."),
            fields={"labels": [_("The number of labels differs from the number of texts.")]},
        )
    if not texts:
        raise InvalidInput(
            _("There are no training rows."), fields={"texts": [_("Give at least two labelled texts.")]}
        )
    for number, (text, label) in enumerate(zip(texts, labels, strict=True), start=1):
        if text is None or not str(text).strip():
            raise InvalidInput(
                _("Row %(row)s has no text.") % {"row": number},
                fields={"texts": [_("Row %(row)s: the text cannot be empty.") % {"row": number}]},
            )
        if label is None or not str(label).strip():
            raise InvalidInput(
                _("Row %(row)s has no label.") % {"row": number},
                fields={"labels": [_("Row %(row)s: the label cannot be empty.") % {"row": number}]},
            )
        if len(str(label)) > MAX_LABEL_LENGTH:
            raise InvalidInput(
                _("Row %(row)s has a label longer than %(max)s characters.") % {"row": number, "max": MAX_LABEL_LENGTH},
                fields={"labels": [_("A label has at most %(max)s characters.") % {"max": MAX_LABEL_LENGTH}]},
            )
    if len({str(label).strip() for label in labels}) < 2:
        raise InvalidInput(
            _("Training needs texts of at least two different labels."),
            fields={"labels": [_("Give texts of at least two different labels.")]},
        )


def triage_model_train(
    *,
    actor: Actor,
    texts: Sequence[str],
    labels: Sequence[str],
    titles: Sequence[str] | None = None,
    params: dict | None = None,
    folds: int = 5,
    activate: bool = False,
    sources: dict | None = None,
) -> TriageModel:
    """Train a new model version on labelled texts, store it with its cross-validated figures and,
    if `activate`, make it the active one."""
    require(actor, "triage.train")
    titles = list(titles) if titles is not None else [""] * len(texts)
    texts = list(texts)
    labels = [str(label).strip() if label is not None else label for label in labels]
    _validate_rows(titles, texts, labels)
    unknown = set(params or {}) - set(clf.DEFAULT_PARAMS)
    if unknown:
        raise InvalidInput(
            _("Unknown training parameter: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            fields={"params": [_("Unknown parameter.")]},
        )

    try:
        result = clf.train(titles, texts, labels, params=params, folds=folds)
    except ValueError as exc:  # e.g. no usable characters at all ("empty vocabulary")
        raise InvalidInput(
            _("The training texts contain nothing the model can learn from."),
            fields={"texts": [str(exc)]},
        ) from exc
    blob = result.classifier.dumps()

    with transaction.atomic():
        version = (TriageModel.objects.aggregate(m=Max("version"))["m"] or 0) + 1
        model = TriageModel(
            version=version,
            created_by=actor_label(actor),
            algorithm=clf.ALGORITHM,
            params=result.classifier.params,
            labels=result.classifier.labels,
            evaluation=result.evaluation,
            n_train=len(texts),
            sources=sources or {"rows": len(texts)},
            blob=blob,
            blob_sha256=hashlib.sha256(blob).hexdigest(),
            blob_size=len(blob),
        )
        model.full_clean(exclude=["blob"])
        model.save()
        audit.record(
            actor=actor,
            action="triage.model.create",
            obj=model,
            after={**audit.snapshot(model, AUDIT_FIELDS), "macro_f1": model.macro_f1, "accuracy": model.accuracy},
        )
        if activate:
            triage_model_activate(actor=actor, model=model)
    return model


@transaction.atomic
def triage_model_activate(*, actor: Actor, model: TriageModel) -> TriageModel:
    """Make `model` the one active version; every process picks it up within a few seconds (this
    one at once), without a restart."""
    require(actor, "triage.activate")
    model = TriageModel.objects.select_for_update().defer("blob").get(pk=model.pk)
    if model.is_active:
        return model
    previous = list(TriageModel.objects.select_for_update().filter(is_active=True).defer("blob"))
    TriageModel.objects.filter(pk__in=[p.pk for p in previous]).update(is_active=False)
    model.is_active = True
    model.activated_at = timezone.now()
    model.save(update_fields=["is_active", "activated_at"])
    audit.record(
        actor=actor,
        action="triage.model.activate",
        obj=model,
        before={"active_version": previous[0].version if previous else None},
        after={"active_version": model.version},
    )

    from . import predictor

    transaction.on_commit(predictor.invalidate)
    return model
