"""One visibility rule per scoped model: `Model.objects.visible_to(user)` (NetBox's
RestrictedQuerySet, in gongzhi's terms). Lists, details, exports, the admin, services and the
role × endpoint matrix test all start from it; nothing else decides which rows a user may see.

A model that belongs to an area declares `area_scope_field` and uses `ScopedQuerySet` (or a
subclass) as its manager: the default rule is the area scope (`core.scope.restrict`). A model with
a richer rule (a case is also visible to its requester and to the departments it was sent to)
overrides `visible_to` in its own queryset subclass — the one place that rule is written.
"""

from __future__ import annotations

from django.db import models

from . import scope
from .errors import NotFound


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return scope.restrict(self, user)

    def visible_or_404(self, user, message=None, **lookup):
        """The one row matching `lookup` that `user` may see, else NotFound (outside scope is
        indistinguishable from absent)."""
        obj = self.visible_to(user).filter(**lookup).first()
        if obj is None:
            raise NotFound(message) if message else NotFound()
        return obj


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass


def visible(model_or_queryset, user) -> models.QuerySet:
    """`visible_to` on a model or queryset that declares it (a TypeError names one that does not)."""
    queryset = model_or_queryset if isinstance(model_or_queryset, models.QuerySet) else model_or_queryset._default_manager.all()
    if not hasattr(queryset, "visible_to"):
        raise TypeError(f"{queryset.model.__name__} declares no visibility rule (visible_to)")
    return queryset.visible_to(user)
