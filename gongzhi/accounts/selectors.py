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


def phone_for(user) -> str:
    """The mobile to text `user` at (plaintext: for the SMS gateway only, never logged or shown):
    the account's own number, else the phone of the living resident record linked to the account
    (residents app), else ""."""
    if getattr(user, "phone", ""):
        return user.phone
    records = getattr(user, "resident_records", None)
    if records is None:
        return ""
    phone = records.filter(status="living").exclude(phone_masked="").order_by("-id").values_list("phone", flat=True).first()
    return phone or ""
