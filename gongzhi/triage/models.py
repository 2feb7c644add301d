"""Models of the triage app: the versioned text classifiers.

A fitted classifier is stored in the database (`blob`, joblib-compressed) rather than as a file, so
every application server of a deployment reads the same model without a shared volume. A model is
a few megabytes; it is read once per process (see `predictor`)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TriageModel(models.Model):
    """One trained version of the classifier, with the figures it was evaluated by. Exactly one
    version is active once any exists: it makes the suggestions."""

    version = models.PositiveIntegerField(_("version"), unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.CharField(_("created by"), max_length=150, blank=True)
    algorithm = models.CharField(_("algorithm"), max_length=60)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    labels = models.JSONField(_("labels"), default=list)
    evaluation = models.JSONField(
        _("evaluation figures"),
        default=dict,
        blank=True,
        help_text=_("Accuracy, macro-F1, per-label precision/recall/F1, confusion matrix, rows trained on."),
    )
    n_train = models.PositiveIntegerField(_("training rows"), default=0)
    sources = models.JSONField(_("training sources"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=False)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    blob = models.BinaryField(_("fitted model"), editable=False)
    blob_sha256 = models.CharField(_("SHA-256 of the fitted model"), max_length=64, editable=False)
    blob_size = models.PositiveIntegerField(_("size of the fitted model (bytes)"), default=0, editable=False)

    class Meta:
        verbose_name = _("triage model")
        verbose_name_plural = _("triage models")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="triage_model_one_active",
                violation_error_message=_("Only one triage model can be active."),
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version}"

    @property
    def macro_f1(self) -> float | None:
        return (self.evaluation or {}).get("macro_f1")

    @property
    def accuracy(self) -> float | None:
        return (self.evaluation or {}).get("accuracy")
