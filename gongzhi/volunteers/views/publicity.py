"""Pages of the monthly points publicity (积分公示, for 民情日): the staff page with its area and
month pickers, the print view, the .xlsx, publishing; and the public page of a community's
published month (no sign-in; names only of volunteers who allowed it)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongzhi.core import audit, xlsx
from gongzhi.core.errors import DomainError, InvalidInput
from gongzhi.core.permissions import page_requires
from gongzhi.core.permissions import scoped_page as scoped

from ..selectors import ledger as ledger_selectors
from ..selectors import publicity as selectors
from ..services import publicity as services


def _chosen(request):
    area = ledger_selectors.area_for(user=request.user, area_id=request.GET.get("area") or request.POST.get("area"))
    error = ""
    try:
        month = selectors.month_from(request.GET.get("month") or request.POST.get("month"))
    except InvalidInput as exc:
        error, month = exc.message, selectors.month_from("")
    return area, month, error


def _context(request, template_extra=None):
    area, month, error = _chosen(request)
    publicity = selectors.publicity_for(user=request.user, area=area, month=month)
    public_url = ""
    if publicity.published is not None and area.kind == "community":
        public_url = reverse("volunteers:public-points",
                             kwargs={"community_code": area.code, "publicity_month": f"{month:%Y-%m}"})
    return {"p": publicity, "area": area, "month": month, "month_error": error,
            "areas": ledger_selectors.scope_areas(user=request.user), "months": selectors.recent_months(),
            "public_url": public_url, **(template_extra or {})}


@page_requires("points.view_ledger")
@scoped
def publicity(request):
    context = _context(request)
    context["published_list"] = selectors.published_list(user=request.user, area=context["area"])
    return render(request, "volunteers/publicity/month.html", context, status=422 if context["month_error"] else 200)


@page_requires("points.view_ledger")
@scoped
def publicity_print(request):
    return render(request, "volunteers/publicity/print.html", _context(request))


@page_requires("points.view_ledger")
@scoped
def publicity_export(request):
    area, month, error = _chosen(request)
    if error:
        raise Http404
    p = selectors.publicity_for(user=request.user, area=area, month=month)
    columns = [xlsx.Column(_("Volunteer number"), 14), xlsx.Column(_("Name"), 12), xlsx.Column(_("Area"), 16),
               xlsx.Column(_("Balance at the start"), 10, xlsx.INTEGER), xlsx.Column(_("Earned"), 10, xlsx.INTEGER),
               xlsx.Column(_("Deducted"), 10, xlsx.INTEGER), xlsx.Column(_("Spent"), 10, xlsx.INTEGER),
               xlsx.Column(_("Balance at the end"), 10, xlsx.INTEGER)]
    rows = [[line["number"], line["name"], line["area"], line["opening"], line["earned"], line["deducted"],
             line["spent"], line["closing"]] for line in p.lines]
    rows.append(["", _("Total"), "", p.totals["opening"], p.totals["earned"], p.totals["deducted"], p.totals["spent"],
                 p.totals["closing"]])
    content = xlsx.write_table(name=_("Points publicity"), title=_("Monthly points publicity"), scope=area.name,
                               period=f"{month:%Y-%m}", columns=columns, rows=rows)
    audit.record(actor=request.user, action="volunteers.publicity.export", obj=area,
                 after={"month": f"{month:%Y-%m}", "lines": len(p.lines)})
    response = HttpResponse(content, content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="points-{area.code}-{month:%Y-%m}.xlsx"'
    return response


@require_POST
@page_requires("volunteers.publish")
@scoped
def publicity_publish(request):
    area, month, error = _chosen(request)
    if error:
        messages.error(request, error)
    else:
        try:
            _row, written = services.publicity_publish(actor=request.user, area=area, month=month)
        except DomainError as exc:
            if exc.status == 404:
                raise
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Published.") if written else _("Already published: the ledger has not changed."))
    return redirect(f"{reverse('volunteers:publicity')}?area={area.pk}&month={month:%Y-%m}")


@require_GET
def public_points(request, community_code: str, publicity_month: str):
    found = selectors.public_publicity(community_code=community_code, month_text=publicity_month)
    if found is None:
        raise Http404
    community, row, lines = found
    return render(request, "volunteers/publicity/public.html", {
        "community": community, "publicity": row, "lines": lines, "totals": selectors.totals_of(
            [{**line, "entries": 0} for line in lines]),
        "months": selectors.public_months(community=community),
    })


urlpatterns = [
    path("publicity/", publicity, name="publicity"),
    path("publicity/print/", publicity_print, name="publicity-print"),
    path("publicity.xlsx", publicity_export, name="publicity-export"),
    path("publicity/publish/", publicity_publish, name="publicity-publish"),
    path("public/<str:community_code>/points/<str:publicity_month>/", public_points, name="public-points"),
]
