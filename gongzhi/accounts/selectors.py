"""Reads of accounts, scoped: an administrator sees the users bound inside their area."""

from django.db.models import QuerySet

from .models import User


def users_visible(*, user) -> QuerySet:
    return User.objects.visible_to(user)


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
