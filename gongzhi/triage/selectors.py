"""Reads of the triage app. Models are deployment-wide (not area data): district administrators
see them; staff get suggestions (`predictor.suggest`)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gongzhi.accounts.roles import STAFF_ROLES
from gongzhi.core.errors import Forbidden, NotFound

from .models import TriageModel

# Staff who register or dispatch cases (accounts.models.STAFF_ROLES: area roles and department staff).
SUGGESTION_ROLES = STAFF_ROLES


def can_request_suggestions(user) -> bool:
    """Staff who register or dispatch cases may ask for a category suggestion."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", None) in SUGGESTION_ROLES)


def can_see_models(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", None) == "district_admin")


def triage_models_visible(*, user) -> QuerySet[TriageModel]:
    """All model versions, newest first, without the stored classifier (district administrators)."""
    if not can_see_models(user):
        raise Forbidden(_("Only district administrators can see triage models."))
    return TriageModel.objects.defer("blob").order_by("-version")


def triage_model_get(*, user, pk: int) -> TriageModel:
    try:
        return triage_models_visible(user=user).get(pk=pk)
    except TriageModel.DoesNotExist as exc:
        raise NotFound(_("No triage model with this id.")) from exc


def active_model() -> TriageModel | None:
    return TriageModel.objects.defer("blob").filter(is_active=True).first()
