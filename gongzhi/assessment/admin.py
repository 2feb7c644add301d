"""The assessment in the admin: read-only and scoped (rules and formulas change through their
services — the API and pages — so that a change is always a new rule from a date; months and lines
are computed, never edited by hand). Outside the scope is 404 (`core.admin_scope`)."""

from django.contrib import admin

from gongzhi.core.admin_scope import ReadOnlyAdminMixin, ScopedAdminMixin

from .models import Appeal, Correction, PayFormula, ScoreLine, ScoreRule, WorkerMonth


class ViewAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    pass


@admin.register(ScoreRule)
class ScoreRuleAdmin(ViewAdmin):
    list_display = ("kind", "label", "points", "area", "valid_from", "valid_until")
    list_filter = ("kind",)
    search_fields = ("kind", "label")


@admin.register(PayFormula)
class PayFormulaAdmin(ViewAdmin):
    list_display = ("area", "valid_from", "valid_until", "base", "per_point", "floor", "cap")


@admin.register(WorkerMonth)
class WorkerMonthAdmin(ViewAdmin):
    list_display = ("worker", "month", "area", "total", "earned", "deducted", "pay", "state")
    list_filter = ("state", "month")
    list_select_related = ("worker", "area")
    raw_id_fields = ("worker", "area", "formula", "closed_by")
    show_full_result_count = False


@admin.register(ScoreLine)
class ScoreLineAdmin(ViewAdmin):
    list_display = ("worker_month", "kind", "points", "source", "occurred_at", "origin")
    list_filter = ("origin",)
    list_select_related = ("worker_month", "worker_month__worker")
    raw_id_fields = ("worker_month", "rule", "approved_by", "corrects")
    show_full_result_count = False


@admin.register(Appeal)
class AppealAdmin(ViewAdmin):
    list_display = ("line", "worker", "state", "area", "created_at", "decided_at")
    list_filter = ("state",)
    raw_id_fields = ("line", "worker", "area", "decided_by")


@admin.register(Correction)
class CorrectionAdmin(ViewAdmin):
    list_display = ("worker_month", "points", "state", "requested_by", "decided_by", "created_at")
    list_filter = ("state",)
    raw_id_fields = ("worker_month", "corrects", "requested_by", "decided_by", "line")
