"""Reads of accounts, scoped: an administrator sees the users bound inside their area."""

from django.db.models import QuerySet

from gongzhi.core import scope

from .models import User


def users_visible(*, user) -> QuerySet:
    paths = scope.scope_paths(user)
    qs = User.objects.all()
    if paths is None:
        return qs
    if not paths:
        return qs.filter(pk=user.pk)
    bound = User.objects.filter(scope.path_q(paths, "area_bindings__node")).values("pk")
    return qs.filter(pk__in=bound)
