"""Open311 GeoReport v2 under /open311/v2/: discovery, services, a service definition, POST and GET
requests, a request, tokens. The format is the suffix (.xml or .json); errors are the spec's list
of {code, description} with 400, 403 (api_key), 404, 405 and 429 (over the key's rate)."""

from __future__ import annotations

import datetime as dt
import logging
import mimetypes
import re
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.cases.models import State
from gongzhi.core import downloads
from gongzhi.core.errors import DomainError, InvalidInput, NotFound
from gongzhi.core.permissions import can

from . import conf, georeport, selectors, services
from .errors import KeyRefused
from .models import ApiKey

logger = logging.getLogger(__name__)

MAX_REQUESTS = 1000
MAX_SPAN = dt.timedelta(days=90)
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


def endpoint(*methods: str, name: str):
    """Wrap an Open311 view: allowed methods, jurisdiction_id, the rendering of DomainErrors as
    Open311 errors in the requested format."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs) -> HttpResponse:
            if request.method not in methods:
                response = georeport.errors(fmt, 405, [_("Method not allowed.")])
                response["Allow"] = ", ".join(methods)
                return response
            try:
                within = _jurisdiction(request)
                response = view(request, fmt=fmt, within=within, **kwargs)
            except DomainError as exc:
                response = georeport.errors(fmt, exc.status, _descriptions(exc))
            except Exception:  # the spec's "general service error", in the client's format
                logger.exception("Open311 %s failed", name)
                response = georeport.errors(fmt, 500, [_("Something went wrong on the server.")])
            _audit_key_use(request, response.status_code)
            return response

        wrapper.endpoint_name = name
        return wrapper

    return decorate


def _descriptions(exc: DomainError) -> list[str]:
    found = []
    for field, messages in exc.fields.items():
        for message in messages:
            text = message if field in ("__all__", "") or field in message else f"{field}: {message}"
            if text not in found:
                found.append(text)
    return found or [exc.message]


def _param(request: HttpRequest, name: str) -> str:
    data = request.POST if request.method == "POST" else request.GET
    return (data.get(name) or "").strip()


def _jurisdiction(request: HttpRequest) -> AreaNode | None:
    """jurisdiction_id is optional: the configured id, or a district's code (which narrows reads and
    filings to that district); anything else is 404 as the spec says."""
    value = _param(request, "jurisdiction_id")
    if not value or value == conf.get("INTEGRATIONS_OPEN311_JURISDICTION"):
        return None
    district = AreaNode.objects.filter(code=value, kind=AreaKind.DISTRICT, is_active=True).first()
    if district is None:
        raise NotFound(_("jurisdiction_id “%(id)s” was not found.") % {"id": value})
    return district


def _key(request: HttpRequest, *, required: bool, endpoint_name: str) -> ApiKey | None:
    """The api_key of the request (form field, query parameter or X-Api-Key header), counted and
    rate-limited; every request with an issued key (revoked or not) is audited by the `endpoint`
    wrapper once its status is known. Missing where required, unknown or revoked: KeyRefused (403)."""
    raw = _param(request, "api_key") or request.headers.get("X-Api-Key", "").strip()
    if not raw:
        if required:
            raise KeyRefused(_("api_key was not provided."))
        return None
    key = selectors.key_by_value(raw)
    if key is None:
        # Matches no key ever issued: not a key's use, so not audited (anyone could fill the
        # append-only audit table with made-up keys); logged with what would be its prefix.
        logger.info("unknown api key %s… refused on %s", _shown_prefix(raw), endpoint_name)
        raise KeyRefused(_("Invalid api_key received -- it is unknown or revoked."))
    request.integrations_key_use = (key, endpoint_name)
    if key.revoked_at is not None:
        raise KeyRefused(_("Invalid api_key received -- it is unknown or revoked."))
    services.apikey_use(key=key, endpoint=endpoint_name)
    return key


def _shown_prefix(raw: str) -> str:
    """The prefix part of a value shaped like a key (gzk_<8 letters and digits>_…), else "?"."""
    match = re.match(r"^gzk_([a-z0-9]{8})_", raw)
    return match.group(1) if match else "?"


def _audit_key_use(request: HttpRequest, status: int) -> None:
    """One audit event for the request when it was made with an issued key (see
    services.apikey_use_record). A failure to write it is logged, never turned into an error after
    the answer (a filing is already committed; the client would file it again)."""
    use = getattr(request, "integrations_key_use", None)
    if use is None:
        return
    key, endpoint_name = use
    try:
        services.apikey_use_record(
            key=key, endpoint=endpoint_name, method=request.method, path=request.path, status=status
        )
    except Exception:
        logger.exception("could not audit the use of api key %s on %s", key.prefix, endpoint_name)


# ---------------------------------------------------------------------------------------------
# Discovery and services


@endpoint("GET", name="discovery")
def discovery(request: HttpRequest, fmt: str, within=None) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2")
    document = georeport.discovery(
        base_url=base,
        changeset=conf.get("INTEGRATIONS_OPEN311_CHANGESET"),
        contact=conf.get("INTEGRATIONS_OPEN311_CONTACT") or _("Ask the district's gongzhi administrators."),
        key_service=conf.get("INTEGRATIONS_OPEN311_KEY_SERVICE")
        or _("API keys are issued by the district administrators (gongzhi apikey create)."),
        endpoint_type=conf.get("INTEGRATIONS_OPEN311_ENDPOINT_TYPE"),
    )
    return georeport.render(fmt, "discovery", document)


def _reads_key(request: HttpRequest, name: str) -> ApiKey | None:
    return _key(request, required=not conf.get("INTEGRATIONS_OPEN311_PUBLIC_READS"), endpoint_name=name)


@endpoint("GET", name="services")
def services_list(request: HttpRequest, fmt: str, within=None) -> HttpResponse:
    _reads_key(request, "services")
    return georeport.render(fmt, "services", [georeport.service_entry(c) for c in selectors.services()])


@endpoint("GET", name="service_definition")
def service_definition(request: HttpRequest, fmt: str, service_code: str, within=None) -> HttpResponse:
    _reads_key(request, "service_definition")
    category = selectors.service(service_code)
    if category is None:
        raise NotFound(_("service_code “%(code)s” was not found.") % {"code": service_code})
    return georeport.render(fmt, "service_definition", georeport.service_definition(category))


# ---------------------------------------------------------------------------------------------
# Requests


def _attributes(request: HttpRequest) -> dict:
    """attribute[CODE]=v and attribute[CODE][]=v1&attribute[CODE][]=v2 as {CODE: v | [v1, v2]}."""
    found: dict = {}
    for name, values in request.POST.lists():
        match = _ATTRIBUTE.match(name)
        if not match:
            continue
        code, many = match.group(1), bool(match.group(2))
        values = [v for v in values if v != ""]
        if many:
            found.setdefault(code, [])
            if isinstance(found[code], list):
                found[code].extend(values)
        else:
            found[code] = values[-1] if values else ""
    return found


@endpoint("GET", "POST", name="requests")
def requests_view(request: HttpRequest, fmt: str, within=None) -> HttpResponse:
    if request.method == "POST":
        return _post_request(request, fmt, within)
    key = _reads_key(request, "requests")
    return georeport.render(fmt, "service_requests", georeport.service_requests(_query(request, key, within)))


def _post_request(request: HttpRequest, fmt: str, within: AreaNode | None) -> HttpResponse:
    key = _key(request, required=True, endpoint_name="post_request")
    if within is not None and key.area_id and not (
        key.area.path.startswith(within.path) or within.path.startswith(key.area.path)
    ):
        raise KeyRefused(_("This api_key may not file requests in that jurisdiction."))
    case, submission = services.open311_submit(
        key=key,
        service_code=_param(request, "service_code"),
        lat=_param(request, "lat"),
        long=_param(request, "long"),
        address_string=_param(request, "address_string"),
        address_id=_param(request, "address_id"),
        attributes=_attributes(request),
        email=_param(request, "email"),
        device_id=_param(request, "device_id"),
        account_id=_param(request, "account_id"),
        first_name=_param(request, "first_name"),
        last_name=_param(request, "last_name"),
        phone=_param(request, "phone"),
        description=request.POST.get("description") or "",
        media_url=_param(request, "media_url"),
        channel=_param(request, "channel"),
        jurisdiction=within,
    )
    answer = [{
        "service_request_id": case.reference,
        "service_notice": georeport.service_notice(case),
        "account_id": submission.account_id or None,
    }]
    return georeport.render(fmt, "service_requests", answer, status=201)


def _query(request: HttpRequest, key: ApiKey | None, within: AreaNode | None):
    qs = selectors.open311_cases(key=key, within=within)
    ids = _param(request, "service_request_id")
    if ids:
        pks = [pk for pk in (selectors.case_pk_from_reference(i) for i in ids.split(",")) if pk is not None]
        wanted = {i.strip() for i in ids.split(",")}
        found = [c for c in qs.filter(pk__in=pks[:MAX_REQUESTS]).order_by("-created_at", "-id") if c.reference in wanted]
        return found
    codes = [c.strip() for c in _param(request, "service_code").split(",") if c.strip()]
    if codes:
        qs = qs.filter(category__code__in=codes)
    statuses = [s.strip() for s in _param(request, "status").split(",") if s.strip()]
    if statuses:
        if set(statuses) - {"open", "closed"}:
            message = _("status must be open or closed (comma separated).")
            raise InvalidInput(message, fields={"status": [message]})
        closed = [s for s in State.values if s in georeport.CLOSED_STATES]
        if set(statuses) == {"open"}:
            qs = qs.exclude(state__in=closed)
        elif set(statuses) == {"closed"}:
            qs = qs.filter(state__in=closed)
    try:
        start = georeport.parse_w3c(_param(request, "start_date"))
        end = georeport.parse_w3c(_param(request, "end_date"))
    except ValueError as exc:
        message = _("start_date and end_date must be W3C datetimes, e.g. 2026-11-01T00:00:00+08:00.")
        raise InvalidInput(message, fields={"start_date": [message]}) from exc
    now = timezone.now()
    if start is None and end is None:
        start, end = now - MAX_SPAN, now
    elif start is None:
        start = end - MAX_SPAN
    elif end is None:
        end = min(start + MAX_SPAN, now) if start < now else start + MAX_SPAN
    if end < start:
        message = _("end_date is before start_date.")
        raise InvalidInput(message, fields={"end_date": [message]})
    if end - start > MAX_SPAN:
        message = _("start_date and end_date may be at most 90 days apart.")
        raise InvalidInput(message, fields={"end_date": [message]})
    qs = qs.filter(created_at__gte=start, created_at__lte=end)
    return list(qs.order_by("-created_at", "-id")[:MAX_REQUESTS])


@endpoint("GET", name="request")
def request_detail(request: HttpRequest, fmt: str, service_request_id: str, within=None) -> HttpResponse:
    key = _reads_key(request, "request")
    pk = selectors.case_pk_from_reference(service_request_id)
    case = selectors.open311_cases(key=key, within=within).filter(pk=pk).first() if pk else None
    if case is None or case.reference != service_request_id:
        raise NotFound(_("service_request_id “%(id)s” was not found.") % {"id": service_request_id})
    return georeport.render(fmt, "service_requests", georeport.service_requests([case]))


@endpoint("GET", name="token")
def token_detail(request: HttpRequest, fmt: str, token: str, within=None) -> HttpResponse:
    """gongzhi files every request at once (type realtime), so POST never answers with a token;
    each submission still has one, and this resolves it (within the key's area when a key is sent)."""
    key = _reads_key(request, "token")
    submission = selectors.submission_by_token(token)
    if submission is not None and key is not None and key.area_id:
        if not submission.case.location_path.startswith(key.area.path):
            submission = None
    if submission is None:
        raise NotFound(_("token “%(token)s” was not found.") % {"token": token})
    return georeport.render(fmt, "service_requests",
                          [{"service_request_id": submission.case.reference, "token": submission.token}])


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    fmt = "json" if rest.endswith(".json") else "xml"
    return georeport.errors(fmt, 404, [_("No such Open311 resource; see discovery.xml.")])


# ---------------------------------------------------------------------------------------------
# Camera snapshots


@login_required
def camera_snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    """A camera alert's snapshot, for staff whose area holds the camera; 404 otherwise. Uploads
    are never served from MEDIA_URL (the same image is also the case's attachment)."""
    event = selectors.camera_events(user=request.user).filter(pk=pk).first()
    if event is None or not event.snapshot or not can(request.user, "integrations.camera_snapshot_view", event):
        raise Http404
    content_type = mimetypes.guess_type(event.snapshot.name)[0] or "application/octet-stream"
    return downloads.serve(event.snapshot, content_type=content_type)
