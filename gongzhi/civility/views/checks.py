"""Civility pages for the door, phone first: the buildings of one's scope, a building's households
with their points (check them one after another), the check form (each standard met or not, a note,
photos; a standard already checked today is refused beside it), a household with its checks, its
consent to be named and its stars, a check and its photos."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.areas.selectors import address_of, addresses
from gongzhi.core.downloads import serve
from gongzhi.core.errors import DomainError
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can
from gongzhi.core.permissions import scoped_page as scoped
from gongzhi.points import selectors as ledger
from gongzhi.points.models import Programme

from ..models import Check, HouseholdStar
from ..selectors import points as selectors
from ..selectors.standards import standards_for
from ..services import checks as services
from ..services import consent as consent_services

MET, NOT_MET, SKIPPED = "met", "not_met", ""
RESULT_CHOICES = [(MET, pgettext_lazy("civility check", "Met")), (NOT_MET, pgettext_lazy("civility check", "Not met")),
                  (SKIPPED, pgettext_lazy("civility check", "Not checked"))]


def _raise_not_found(exc: DomainError) -> None:
    if exc.status == 404:
        raise exc


class CheckForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=services.NOTE_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, standards, done: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.standards = standards
        for standard in standards:
            name = services.standard_field(standard)
            field = forms.ChoiceField(
                label=standard.name, choices=RESULT_CHOICES, required=False, initial=SKIPPED,
                widget=forms.RadioSelect(attrs={"class": "result"}),
                help_text=_("Met: +%(met)d · not met: −%(broken)d") % {"met": standard.points_met,
                                                                      "broken": standard.points_broken})
            if standard.code in done:
                # not disabled: a second check (this form, or one opened before someone else's check)
                # reaches the service and is refused beside the standard
                field.help_text = _("Already checked today.")
            self.fields[name] = field
        self.order_fields([services.standard_field(s) for s in standards] + ["note"])

    def results(self) -> dict[int, bool]:
        found = {}
        for standard in self.standards:
            value = self.cleaned_data.get(services.standard_field(standard))
            if value in (MET, NOT_MET):
                found[standard.pk] = value == MET
        return found


class ConsentForm(forms.Form):
    display_name = forms.CharField(label=gettext_lazy("Name shown on the building page"), max_length=12,
                                   help_text=gettext_lazy("As the household wants it, e.g. 王家."))


@scoped
def home(request):
    buildings = list(selectors.buildings_visible(user=request.user)[:300])
    names = addresses(buildings, short=True)
    return render(request, "civility/home.html", {
        "buildings": [{"node": b, "address": names.get(b.pk, b.name)} for b in buildings],
        "communities": list(selectors.communities_visible(user=request.user)[:50]),
        "may_compute": can(request.user, "civility.compute"),
        "year": timezone.localdate().year,
    })


def _year(request) -> int:
    raw = request.GET.get("year", "")
    this_year = timezone.localdate().year
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= this_year else this_year


@scoped
def building(request, building_id: int):
    node = selectors.building_get(user=request.user, pk=building_id)
    year = _year(request)
    standings = selectors.building_standings(building=node, year=year)
    return render(request, "civility/building.html", {
        "building": node, "address": address_of(node, short=True), "standings": standings, "year": year,
        "may_check": can(request.user, "civility.check", node),
    })


def _next_household(household):
    building = selectors.building_of(household)
    if building is None:
        return None
    return selectors.households_in(building).filter(path__gt=household.path).first()


@scoped
def check(request, household_id: int):
    household = selectors.household_get(user=request.user, pk=household_id)
    services.household_for_check(request.user, household)  # 403 before a form is shown
    today = timezone.localdate()
    standards = standards_for(node=household, on=today)
    done = selectors.checked_today(household=household, on=today)
    form = CheckForm(request.POST or None, standards=standards, done=done)
    photo_error: list[str] = []
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                rows = services.checks_record(actor=request.user, household=household, results=form.results(),
                                              note=form.cleaned_data["note"], photos=request.FILES.getlist("photos"))
            except DomainError as exc:
                _raise_not_found(exc)
                fields = dict(exc.fields or {})
                photo_error = list(fields.pop("photos", []))
                if fields or not photo_error:
                    add_domain_errors(form, type(exc)(exc.message, code=exc.code, fields=fields))
            else:
                moved = sum(r.applied for r in rows)
                messages.success(request, _("%(n)d standards checked: %(points)+d points.") % {"n": len(rows), "points": moved})
                following = _next_household(household) if "next" in request.POST else None
                if following is not None:
                    return redirect("civility:check", household_id=following.pk)
                return redirect("civility:household", household_id=household.pk)
    building = selectors.building_of(household)
    return render(request, "civility/check.html", {
        "household": household, "address": address_of(household, short=True), "form": form,
        "photo_error": photo_error, "building": building, "has_next": _next_household(household) is not None,
        "nothing_left": bool(standards) and all(s.code in done for s in standards),
    }, status=status)


@scoped
def household(request, household_id: int):
    node = selectors.household_get(user=request.user, pk=household_id)
    year = _year(request)
    may_consent = can(request.user, "civility.consent", node)
    return render(request, "civility/household.html", {
        "household": node, "address": address_of(node, short=True), "year": year,
        "points": selectors.year_points(node=node, year=year).get(node.pk, 0),
        "balance": ledger.balance(programme=Programme.CIVILITY, holder=node),
        "checks": selectors.checks_of(user=request.user, household=node, limit=100),
        "consent": selectors.consent_of(node), "history": selectors.consents_history(household=node),
        "may_consent": may_consent, "consent_form": ConsentForm() if may_consent else None,
        "may_check": can(request.user, "civility.check", node),
        "stars": HouseholdStar.objects.filter(household=node).order_by("-year")[:5],
        "building": selectors.building_of(node),
    })


@require_POST
@scoped
def consent(request, household_id: int):
    node = selectors.household_get(user=request.user, pk=household_id)
    if request.POST.get("revoke"):
        try:
            consent_services.consent_revoke(actor=request.user, household=node)
        except DomainError as exc:
            _raise_not_found(exc)
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Consent revoked: the building page shows 某户 again."))
        return redirect("civility:household", household_id=node.pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            consent_services.consent_record(actor=request.user, household=node,
                                            display_name=form.cleaned_data["display_name"])
        except DomainError as exc:
            _raise_not_found(exc)
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Consent recorded: the building page shows the household's name."))
            return redirect("civility:household", household_id=node.pk)
    return render(request, "civility/household.html", {
        "household": node, "address": address_of(node, short=True), "year": timezone.localdate().year,
        "points": selectors.year_points(node=node, year=timezone.localdate().year).get(node.pk, 0),
        "balance": ledger.balance(programme=Programme.CIVILITY, holder=node),
        "checks": selectors.checks_of(user=request.user, household=node, limit=100),
        "consent": selectors.consent_of(node), "history": selectors.consents_history(household=node),
        "may_consent": True, "consent_form": form, "may_check": can(request.user, "civility.check", node),
        "stars": HouseholdStar.objects.filter(household=node).order_by("-year")[:5],
        "building": selectors.building_of(node),
    }, status=422)


@scoped
def check_detail(request, check_id: int):
    row = selectors.check_get(user=request.user, pk=check_id)
    same_visit = Check.objects.filter(household=row.household, checked_on=row.checked_on, checker=row.checker)
    photos = [p for c in same_visit.prefetch_related("photos") for p in c.photos.all()]
    return render(request, "civility/check_detail.html", {
        "check": row, "address": address_of(row.household, short=True), "photos": photos,
        "photo_urls": [reverse("civility:photo", kwargs={"photo_id": p.pk}) for p in photos],
    })


@scoped
def photo(request, photo_id: int):
    row = selectors.photo_get(user=request.user, pk=photo_id)
    return serve(row.file, content_type=row.content_type)


urlpatterns = [
    path("", home, name="home"),
    path("buildings/<int:building_id>/", building, name="building"),
    path("households/<int:household_id>/", household, name="household"),
    path("households/<int:household_id>/check/", check, name="check"),
    path("households/<int:household_id>/consent/", consent, name="consent"),
    path("checks/<int:check_id>/", check_detail, name="check-detail"),
    path("photos/<int:photo_id>/", photo, name="photo"),
]
