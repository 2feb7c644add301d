"""The community's yearly civility bonus (compute, look, approve, .xlsx) and the household stars
(propose from the points, the committee's final stars with a reason where they differ)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.areas.selectors import addresses
from gongzhi.core.errors import DomainError
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can
from gongzhi.core.permissions import scoped_page as scoped
from gongzhi.core.xlsx import CONTENT_TYPE

from ..selectors import points as selectors
from ..services import bonus as services
from ..services import stars as star_services


class YearForm(forms.Form):
    community = forms.TypedChoiceField(label=gettext_lazy("Community"), coerce=int)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(c.pk, c.name) for c in communities]


class ReviewForm(forms.Form):
    final = forms.TypedChoiceField(label=gettext_lazy("Final stars"), coerce=int,
                                   choices=[(n, "★" * n or "—") for n in range(6)])
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)


def _raise_not_found(exc: DomainError) -> None:
    if exc.status == 404:
        raise exc


@scoped
def bonus_list(request):
    runs = list(selectors.bonus_runs(user=request.user)[:100])
    communities = list(selectors.communities_visible(user=request.user)[:50])
    may_compute = can(request.user, "civility.compute")
    year = timezone.localdate().year - 1
    form = YearForm(request.POST or None, communities=communities,
                    initial={"year": year, "community": communities[0].pk if communities else None})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                run = services.bonus_compute(actor=request.user, community=form.cleaned_data["community"],
                                             year=form.cleaned_data["year"])
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The bonus is computed: %(n)d households, %(total)s yuan.")
                                 % {"n": run.households, "total": run.total})
                return redirect("civility:bonus-detail", run_id=run.pk)
    return render(request, "civility/bonus_list.html", {"runs": runs, "form": form if may_compute else None},
                  status=status)


@scoped
def bonus_detail(request, run_id: int):
    run = selectors.bonus_get(user=request.user, pk=run_id)
    lines = list(run.lines.select_related("household").order_by("household__path"))
    places = addresses([line.household for line in lines], short=True)
    return render(request, "civility/bonus_detail.html", {
        "run": run, "lines": [{"line": line, "address": places.get(line.household_id, "")} for line in lines],
        "may_approve": run.state == "draft" and can(request.user, "civility.decide", run),
        "may_recompute": run.state == "draft" and can(request.user, "civility.compute", run),
        "may_export": can(request.user, "civility.export", run),
    })


@require_POST
@scoped
def bonus_approve(request, run_id: int):
    run = selectors.bonus_get(user=request.user, pk=run_id)
    try:
        services.bonus_approve(actor=request.user, run=run)
    except DomainError as exc:
        _raise_not_found(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The bonus is approved and frozen."))
    return redirect("civility:bonus-detail", run_id=run.pk)


@require_POST
@scoped
def bonus_recompute(request, run_id: int):
    run = selectors.bonus_get(user=request.user, pk=run_id)
    try:
        services.bonus_compute(actor=request.user, community=run.community, year=run.year)
    except DomainError as exc:
        _raise_not_found(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The bonus is computed again from the year's points."))
    return redirect("civility:bonus-detail", run_id=run.pk)


@scoped
def bonus_export(request, run_id: int):
    run = selectors.bonus_get(user=request.user, pk=run_id)
    content = services.bonus_export(actor=request.user, run=run)
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="civility-bonus-{run.community.code}-{run.year}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


@scoped
def stars(request):
    communities = list(selectors.communities_visible(user=request.user)[:50])
    raw_community, raw_year = request.GET.get("community", ""), request.GET.get("year", "")
    this_year = timezone.localdate().year
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= this_year else this_year - 1
    community = None
    if raw_community.isdigit() and len(raw_community) < 18:
        community = selectors.community_get(user=request.user, pk=int(raw_community))
    elif communities:
        community = communities[0]
    form = YearForm(request.POST or None, communities=communities,
                    initial={"year": year, "community": community.pk if community else None})
    status = 200
    if request.method == "POST" and can(request.user, "civility.compute"):
        status = 422
        if form.is_valid():
            try:
                made = star_services.stars_propose(actor=request.user, community=form.cleaned_data["community"],
                                                   year=form.cleaned_data["year"])
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("%(n)d households' stars proposed from their points.") % {"n": made})
                return redirect(f"{request.path}?community={form.cleaned_data['community']}&year={form.cleaned_data['year']}")
    rows = selectors.stars_of(user=request.user, community=community, year=year) if community else []
    places = addresses([r.household for r in rows], short=True)
    return render(request, "civility/stars.html", {
        "community": community, "year": year, "form": form if can(request.user, "civility.compute") else None,
        "rows": [{"star": r, "address": places.get(r.household_id, ""),
                  "form": ReviewForm(prefix=f"s{r.pk}", initial={"final": r.final if r.final is not None else r.proposed,
                                                                  "reason": r.reason})}
                 for r in rows],
        "may_decide": community is not None and can(request.user, "civility.decide", community),
    }, status=status)


@require_POST
@scoped
def star_review(request, star_id: int):
    row = selectors.star_get(user=request.user, pk=star_id)
    form = ReviewForm(request.POST, prefix=f"s{row.pk}")
    community = selectors.community_of(row.household)
    back = f"{redirect('civility:stars').url}?community={community.pk if community else ''}&year={row.year}"
    if form.is_valid():
        try:
            star_services.stars_review(actor=request.user, star=row, final=form.cleaned_data["final"],
                                       reason=form.cleaned_data["reason"])
        except DomainError as exc:
            _raise_not_found(exc)
            messages.error(request, " ".join(m for ms in exc.fields.values() for m in ms) or exc.message)
            return redirect(back)
        messages.success(request, _("The final stars are set."))
    else:
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    return redirect(back)


urlpatterns = [
    path("bonus/", bonus_list, name="bonus"),
    path("bonus/<int:run_id>/", bonus_detail, name="bonus-detail"),
    path("bonus/<int:run_id>/approve/", bonus_approve, name="bonus-approve"),
    path("bonus/<int:run_id>/recompute/", bonus_recompute, name="bonus-recompute"),
    path("bonus/<int:run_id>/export/", bonus_export, name="bonus-export"),
    path("stars/", stars, name="stars"),
    path("stars/<int:star_id>/review/", star_review, name="star-review"),
]
