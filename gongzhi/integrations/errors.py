"""Errors of the integrations app beyond the core ones: a refused key (403), a key over its rate
(429) and a refused webhook signature (401)."""

from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError


class KeyRefused(DomainError):
    status = 403
    default_code = "api_key"
    default_message = _("Missing or invalid api_key.")


class RateLimited(DomainError):
    status = 429
    default_code = "rate_limited"
    default_message = _("Too many requests with this api_key; try again in a minute.")


class Unauthenticated(DomainError):
    status = 401
    default_code = "unauthenticated"
    default_message = _("The request is not signed correctly.")


class TooLarge(DomainError):
    status = 413
    default_code = "too_large"
    default_message = _("The request body is too large.")
