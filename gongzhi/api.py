"""The JSON API at /api/ (django-ninja): session or token authentication, one error body for every
error (`code`, `message`, `fields`, declared as `ErrorOut`), each component's router mounted where
it declares. No request input answers a 500: a JSON body must be an object, a body over the upload
limit answers 413, and other refused requests (Django's SuspiciousOperation) 400."""

import errno
import json
import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.utils import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from gongzhi.accounts.auth import SessionAuth, TokenAuth
from gongzhi.core import components
from gongzhi.core.errors import DomainError, StorageFull, Unavailable, invalid_from_validation_error

logger = logging.getLogger(__name__)


class ObjectParser(Parser):
    """JSON bodies are objects. ninja would read a bare number, string, array or null in place of
    an object as "no fields given" and fill in the defaults; here it is refused (422, field
    `body`). Text that is not JSON at all is refused too (400)."""

    def parse_body(self, request):
        try:
            data = json.loads(request.body)
        except ValueError as exc:
            raise _BodyNotJson() from exc
        if not isinstance(data, dict):
            raise NinjaValidationError(
                [{"loc": ("body",), "msg": _("The body is not a JSON object."), "type": "dict_type"}]
            )
        return data


class _BodyNotJson(Exception):
    pass


api = NinjaAPI(
    title="gongzhi API",
    version="1",
    description="共治 — community governance. Authenticate with a session or `Authorization: Bearer <token>`.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
    parser=ObjectParser(),
)


def error_response(request, status: int, code: str, message: str, fields: dict | None = None):
    return api.create_response(request, {"code": code, "message": message, "fields": fields or {}}, status=status)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return error_response(request, exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(DjangoValidationError)
def _django_validation(request, exc: DjangoValidationError):
    err = invalid_from_validation_error(exc)
    return error_response(request, 400, err.code, err.message, err.fields)


@api.exception_handler(NinjaValidationError)
def _ninja_validation(request, exc: NinjaValidationError):
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [str(p) for p in error.get("loc", []) if p not in ("body", "query", "path", "form", "payload")]
        fields.setdefault(".".join(loc) or "__all__", []).append(error.get("msg", ""))
    first = next(iter(fields), "__all__")
    return error_response(
        request, 422, "invalid", _("Invalid input in field “%(field)s”.") % {"field": first}, fields
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return error_response(request, 401, "unauthenticated", _("Sign in or send a valid API token."))


@api.exception_handler(AuthorizationError)
@api.exception_handler(DjangoPermissionDenied)
def _forbidden(request, exc):
    return error_response(request, 403, "forbidden", _("You do not have permission to do this."))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(RequestDataTooBig)
def _too_large(request, exc):
    return error_response(
        request, 413, "too_large", _("The request body is too large."), {"__all__": [_("The request body is too large.")]}
    )


@api.exception_handler(SuspiciousOperation)
def _refused_request(request, exc):
    return error_response(request, 400, "bad_request", _("The request is invalid."))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    # ninja wraps whatever reading the body raised in HttpError(400): answer for the cause
    cause = exc.__cause__
    if isinstance(cause, NinjaValidationError):
        return _ninja_validation(request, cause)
    if isinstance(cause, RequestDataTooBig):
        return _too_large(request, cause)
    if isinstance(cause, _BodyNotJson):
        message = _("The body is not JSON.")
        return error_response(request, 400, "invalid", message, {"body": [message]})
    return error_response(request, exc.status_code, "error", str(exc))


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _database_unavailable(request, exc):
    # The database went away (restarted, connection dropped, busy past its timeout): the request's
    # transaction rolled back, so nothing was saved, and the client may send it again. Django opens
    # a new connection for the next request (CONN_HEALTH_CHECKS).
    logger.warning("API request failed, database unavailable: %s", exc.__class__.__name__)
    err = Unavailable()
    response = error_response(request, err.status, err.code, err.message)
    response["Retry-After"] = "5"
    return response


@api.exception_handler(OSError)
def _storage_error(request, exc: OSError):
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        logger.warning("API request failed, storage full")
        err = StorageFull()
        return error_response(request, err.status, err.code, err.message)
    return _server_error(request, exc)


@api.exception_handler(Exception)
def _server_error(request, exc: Exception):
    logger.exception("API error")
    return error_response(request, 500, "server_error", _("Something went wrong on the server."))


def _mount_routers() -> None:
    """Mount the router each component declares (`Component.api`) at /api/<prefix>."""
    for prefix, router in components.api_routers():
        api.add_router(prefix, router)


_mount_routers()
