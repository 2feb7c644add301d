"""Reads of the audit log: an object's history, for users allowed to see the object."""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from . import permissions, visibility
from .errors import Forbidden, NotFound
from .models import AuditEvent


def can_see_history(user) -> bool:
    return bool(user.is_authenticated and permissions.can(user, "core.view_history"))


def history_for(*, user, obj: Model) -> QuerySet:
    if not can_see_history(user):
        raise Forbidden()
    return AuditEvent.objects.for_object(obj).select_related("actor", "content_type").order_by("-created_at", "-id")


def scoped_object(*, user, app_label: str, model: str, object_id: str) -> Model:
    """The object, if it exists and lies in the user's scope; NotFound otherwise (never a hint)."""
    try:
        model_class = apps.get_model(app_label, model)
    except LookupError as exc:
        raise NotFound() from exc
    if getattr(model_class, "area_scope_field", None) is None:
        raise NotFound()
    queryset = model_class._default_manager.all()
    queryset = visibility.visible(queryset, user)  # the model's one visibility rule
    obj = queryset.filter(pk=object_id).first()
    if obj is None:
        raise NotFound()
    return obj


def content_type_of(obj: Model) -> ContentType:
    return ContentType.objects.get_for_model(obj)
