"""The in-app notification inbox over the API (mounted at /api/core/): the caller's own
notifications only, for staff and residents alike."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from . import notifications
from .errors import Id, NotFound, errors
from .pagination import Pagination

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None = None
    unread: bool

    @staticmethod
    def resolve_unread(obj) -> bool:
        return obj.read_at is None


class UnreadOut(Schema):
    unread: int


class MarkReadIn(Schema):
    ids: list[Id] | None = None  # None: all of mine


class MarkedOut(Schema):
    marked: int
    unread: int


@router.get("/notifications", response={200: list[NotificationOut], **errors(400, 401, 403, 422)}, summary="My notifications, unread first, newest first")
@paginate(Pagination)
def notification_list(request: HttpRequest, unread_only: bool = False):
    return notifications.inbox(user=request.auth, unread_only=unread_only, unread_first=True)


@router.get("/notifications/unread", response={200: UnreadOut, **errors(400, 401, 403)}, summary="How many of my notifications are unread")
def notification_unread(request: HttpRequest):
    return {"unread": notifications.unread_count(user=request.auth)}


@router.post("/notifications/read", response={200: MarkedOut, **errors(400, 401, 403, 409, 413, 422)}, summary="Mark my notifications read (the given ids, or all)")
def notification_mark_read(request: HttpRequest, payload: MarkReadIn):
    marked = notifications.mark_read(user=request.auth, ids=payload.ids)
    return {"marked": marked, "unread": notifications.unread_count(user=request.auth)}


@router.post("/notifications/{notification_id}/read", response={200: NotificationOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Mark one of mine read")
def notification_read(request: HttpRequest, notification_id: int):
    row = notifications.inbox(user=request.auth).filter(pk=notification_id).first()
    if row is None:  # someone else's is as unknown as a missing one
        raise NotFound()
    notifications.mark_read(user=request.auth, ids=[row.pk])
    row.refresh_from_db()
    return row
