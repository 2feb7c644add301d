"""Service circle pages of the directory: what is near (from one's home, a household or building,
or a point on the map), the points with their rooms, services, hours, photos and ratings; the
providers with their services and their contact's own phone (masked, revealed on a button, audited);
the map of a community with the buildings no point or provider reaches for a service; the keepers'
forms for points, providers, offerings and the monthly themes."""

from __future__ import annotations

import json
import math

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core.components import setting
from gongzhi.core.errors import DomainError
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can, page_requires, scoped_page

from .. import geo
from ..models import PointKind, PointLevel, ProviderKind, Service
from ..selectors import nearest as nearest_selectors
from ..selectors import points as selectors
from ..services import points as services


def page(action: str):
    """The gate's answer for `action` (403), then the selectors' NotFound as 404 and Forbidden as 403."""
    def decorate(view):
        return page_requires(action)(scoped_page(view))
    return decorate


def _raise_not_found(exc: DomainError) -> None:
    if exc.status == 404:
        raise Http404 from exc


def _int(value) -> int | None:
    raw = str(value or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise Http404
    return int(raw)


def _hours_initial(hours) -> str:
    return json.dumps(hours or [], ensure_ascii=False)


class HoursField(forms.CharField):
    """Opening hours typed as JSON ([{"days": [0,1,2,3,4], "opens": "08:30", "closes": "17:30"}]); the
    service checks the periods and names the field."""

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return []
        try:
            return json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("Write the hours as in the example.")) from None


HOURS_HELP = gettext_lazy('Monday is 0, Sunday 6. Example: [{"days": [0,1,2,3,4], "opens": "08:30", "closes": "17:30"}]. '
                          "Empty: open at any time.")


class PointForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("place", "Name"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=PointKind.choices)
    level = forms.ChoiceField(label=gettext_lazy("Level"), choices=PointLevel.choices)
    area = forms.TypedChoiceField(label=gettext_lazy("Area"), coerce=int)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=200, required=False)
    latitude = forms.CharField(label=gettext_lazy("Latitude"), required=False)
    longitude = forms.CharField(label=gettext_lazy("Longitude"), required=False)
    hours = HoursField(label=gettext_lazy("Opening hours"), required=False, help_text=HOURS_HELP,
                       widget=forms.Textarea(attrs={"rows": 2}))
    hotline = forms.CharField(label=gettext_lazy("Public phone"), max_length=20, required=False)
    contact_name = forms.CharField(label=pgettext_lazy("circle", "Contact"), max_length=50, required=False)
    description = forms.CharField(label=gettext_lazy("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    slot_capacity = forms.IntegerField(label=gettext_lazy("Appointments per half hour (halls)"), min_value=1,
                                       max_value=50, initial=2)
    active = forms.BooleanField(label=gettext_lazy("Open to residents"), required=False, initial=True)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.pk, a.name) for a in areas]


class ProviderForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("provider", "Name"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ProviderKind.choices)
    area = forms.TypedChoiceField(label=gettext_lazy("Listed by"), coerce=int)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=200, required=False)
    latitude = forms.CharField(label=gettext_lazy("Latitude"))
    longitude = forms.CharField(label=gettext_lazy("Longitude"))
    service_radius_m = forms.IntegerField(label=gettext_lazy("Serves within (metres)"), min_value=100,
                                          max_value=50_000, initial=1500)
    hours = HoursField(label=gettext_lazy("Opening hours"), required=False, help_text=HOURS_HELP,
                       widget=forms.Textarea(attrs={"rows": 2}))
    hotline = forms.CharField(label=gettext_lazy("Public phone"), max_length=20, required=False)
    contact_name = forms.CharField(label=pgettext_lazy("circle", "Contact"), max_length=50, required=False)
    contact_phone = forms.CharField(label=gettext_lazy("Contact's own phone"), max_length=20, required=False,
                                    help_text=gettext_lazy("Kept encrypted and shown masked."))
    description = forms.CharField(label=gettext_lazy("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    active = forms.BooleanField(label=gettext_lazy("Takes orders"), required=False, initial=True)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.pk, a.name) for a in areas]


class OfferingForm(forms.Form):
    service = forms.ChoiceField(label=gettext_lazy("Service"))
    price = forms.CharField(label=gettext_lazy("Price (yuan), empty when free"), required=False)
    price_note = forms.CharField(label=gettext_lazy("Price note"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(s.code, s.name) for s in Service.objects.filter(active=True)]


class RateForm(forms.Form):
    stars = forms.TypedChoiceField(label=gettext_lazy("Stars"), coerce=int, widget=forms.RadioSelect,
                                   choices=[(n, "★" * n) for n in range(5, 0, -1)])
    comment = forms.CharField(label=gettext_lazy("Comment"), max_length=500, required=False)


class PhotoForm(forms.Form):
    image = forms.FileField(label=gettext_lazy("Photo"))
    caption = forms.CharField(label=gettext_lazy("Caption"), max_length=100, required=False)


class ThemeForm(forms.Form):
    area = forms.TypedChoiceField(label=gettext_lazy("Area"), coerce=int)
    month = forms.CharField(label=gettext_lazy("Month"), widget=forms.TextInput(attrs={"type": "month"}))
    title = forms.CharField(label=pgettext_lazy("circle", "Theme"), max_length=100)
    services = forms.MultipleChoiceField(label=gettext_lazy("Services put first"), required=False,
                                         widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.pk, a.name) for a in areas]
        self.fields["services"].choices = [(s.code, s.name) for s in Service.objects.filter(active=True)]


# --- near --------------------------------------------------------------------------------------


@page("circle.view")
def near(request):
    """What can serve within the walk: from one's home, a chosen household or building, or a point."""
    service = Service.objects.filter(code=request.GET.get("service", ""), active=True).first()
    errors: dict = {}
    found, origin_node, origin = [], None, None
    try:
        minutes = nearest_selectors.minutes_value(request.GET.get("minutes"))
        # a link names a place (`place`) or a point (`lat`, `lng`); the picker gives the place it chose
        # (`location`) with its coordinates, or the point tapped on the map
        lat_in = request.GET.get("lat") or request.GET.get("latitude")
        lng_in = request.GET.get("lng") or request.GET.get("longitude")
        node_id = _int(request.GET.get("place")) or (None if lat_in else _int(request.GET.get("location")))
        lat, lng, origin_node = nearest_selectors.origin_of(
            user=request.user, node_id=node_id, latitude=None if node_id else lat_in,
            longitude=None if node_id else lng_in)
        origin = (lat, lng)
        found = nearest_selectors.nearest(user=request.user, latitude=lat, longitude=lng, service=service,
                                          minutes=minutes)
    except DomainError as exc:
        _raise_not_found(exc)
        errors = exc.fields or {"place": [exc.message]}
        minutes = None
    return render(request, "circle/points/near.html", {
        "found": found, "service": service, "services": Service.objects.filter(active=True),
        "place_param": origin_node.pk if origin_node is not None and request.GET.get("place") else "",
        "places_url": reverse("api:area_places"), "map_url": reverse("api:area_map"),
        "map_node": origin_node.pk if origin_node is not None else "",
        "origin": origin, "origin_node": origin_node, "errors": errors,
        "minutes": request.GET.get("minutes", ""),
        "walk_minutes": minutes or float(setting("CIRCLE_WALK_MINUTES")),
        "may_order": can(request.user, "circle.order"),
    }, status=400 if errors else 200)


# --- points ------------------------------------------------------------------------------------


@page("circle.view")
def points(request):
    q = request.GET.get("q", "").strip()[:50]
    kind = request.GET.get("kind", "")
    rows = selectors.points_visible(user=request.user, q=q, kind=kind if kind in PointKind.values else "")
    return render(request, "circle/points/points.html", {
        "points": rows[:300], "q": q, "kind": kind, "kinds": PointKind.choices,
        "may_keep": can(request.user, "circle.keep")})


@page("circle.view")
def point(request, point_id: int):
    row = selectors.point_get(user=request.user, pk=point_id)
    summary, ratings = selectors.point_ratings(point=row)
    mine = selectors.my_rating(user=request.user, point=row)
    return render(request, "circle/points/point.html", {
        "point": row, "hours": geo.hours_text(row.hours), "open_now": geo.open_at(row.hours),
        "summary": summary, "ratings": ratings,
        "rate_form": RateForm(initial={"stars": mine.stars, "comment": mine.comment} if mine else None),
        "may_keep": can(request.user, "circle.keep", row),
        "photo_form": PhotoForm() if can(request.user, "circle.keep", row) else None,
        "offering_form": OfferingForm() if can(request.user, "circle.keep", row) else None,
        "may_run": can(request.user, "circle.run_point", row),
    })


def _point_form(request, row=None):
    areas = list(selectors.kept_areas(user=request.user))
    initial = None
    if row is not None:
        initial = {name: getattr(row, name) for name in ("name", "kind", "level", "address", "latitude", "longitude",
                                                         "hotline", "contact_name", "description", "slot_capacity",
                                                         "active")}
        initial.update(area=row.area_id, hours=_hours_initial(row.hours))
    form = PointForm(request.POST or None, areas=areas, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                saved = services.point_save(actor=request.user, point=row, **form.cleaned_data)
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The service point is saved."))
                return redirect("circle:point", point_id=saved.pk)
    return render(request, "circle/points/point_form.html", {"form": form, "point": row}, status=status)


@page("circle.keep")
def point_new(request):
    return _point_form(request)


@page("circle.keep")
def point_edit(request, point_id: int):
    row = selectors.point_get(user=request.user, pk=point_id)
    if not can(request.user, "circle.keep", row):
        raise Http404
    return _point_form(request, row)


@require_POST
@page("circle.view")
def point_rate(request, point_id: int):
    row = selectors.point_get(user=request.user, pk=point_id)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            services.point_rate(actor=request.user, point=row, **form.cleaned_data)
        except DomainError as exc:
            _raise_not_found(exc)
            messages.error(request, " ".join(m for ms in exc.fields.values() for m in ms) or exc.message)
        else:
            messages.success(request, _("Thank you: your rating is saved."))
    else:
        messages.error(request, _("Choose one to five stars."))
    return redirect("circle:point", point_id=row.pk)


@require_POST
@page("circle.keep")
def point_photo(request, point_id: int):
    row = selectors.point_get(user=request.user, pk=point_id)
    try:
        services.point_add_photo(actor=request.user, point=row, image=request.FILES.get("image"),
                                 caption=request.POST.get("caption", ""))
    except DomainError as exc:
        _raise_not_found(exc)
        messages.error(request, " ".join(m for ms in exc.fields.values() for m in ms) or exc.message)
    else:
        messages.success(request, _("The photo is added."))
    return redirect("circle:point", point_id=row.pk)


def _offering(request, *, point_id: int | None = None, provider_id: int | None = None):
    form = OfferingForm(request.POST)
    target = ("circle:point", {"point_id": point_id}) if point_id else ("circle:provider", {"provider_id": provider_id})
    if form.is_valid():
        try:
            services.offering_set(actor=request.user, point=point_id, provider=provider_id, **form.cleaned_data)
        except DomainError as exc:
            _raise_not_found(exc)
            messages.error(request, " ".join(m for ms in exc.fields.values() for m in ms) or exc.message)
        else:
            messages.success(request, _("The service is offered."))
    else:
        messages.error(request, _("Choose a service of the menu."))
    return redirect(target[0], **target[1])


@require_POST
@page("circle.keep")
def point_offering(request, point_id: int):
    selectors.point_get(user=request.user, pk=point_id)
    return _offering(request, point_id=point_id)


@require_POST
@page("circle.keep")
def offering_remove(request, offering_id: int):
    try:
        services.offering_remove(actor=request.user, offering=offering_id)
    except DomainError as exc:
        _raise_not_found(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The service is no longer offered."))
    return redirect(request.POST.get("next") if str(request.POST.get("next", "")).startswith("/circle/")
                    else "circle:points")


# --- providers ---------------------------------------------------------------------------------


@page("circle.view")
def providers(request):
    q = request.GET.get("q", "").strip()[:50]
    service = request.GET.get("service", "")
    rows = selectors.providers_visible(user=request.user, q=q, service=service)
    return render(request, "circle/points/providers.html", {
        "providers": rows[:300], "q": q, "service": service, "services": Service.objects.filter(active=True),
        "may_keep": can(request.user, "circle.keep")})


@page("circle.view")
def provider(request, provider_id: int):
    row = selectors.provider_get(user=request.user, pk=provider_id)
    may_keep = can(request.user, "circle.keep", row)
    return render(request, "circle/points/provider.html", {
        "provider": row, "hours": geo.hours_text(row.hours), "open_now": geo.open_at(row.hours),
        "may_keep": may_keep, "may_reveal": can(request.user, "circle.reveal_phone", row),
        "offering_form": OfferingForm() if may_keep else None, "revealed": request.session.pop("circle_revealed", None),
    })


def _provider_form(request, row=None):
    areas = list(selectors.kept_areas(user=request.user))
    initial = None
    if row is not None:
        initial = {name: getattr(row, name) for name in ("name", "kind", "address", "latitude", "longitude",
                                                         "service_radius_m", "hotline", "contact_name",
                                                         "description", "active")}
        initial.update(area=row.area_id, hours=_hours_initial(row.hours))
    form = ProviderForm(request.POST or None, areas=areas, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            values = dict(form.cleaned_data)
            if row is not None and not values.get("contact_phone"):
                values.pop("contact_phone")  # left empty on a change: keep the phone on record
            try:
                saved = services.provider_save(actor=request.user, provider=row, **values)
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The provider is saved."))
                return redirect("circle:provider", provider_id=saved.pk)
    return render(request, "circle/points/provider_form.html", {"form": form, "provider": row}, status=status)


@page("circle.keep")
def provider_new(request):
    return _provider_form(request)


@page("circle.keep")
def provider_edit(request, provider_id: int):
    row = selectors.provider_get(user=request.user, pk=provider_id)
    if not can(request.user, "circle.keep", row):
        raise Http404
    return _provider_form(request, row)


@require_POST
@page("circle.reveal_phone")
def provider_reveal(request, provider_id: int):
    try:
        phone = services.provider_reveal_phone(actor=request.user, provider=provider_id,
                                               reason=request.POST.get("reason", ""))
    except DomainError as exc:
        _raise_not_found(exc)
        messages.error(request, exc.message)
        return redirect("circle:provider", provider_id=provider_id)
    return render(request, "circle/points/revealed.html", {"phone": phone, "provider_id": provider_id})


@require_POST
@page("circle.keep")
def provider_offering(request, provider_id: int):
    selectors.provider_get(user=request.user, pk=provider_id)
    return _offering(request, provider_id=provider_id)


# --- themes ------------------------------------------------------------------------------------


@page("circle.keep")
def themes(request):
    form = ThemeForm(request.POST or None, areas=list(selectors.kept_areas(user=request.user)))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.theme_set(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The month's theme is saved."))
                return redirect("circle:themes")
    return render(request, "circle/points/themes.html", {
        "form": form, "themes": selectors.themes_visible(user=request.user)[:48]}, status=status)


# --- the map -----------------------------------------------------------------------------------


@page("circle.keep")
def coverage_map(request):
    communities = list(AreaNode.objects.visible_to(request.user).filter(kind=AreaKind.COMMUNITY).order_by("path")[:300])
    community_id = _int(request.GET.get("community"))
    community = next((c for c in communities if c.pk == community_id), None) if community_id else (
        communities[0] if communities else None)
    if community_id and community is None:
        raise Http404
    service = (Service.objects.filter(code=request.GET.get("service", ""), active=True).first()
               or Service.objects.filter(active=True).order_by("sort").first())
    result = (nearest_selectors.coverage(user=request.user, community=community, service=service)
              if community is not None and service is not None else None)
    drawing = None
    if result is not None:
        places = nearest_selectors.nearest_in(user=request.user, community=community, service=service)
        drawing = _drawing(result, places)
    return render(request, "circle/points/map.html", {
        "communities": communities, "community": community, "services": Service.objects.filter(active=True),
        "service": service, "result": result, "drawing": drawing})


MAP_WIDTH, MAP_HEIGHT, MAP_MARGIN = 800, 600, 24


def _drawing(result, places: list[dict]) -> dict | None:
    """The map as SVG coordinates, drawn on the server (no tiles, no script): buildings reached in
    green, gaps in red, points and providers as squares and triangles."""
    spots = ([(b["latitude"], b["longitude"]) for b in result.reached] + [(g.latitude, g.longitude) for g in result.gaps]
             + [(p["latitude"], p["longitude"]) for p in places])
    if not spots:
        return None
    lats, lngs = [s[0] for s in spots], [s[1] for s in spots]
    scale_y = 111_320
    scale_x = 111_320 * math.cos(math.radians((min(lats) + max(lats)) / 2))
    width_m = max((max(lngs) - min(lngs)) * scale_x, 100)
    height_m = max((max(lats) - min(lats)) * scale_y, 100)
    k = min((MAP_WIDTH - 2 * MAP_MARGIN) / width_m, (MAP_HEIGHT - 2 * MAP_MARGIN) / height_m)

    def xy(lat: float, lng: float) -> tuple[int, int]:
        return (round(MAP_MARGIN + (lng - min(lngs)) * scale_x * k),
                round(MAP_HEIGHT - MAP_MARGIN - (lat - min(lats)) * scale_y * k))

    reach = round(geo.walk_radius_m() * k)
    return {
        "width": MAP_WIDTH, "height": MAP_HEIGHT, "reach": reach,
        "reached": [{"name": b["name"], "xy": xy(b["latitude"], b["longitude"])} for b in result.reached],
        "gaps": [{"name": g.name, "households": g.households, "xy": xy(g.latitude, g.longitude)} for g in result.gaps],
        "places": [{**p, "xy": xy(p["latitude"], p["longitude"])} for p in places],
    }


urlpatterns = [
    path("near/", near, name="near"),
    path("points/", points, name="points"),
    path("points/new/", point_new, name="point-new"),
    path("points/<int:point_id>/", point, name="point"),
    path("points/<int:point_id>/edit/", point_edit, name="point-edit"),
    path("points/<int:point_id>/rate/", point_rate, name="point-rate"),
    path("points/<int:point_id>/photos/", point_photo, name="point-photo"),
    path("points/<int:point_id>/offerings/", point_offering, name="point-offering"),
    path("offerings/<int:offering_id>/remove/", offering_remove, name="offering-remove"),
    path("providers/", providers, name="providers"),
    path("providers/new/", provider_new, name="provider-new"),
    path("providers/<int:provider_id>/", provider, name="provider"),
    path("providers/<int:provider_id>/edit/", provider_edit, name="provider-edit"),
    path("providers/<int:provider_id>/reveal/", provider_reveal, name="provider-reveal"),
    path("providers/<int:provider_id>/offerings/", provider_offering, name="provider-offering"),
    path("themes/", themes, name="themes"),
    path("map/", coverage_map, name="map"),
]
