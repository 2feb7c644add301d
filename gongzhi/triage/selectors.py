"""Reads of the triage app. Models are deployment-wide (not area data): district administrators
see them; staff get suggestions (`predictor.suggest`)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import require

from .models import TriageModel


def triage_models_visible(*, user) -> QuerySet[TriageModel]:
    """All model versions, newest first, without the stored classifier (district administrators)."""
    require(user, "triage.view_models")
    return TriageModel.objects.defer("blob").order_by("-version")


def triage_model_get(*, user, pk: int) -> TriageModel:
    try:
        return triage_models_visible(user=user).get(pk=pk)
    except TriageModel.DoesNotExist as exc:
        raise NotFound(_("No triage model with this id.")) from exc


def active_model() -> TriageModel | None:
    return TriageModel.objects.defer("blob").filter(is_active=True).first()
