"""Suggestions from the active model, loaded once per process and swapped without a restart.

`suggest(title, text)` classifies with the model in memory. At most every `CHECK_SECONDS` a call asks
the database which version is active (one indexed single-row query: it works the same with any
cache backend, including the per-process default, and across servers); when the answer differs from
the model in memory, the new version is loaded and used from then on. `triage_model_activate` calls
`invalidate()` on commit, so the activating process switches at once.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError

from .classifier import TextClassifier, require_text

CHECK_SECONDS = 3.0


class NoActiveModel(DomainError):
    status = 503
    default_code = "no_active_model"
    default_message = _("No triage model is active yet; train one with “gongzhi triage train”.")


@dataclass(frozen=True)
class Suggestion:
    top3: list[tuple[str, float]]
    explanation: list[tuple[str, float]] = field(default_factory=list)
    model_version: int = 0

    @property
    def label(self) -> str:
        return self.top3[0][0]

    @property
    def confidence(self) -> float:
        return self.top3[0][1]

    def as_dict(self) -> dict:
        return {
            "model_version": self.model_version,
            "top3": [{"label": label, "probability": round(p, 4)} for label, p in self.top3],
            "explanation": [{"term": term, "weight": weight} for term, weight in self.explanation],
        }


@dataclass(frozen=True)
class _Loaded:
    model_id: int | None
    version: int
    sha256: str
    classifier: TextClassifier | None
    checked_at: float


_EMPTY = _Loaded(None, 0, "", None, 0.0)
_state: _Loaded = _EMPTY
_lock = threading.Lock()


def invalidate() -> None:
    """Ask the database again on the next call (the loaded model is kept if it is still active)."""
    global _state
    with _lock:
        _state = _Loaded(_state.model_id, _state.version, _state.sha256, _state.classifier, 0.0)


def reset() -> None:
    """Forget the loaded model (tests)."""
    global _state
    with _lock:
        _state = _EMPTY


def current() -> tuple[TextClassifier, int]:
    """The active classifier and its version; raises `NoActiveModel` when none is active."""
    global _state
    state = _state
    now = time.monotonic()
    if state.checked_at and now - state.checked_at < CHECK_SECONDS:
        if state.classifier is None:  # "none active" is remembered as long, so intake pays nothing
            raise NoActiveModel()
        return state.classifier, state.version
    with _lock:
        state = _state
        if state.checked_at and now - state.checked_at < CHECK_SECONDS:
            if state.classifier is None:
                raise NoActiveModel()
            return state.classifier, state.version
        from .models import TriageModel

        active = TriageModel.objects.filter(is_active=True).values_list("id", "version", "blob_sha256").first()
        if active is None:
            _state = _Loaded(None, 0, "", None, now)
            raise NoActiveModel()
        model_id, version, sha256 = active
        if state.classifier is not None and (state.model_id, state.sha256) == (model_id, sha256):
            _state = _Loaded(model_id, version, sha256, state.classifier, now)
            return state.classifier, version
        blob = bytes(TriageModel.objects.filter(pk=model_id).values_list("blob", flat=True).get())
        if hashlib.sha256(blob).hexdigest() != sha256:
            raise NoActiveModel(_("The active triage model is damaged; activate another version."))
        classifier = TextClassifier.loads(blob).warm_up()
        _state = _Loaded(model_id, version, sha256, classifier, now)
        return classifier, version


def suggest(title: str | None, text: str | None, *, k: int = 3) -> Suggestion:
    """The `k` most likely categories with probabilities, the words that drove the first, and the
    model version. Empty text is refused (`InvalidInput` naming `text`); long text is truncated."""
    require_text(text)
    classifier, version = current()
    top, explanation = classifier.suggest(title, text, k=k)
    return Suggestion(top3=top, explanation=explanation, model_version=version)


# What the case intake finds through its extension points (triage plugs into intake; the case
# pipeline never imports triage).


def suggest_for_intake(title: str, description: str) -> Suggestion | None:
    """"cases.intake.suggest": the active model's suggestion for a new request, or None while no
    model is active."""
    try:
        return suggest(title, description)
    except NoActiveModel:
        return None


def available_for_intake() -> bool:
    """"cases.intake.available": whether a model is active, so the filing page offers to leave the
    matter to triage."""
    from .selectors import active_model

    return active_model() is not None
