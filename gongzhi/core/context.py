"""Who is acting, from where, in which request: carried in context variables.

The request middleware, management commands and background tasks each open an action context, so
that audit events written deep inside services know the request id, the IP and, outside a request,
which command or task is acting.
"""

import contextlib
import contextvars
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class ActionContext:
    request_id: str
    ip: str | None = None
    source: str = "web"  # web, api, command:<name>, task:<name>


_current: contextvars.ContextVar[ActionContext | None] = contextvars.ContextVar("gongzhi_action", default=None)


def current() -> ActionContext | None:
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextlib.contextmanager
def action_context(*, source: str, request_id: str | None = None, ip: str | None = None) -> Iterator[ActionContext]:
    ctx = ActionContext(request_id=request_id or new_request_id(), ip=ip, source=source)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        ctx = _current.get()
        record.request_id = ctx.request_id if ctx else "-"
        return True
