"""Pages of units' 双报到, the resources list and the needs list with matching and claims: the
unit's own page and the staff's lists on a phone; a resident's wish; a member's or unit's claims."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core.errors import DomainError
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can, page_requires
from gongzhi.core.permissions import scoped_page as scoped
from gongzhi.residents.selectors import own_households

from ..models import Category, NeedState, ResourceKind, UnitReportState, Urgency
from ..selectors import matching
from ..selectors import needs as selectors
from ..selectors import units as unit_selectors
from ..services import needs as need_services
from ..services import resources as resource_services
from ..services import units as unit_services
from ..workflow_needs import NEED_WORKFLOW

PER_PAGE = 50
UNIT_CHOICES = [(u, u) for u in resource_services.CAPACITY_UNITS]


def _raise_not_found(exc: DomainError) -> None:
    if exc.status == 404:
        raise exc


def _categories():
    return [(c.pk, c.name) for c in Category.objects.filter(is_active=True)]


class UnitReportForm(forms.Form):
    community = forms.TypedChoiceField(label=gettext_lazy("Community"), coerce=int)
    liaison_name = forms.CharField(label=gettext_lazy("Liaison"), max_length=50)
    liaison_phone = forms.CharField(label=gettext_lazy("Liaison's phone"), max_length=20)
    commitment = forms.CharField(label=gettext_lazy("What we will do"), widget=forms.Textarea(attrs={"rows": 3}),
                                 required=False, max_length=2000)

    def __init__(self, *args, user, with_unit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(c.pk, c.name) for c in unit_selectors.communities_for(user=user)]
        if with_unit:
            self.fields["unit"] = forms.TypedChoiceField(label=gettext_lazy("Unit"), coerce=int, choices=[
                (u.pk, u.name) for u in unit_selectors.units_for(user=user)[:500]])
            self.order_fields(["unit"])


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ResourceKind.choices)
    category = forms.TypedChoiceField(label=gettext_lazy("Category"), coerce=int)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=100)
    description = forms.CharField(label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 3}),
                                  required=False)
    capacity = forms.CharField(label=gettext_lazy("Capacity"), max_length=9)
    capacity_unit = forms.ChoiceField(label=gettext_lazy("Counted in"), choices=UNIT_CHOICES)
    availability = forms.CharField(label=gettext_lazy("When"), max_length=200, required=False)
    conditions = forms.CharField(label=gettext_lazy("Conditions"), max_length=200, required=False)

    def __init__(self, *args, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _categories()
        if providers is not None:  # None: changing a resource, whose provider stays
            self.fields["provider"] = forms.ChoiceField(label=gettext_lazy("Offered by"), choices=providers)
            self.order_fields(["provider"])


class NeedForm(forms.Form):
    area = forms.TypedChoiceField(label=gettext_lazy("Area"), coerce=int)
    category = forms.TypedChoiceField(label=gettext_lazy("Category"), coerce=int)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=100)
    description = forms.CharField(label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 3}),
                                  required=False)
    urgency = forms.ChoiceField(label=gettext_lazy("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    beneficiaries = forms.CharField(label=gettext_lazy("Who benefits"), max_length=200, required=False)
    beneficiary_count = forms.CharField(label=gettext_lazy("Number of beneficiaries"), max_length=6, initial="1")

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = areas
        self.fields["category"].choices = _categories()


class WishForm(forms.Form):
    household = forms.TypedChoiceField(label=gettext_lazy("My household"), coerce=int)
    category = forms.TypedChoiceField(label=gettext_lazy("Category"), coerce=int)
    title = forms.CharField(label=gettext_lazy("My wish"), max_length=100)
    description = forms.CharField(label=gettext_lazy("Tell us more"), widget=forms.Textarea(attrs={"rows": 3}),
                                  required=False)

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].choices = households
        self.fields["category"].choices = _categories()


class ClaimForm(forms.Form):
    resource = forms.TypedChoiceField(label=gettext_lazy("With my resource"), coerce=int, required=False,
                                      empty_value=None)
    amount = forms.CharField(label=gettext_lazy("Amount used"), max_length=9, required=False)

    def __init__(self, *args, resources, units: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].choices = [("", "—")] + [
            (r.pk, f"{r.title} ({r.remaining} {r.capacity_unit})") for r in resources]
        if units:
            self.fields["as_unit"] = forms.BooleanField(label=gettext_lazy("Claim for my unit"), required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)


# --- units' 双报到 -------------------------------------------------------------------------------


@scoped
def my_unit(request):
    user = request.user
    if not getattr(user, "unit_id", None):
        return render(request, "cobuilding/needs/my_unit.html", {"reports": [], "form": None}, status=404)
    form = UnitReportForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                report = unit_services.unit_register(actor=user, **form.cleaned_data)
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
                status = 422
            else:
                messages.success(request, _("Your unit is reported in to %(community)s.") % {
                    "community": report.community.name})
                return redirect("cobuilding:my-unit")
        else:
            status = 422
    return render(request, "cobuilding/needs/my_unit.html", {
        "reports": unit_selectors.my_unit_reports(user=user), "form": form,
        "resources": selectors.my_resources(user=user)[:100],
        "claims": selectors.my_claims(user=user)[:50]}, status=status)


@page_requires("cobuilding.view_list")
@scoped
def units(request):
    state = request.GET.get("state", UnitReportState.ACTIVE)
    q = request.GET.get("q", "")
    page = Paginator(unit_selectors.unit_reports(user=request.user, state=state, q=q), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "cobuilding/needs/units.html", {
        "page": page, "state": state, "q": q, "states": UnitReportState.choices,
        "may_register": can(request.user, "cobuilding.keep_registrations")})


@page_requires("cobuilding.keep_registrations")
@scoped
def unit_register(request):
    form = UnitReportForm(request.POST or None, user=request.user, with_unit=True)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                report = unit_services.unit_register(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
                status = 422
            else:
                messages.success(request, _("Registered."))
                return redirect("cobuilding:unit-detail", unit_report_id=report.pk)
        else:
            status = 422
    return render(request, "cobuilding/needs/unit_register.html", {"form": form}, status=status)


@scoped
def unit_detail(request, unit_report_id: int):
    report = unit_selectors.unit_report_get(user=request.user, pk=unit_report_id)
    own = unit_services.is_own_unit(request.user, report.unit_id)
    return render(request, "cobuilding/needs/unit_detail.html", {
        "report": report, "own": own,
        "may_end": report.state == UnitReportState.ACTIVE and (
            own or can(request.user, "cobuilding.keep_registrations", report)),
        "may_reveal": can(request.user, "cobuilding.reveal", report),
        "may_change": report.state == UnitReportState.ACTIVE and (
            own or can(request.user, "cobuilding.keep_registrations", report)),
        "phone": request.session.pop(f"cob-unit-phone-{report.pk}", None),
        "resources": report.resources.select_related("category").order_by("-is_active", "title")[:100]})


class UnitChangeForm(forms.Form):
    liaison_name = forms.CharField(label=gettext_lazy("Liaison"), max_length=50)
    liaison_phone = forms.CharField(label=gettext_lazy("Liaison's phone"), max_length=20, required=False,
                                    help_text=gettext_lazy("Leave empty to keep the number on file."))
    commitment = forms.CharField(label=gettext_lazy("What we will do"), widget=forms.Textarea(attrs={"rows": 4}),
                                 required=False, max_length=2000)


@scoped
def unit_edit(request, unit_report_id: int):
    report = unit_selectors.unit_report_get(user=request.user, pk=unit_report_id)
    if report.state != UnitReportState.ACTIVE or not (unit_services.is_own_unit(request.user, report.unit_id)
                                                      or can(request.user, "cobuilding.keep_registrations", report)):
        raise PermissionDenied
    form = UnitChangeForm(request.POST or None, initial={"liaison_name": report.liaison_name,
                                                         "commitment": report.commitment})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                unit_services.unit_report_update(actor=request.user, report=report, liaison_name=data["liaison_name"],
                                                 liaison_phone=data["liaison_phone"] or None,
                                                 commitment=data["commitment"])
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The registration was changed."))
                return redirect("cobuilding:unit-detail", unit_report_id=report.pk)
    return render(request, "cobuilding/needs/unit_edit.html", {"form": form, "report": report}, status=status)


@require_POST
@scoped
def unit_end(request, unit_report_id: int):
    report = unit_selectors.unit_report_get(user=request.user, pk=unit_report_id)
    try:
        unit_services.unit_report_end(actor=request.user, report=report, note=request.POST.get("note", ""))
    except DomainError as exc:
        _raise_not_found(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The registration has ended."))
    return redirect("cobuilding:unit-detail", unit_report_id=report.pk)


@require_POST
@scoped
def unit_reveal(request, unit_report_id: int):
    report = unit_selectors.unit_report_get(user=request.user, pk=unit_report_id)
    phone = unit_services.liaison_reveal(actor=request.user, report=report, reason=request.POST.get("reason", ""))
    request.session[f"cob-unit-phone-{report.pk}"] = phone
    return redirect("cobuilding:unit-detail", unit_report_id=report.pk)


# --- resources ------------------------------------------------------------------------------------


def _providers(user) -> list[tuple[str, str]]:
    choices = []
    reports = unit_selectors.unit_reports(user=user, state=UnitReportState.ACTIVE)
    if not can(user, "cobuilding.keep_registrations"):
        reports = reports.filter(unit_id=getattr(user, "unit_id", None) or 0)
    choices += [(f"unit:{r.pk}", f"{r.unit.name} · {r.community.name}") for r in reports[:500]]
    from ..models import MemberReport, ReportInState

    mine = MemberReport.objects.filter(member__user=user, state=ReportInState.ACTIVE).select_related("member",
                                                                                                       "community")
    choices += [(f"member:{r.pk}", f"{r.member.name} · {r.community.name}") for r in mine]
    return choices


@scoped
def resources(request):
    staff = can(request.user, "cobuilding.view_list")
    category = request.GET.get("category") or None
    kind = request.GET.get("kind", "")
    community = None
    if staff and (request.GET.get("community") or "").isdigit():
        community = unit_selectors.communities_for(user=request.user).filter(pk=request.GET["community"]).first()
    rows = selectors.resources_list(user=request.user, category=category if (category or "").isdigit() else None,
                                    kind=kind if kind in ResourceKind.values else "", community=community) \
        if staff else selectors.my_resources(user=request.user)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cobuilding/needs/resources.html", {
        "page": page, "staff": staff, "categories": _categories(), "kinds": ResourceKind.choices,
        "communities": unit_selectors.communities_for(user=request.user) if staff else [],
        "category": category or "", "kind": kind, "community": community,
        "may_publish": bool(_providers(request.user))})


@scoped
def resource_new(request):
    providers = _providers(request.user)
    form = ResourceForm(request.POST or None, providers=providers)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            kind, _sep, pk = data.pop("provider").partition(":")
            data["unit_report" if kind == "unit" else "member_report"] = int(pk)
            try:
                row = resource_services.resource_create(actor=request.user, **data)
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
                status = 422
            else:
                messages.success(request, _("Published in the resources list."))
                return redirect("cobuilding:resource-detail", resource_id=row.pk)
        else:
            status = 422
    return render(request, "cobuilding/needs/resource_new.html", {"form": form, "providers": providers},
                  status=status)


@scoped
def resource_detail(request, resource_id: int):
    row = selectors.resource_get(user=request.user, pk=resource_id)
    may_keep = resource_services.may_keep_resource(request.user, row)
    return render(request, "cobuilding/needs/resource_detail.html", {
        "resource": row, "may_withdraw": row.is_active and may_keep, "may_change": row.is_active and may_keep,
        "needs": row.needs.select_related("area")[:50]})


@scoped
def resource_edit(request, resource_id: int):
    row = selectors.resource_get(user=request.user, pk=resource_id)
    if not resource_services.may_keep_resource(request.user, row):
        raise PermissionDenied
    initial = {"kind": row.kind, "category": row.category_id, "title": row.title, "description": row.description,
               "capacity": row.capacity, "capacity_unit": row.capacity_unit, "availability": row.availability,
               "conditions": row.conditions}
    form = ResourceForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                resource_services.resource_update(actor=request.user, resource=row, **form.cleaned_data)
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The resource was changed."))
                return redirect("cobuilding:resource-detail", resource_id=row.pk)
    return render(request, "cobuilding/needs/resource_edit.html", {"form": form, "resource": row}, status=status)


@require_POST
@scoped
def resource_withdraw(request, resource_id: int):
    row = selectors.resource_get(user=request.user, pk=resource_id)
    try:
        resource_services.resource_withdraw(actor=request.user, resource=row)
    except DomainError as exc:
        _raise_not_found(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Withdrawn from the resources list."))
    return redirect("cobuilding:resource-detail", resource_id=row.pk)


# --- needs ----------------------------------------------------------------------------------------


def _need_areas(user, prefer=None) -> list[tuple[int, str]]:
    from gongzhi.areas.models import AreaNode

    nodes = AreaNode.objects.visible_to(user).filter(kind__in=need_services.NEED_KINDS[:3], is_active=True).order_by(
        "path")[:500]
    choices = [(n.pk, n.name if n.kind == "community" else f"· {n.name}") for n in nodes]
    if prefer is not None and prefer.pk not in {pk for pk, _label in choices}:
        choices.insert(0, (prefer.pk, str(prefer.name)))
    return choices


@page_requires("cobuilding.raise_need")
@scoped
def need_new(request):
    user = request.user
    source = request.POST if request.method == "POST" else request.GET
    case = selectors.case_for_need(user=user, pk=int(source["case"])) if (source.get("case") or "").isdigit() else None
    visit = selectors.visit_for_need(user=user, pk=int(source["visit"])) if (source.get("visit") or "").isdigit() \
        else None
    prefer = (case.location if case and case.location_id else None) or (visit.household if visit else None)
    initial = {}
    if case is not None:
        initial = {"title": case.title[:100], "description": case.description[:4000], "area": case.location_id}
    if visit is not None:
        initial = {"area": visit.household_id}
    form = NeedForm(request.POST or None, areas=_need_areas(user, prefer), initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                need = need_services.need_raise(actor=user, case=case, visit=visit, **form.cleaned_data)
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
                status = 422
            else:
                messages.success(request, _("The need is on the list."))
                return redirect("cobuilding:need-detail", need_id=need.pk)
        else:
            status = 422
    return render(request, "cobuilding/needs/need_new.html", {"form": form, "case": case, "visit": visit},
                  status=status)


@scoped
def wish_new(request):
    user = request.user
    households = [(h.pk, str(h)) for h in own_households(user=user)]
    try:
        from gongzhi.areas import selectors as area_selectors

        names = area_selectors.addresses(own_households(user=user))
        households = [(pk, names.get(pk, label)) for pk, label in households]
    except (ImportError, AttributeError):
        pass
    form = WishForm(request.POST or None, households=households)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                need = need_services.wish_raise(actor=user, **form.cleaned_data)
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
                status = 422
            else:
                messages.success(request, _("Your wish is on the community's list."))
                return redirect("cobuilding:need-detail", need_id=need.pk)
        else:
            status = 422
    return render(request, "cobuilding/needs/wish_new.html", {
        "form": form, "households": households, "wishes": selectors.my_wishes(user=user)[:20]}, status=status)


@page_requires("cobuilding.view_list")
@scoped
def needs(request):
    state = request.GET.get("state", "")
    category = request.GET.get("category", "")
    urgency = request.GET.get("urgency", "")
    rows = selectors.needs_list(user=request.user, state=state, category=int(category) if category.isdigit() else None,
                                urgency=urgency, q=request.GET.get("q", ""))
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cobuilding/needs/needs.html", {
        "page": page, "state": state, "category": category, "urgency": urgency, "states": NeedState.choices,
        "categories": _categories(), "urgencies": Urgency.choices,
        "may_raise": can(request.user, "cobuilding.raise_need")})


@scoped
def claimable(request):
    rows = selectors.claimable(user=request.user)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cobuilding/needs/claimable.html", {
        "page": page, "reported": bool(selectors.claim_communities(user=request.user)),
        "claims": selectors.my_claims(user=request.user)[:50]})


def _detail(request, need, claim_form=None, status=200):
    user = request.user
    options = need_services.claimant_options(user=user, need=need)
    offered = {t.action for t in NEED_WORKFLOW.offered(user, need)}
    claimant = need_services.is_claimant(user, need)
    keeper = can(user, "cobuilding.keep_registrations", need.area)
    may_claim = "claim" in offered and bool(options["member"] or options["unit"])
    context = {
        "need": need, "claimant": claimant, "keeper": keeper,
        "may_claim": may_claim,
        "claim_form": claim_form or (ClaimForm(resources=selectors.claim_resources(user=user, need=need),
                                               units=bool(options["member"] and options["unit"])) if may_claim else None),
        "may_release": "release" in offered and (claimant or keeper),
        "may_complete": "complete" in offered and (claimant or keeper),
        "may_confirm": bool({"confirm", "dispute"} & offered) and need_services.may_confirm(user, need),
        "on_behalf": need_services.confirms_on_behalf(need),
        "may_change": need_services.may_change(user, need),
        "may_project": "to_project" in offered and can(user, "cobuilding.keep_projects", need.area),
        "may_withdraw": "withdraw" in offered and (need.raised_by_id == user.pk or can(user, "cobuilding.raise_need",
                                                                                     need.area)),
        "matches": matching.rank_resources(need=need, limit=10) if keeper and need.state == NeedState.OPEN else [],
        "note_form": NoteForm(),
    }
    return render(request, "cobuilding/needs/need_detail.html", context, status=status)


@scoped
def need_detail(request, need_id: int):
    return _detail(request, selectors.need_get(user=request.user, pk=need_id))


@scoped
def need_edit(request, need_id: int):
    need = selectors.need_get(user=request.user, pk=need_id)
    if not need_services.may_change(request.user, need):
        raise PermissionDenied
    initial = {"area": need.area_id, "category": need.category_id, "title": need.title, "description": need.description,
               "urgency": need.urgency, "beneficiaries": need.beneficiaries, "beneficiary_count": need.beneficiary_count}
    areas = _need_areas(request.user, need.area)
    form = NeedForm(request.POST or None, areas=areas, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                need_services.need_update(actor=request.user, need=need, **form.cleaned_data)
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The need was changed."))
                return redirect("cobuilding:need-detail", need_id=need.pk)
    return render(request, "cobuilding/needs/need_edit.html", {"form": form, "need": need}, status=status)


@require_POST
@scoped
def need_claim(request, need_id: int):
    need = need_services.need_for_claim(actor=request.user, pk=need_id)
    options = need_services.claimant_options(user=request.user, need=need)
    form = ClaimForm(request.POST, resources=selectors.claim_resources(user=request.user, need=need),
                     units=bool(options["member"] and options["unit"]))
    resource = request.POST.get("resource") or None
    try:
        need_services.need_claim(actor=request.user, need=need, resource=resource,
                                 amount=request.POST.get("amount") or None,
                                 as_unit=bool(request.POST.get("as_unit")))
    except DomainError as exc:
        _raise_not_found(exc)
        if exc.status in (403, 409) and not exc.fields:
            messages.error(request, exc.message)
            if exc.status == 409:
                return redirect("cobuilding:claimable")
            return redirect("cobuilding:need-detail", need_id=need.pk)
        form.is_valid()
        add_domain_errors(form, exc)
        return _detail(request, need, claim_form=form, status=422)
    messages.success(request, _("Claimed: it is yours to do."))
    return redirect("cobuilding:need-detail", need_id=need.pk)


def _act(service, done_message):
    @require_POST
    @scoped
    def view(request, need_id: int):
        need = selectors.need_get(user=request.user, pk=need_id)
        try:
            service(actor=request.user, need=need, note=request.POST.get("note", ""))
        except DomainError as exc:
            _raise_not_found(exc)
            messages.error(request, exc.message)
        else:
            messages.success(request, done_message())
        if selectors.needs_list(user=request.user).filter(pk=need.pk).exists():
            return redirect("cobuilding:need-detail", need_id=need.pk)
        return redirect("cobuilding:home")
    return view


need_release = _act(need_services.need_release, lambda: _("Given back: the need is open again."))
need_complete = _act(need_services.need_complete, lambda: _("Reported done: the beneficiary is asked to confirm."))
need_confirm = _act(need_services.need_confirm, lambda: _("Confirmed: thank you."))
need_dispute = _act(need_services.need_dispute, lambda: _("Sent back to the claimant."))
need_withdraw = _act(need_services.need_withdraw, lambda: _("Withdrawn."))


urlpatterns = [
    path("my-unit/", my_unit, name="my-unit"),
    path("units/", units, name="units"),
    path("units/register/", unit_register, name="unit-register"),
    path("units/<int:unit_report_id>/", unit_detail, name="unit-detail"),
    path("units/<int:unit_report_id>/edit/", unit_edit, name="unit-edit"),
    path("units/<int:unit_report_id>/end/", unit_end, name="unit-end"),
    path("units/<int:unit_report_id>/reveal/", unit_reveal, name="unit-reveal"),
    path("resources/", resources, name="resources"),
    path("resources/new/", resource_new, name="resource-new"),
    path("resources/<int:resource_id>/", resource_detail, name="resource-detail"),
    path("resources/<int:resource_id>/edit/", resource_edit, name="resource-edit"),
    path("resources/<int:resource_id>/withdraw/", resource_withdraw, name="resource-withdraw"),
    path("needs/", needs, name="needs"),
    path("needs/new/", need_new, name="need-new"),
    path("needs/wish/", wish_new, name="wish-new"),
    path("needs/claimable/", claimable, name="claimable"),
    path("needs/<int:need_id>/", need_detail, name="need-detail"),
    path("needs/<int:need_id>/edit/", need_edit, name="need-edit"),
    path("needs/<int:need_id>/claim/", need_claim, name="need-claim"),
    path("needs/<int:need_id>/release/", need_release, name="need-release"),
    path("needs/<int:need_id>/complete/", need_complete, name="need-complete"),
    path("needs/<int:need_id>/confirm/", need_confirm, name="need-confirm"),
    path("needs/<int:need_id>/dispute/", need_dispute, name="need-dispute"),
    path("needs/<int:need_id>/withdraw/", need_withdraw, name="need-withdraw"),
]
