"""Triage API: category suggestions for staff, model versions for district administrators."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from gongzhi.core.errors import errors
from gongzhi.core.pagination import Pagination
from gongzhi.core.permissions import require

from . import predictor, selectors, services

router = Router(tags=["triage"])

class SuggestIn(Schema):
    # No length limits: long text is truncated for the model, never refused (the request body size
    # is bounded by Django's DATA_UPLOAD_MAX_MEMORY_SIZE).
    title: str = ""
    text: str


class LabelProbability(Schema):
    label: str
    probability: float


class Term(Schema):
    term: str
    weight: float


class SuggestionOut(Schema):
    model_version: int
    top3: list[LabelProbability]
    explanation: list[Term]


class TriageModelOut(Schema):
    id: int
    version: int
    created_at: datetime
    created_by: str
    algorithm: str
    params: dict
    labels: list[str]
    n_train: int
    sources: dict
    evaluation: dict
    is_active: bool
    activated_at: datetime | None = None
    blob_size: int


@router.post("/suggest", response={200: SuggestionOut, **errors(400, 401, 403, 413, 422, 503)}, summary="Suggest the three most likely categories for a text")
def suggest(request: HttpRequest, payload: SuggestIn):
    require(request.auth, "triage.suggest")
    return predictor.suggest(payload.title, payload.text).as_dict()


@router.get("/models", response={200: list[TriageModelOut], **errors(400, 401, 403, 422)}, summary="Model versions with their evaluation figures")
@paginate(Pagination)
def list_models(request: HttpRequest):
    return selectors.triage_models_visible(user=request.auth)


@router.post("/models/{model_id}/activate", response={200: TriageModelOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Make a model version the active one")
def activate_model(request: HttpRequest, model_id: int):
    model = selectors.triage_model_get(user=request.auth, pk=model_id)
    return services.triage_model_activate(actor=request.auth, model=model)
