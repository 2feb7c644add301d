"""A dashboard table as .xlsx (the "export" under each chart): scoped like the page, audited."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import path

from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.xlsx import CONTENT_TYPE

from .. import selectors
from ..exports import table_workbook
from ..periods import parse_month
from ..services.exports import record_table_export


@login_required
def table_export(request, pk: int, key: str):
    try:
        node = selectors.dashboard_node(user=request.user, pk=pk)
        month = parse_month(request.GET.get("month"))
        table = selectors.overview(user=request.user, node=node, month=month).table(key)
    except (NotFound, InvalidInput) as exc:
        raise Http404 from exc
    content = table_workbook(table, node=node, month=month)
    record_table_export(actor=request.user, node=node, month=month, key=key, rows=len(table.rows))
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="dashboard-{node.code}-{month.key}-{key}.xlsx"'
    return response


urlpatterns = [path("<int:pk>/tables/<slug:key>.xlsx", table_export, name="table-export")]
