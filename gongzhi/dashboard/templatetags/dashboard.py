"""`{{ row|cell:column }}`: a table cell as people read it (a rate as a percentage, hours with one
decimal, a dash for nothing)."""

from django import template

from ..formatting import cell_text, kind_of

register = template.Library()


@register.filter
def cell(row: dict, column: dict) -> str:
    return cell_text(row.get(column["key"]), kind_of(row, column))
