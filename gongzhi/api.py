"""The JSON API at /api/ (django-ninja): session or token authentication, one error body for every
error (`code`, `message`, `fields`), each component's router mounted where it declares."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from gongzhi.accounts.auth import SessionAuth, TokenAuth
from gongzhi.core import components
from gongzhi.core.errors import DomainError, invalid_from_validation_error

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="gongzhi API",
    version="1",
    description="共治 — community governance. Authenticate with a session or `Authorization: Bearer <token>`.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
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


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return error_response(request, exc.status_code, "error", str(exc))


@api.exception_handler(Exception)
def _server_error(request, exc: Exception):
    logger.exception("API error")
    return error_response(request, 500, "server_error", _("Something went wrong on the server."))


def _mount_routers() -> None:
    """Mount the router each component declares (`Component.api`) at /api/<prefix>."""
    for prefix, router in components.api_routers():
        api.add_router(prefix, router)


_mount_routers()
