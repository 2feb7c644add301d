"""Admin for the working-day calendar (edits go through the services, so they are audited and take
effect at once) and a strictly read-only, area-scoped view of the audit log."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import services
from .calendar_data import holiday_name
from .models import AuditEvent, CalendarDay, CalendarYear
from .selectors import can_see_history


def _is_staff(user) -> bool:
    return bool(user.is_active and user.is_staff)


class CalendarAdminMixin:
    """Any staff member may look at the calendar; district administrators and superusers edit it."""

    def has_module_permission(self, request):
        return _is_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return _is_staff(request.user)

    def has_add_permission(self, request):
        return _is_staff(request.user) and services.can_edit_calendar(request.user)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request)


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]

    def clean(self):
        data = super().clean()
        for field, messages in services.calendar_day_errors(
            date=data.get("date"), kind=data.get("kind")
        ).items():
            for message in messages:
                self.add_error(field, message)
        return data


def _adopt(obj, saved) -> None:
    """Let the admin go on with the instance the service saved (for its log entry and redirect)."""
    obj.pk = saved.pk
    obj._state.adding = False
    obj._state.db = saved._state.db


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarAdminMixin, admin.ModelAdmin):
    form = CalendarDayForm
    list_display = ("date", "weekday", "kind", "shown_name")
    list_filter = ("kind",)
    search_fields = ("name",)
    date_hierarchy = "date"
    ordering = ("-date",)

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, obj):
        return date_format(obj.date, "l")

    @admin.display(description=_("name"), ordering="name")
    def shown_name(self, obj):
        return holiday_name(obj.name)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and holiday_name(obj.name) != obj.name:
            obj.name = holiday_name(obj.name)  # shown (and saved, when saved) in Chinese
        return form

    def save_model(self, request, obj, form, change):
        saved = services.calendar_day_save(
            actor=request.user, date=obj.date, kind=obj.kind, name=obj.name, day=obj if change else None
        )
        _adopt(obj, saved)

    def delete_model(self, request, obj):
        services.calendar_day_delete(actor=request.user, day=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for day in queryset:
                services.calendar_day_delete(actor=request.user, day=day)


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarAdminMixin, admin.ModelAdmin):
    list_display = ("year", "source")
    search_fields = ("year", "source")
    ordering = ("-year",)

    def save_model(self, request, obj, form, change):
        saved = services.calendar_year_save(
            actor=request.user, year=obj.year, source=obj.source, calendar_year=obj if change else None
        )
        _adopt(obj, saved)

    def delete_model(self, request, obj):
        services.calendar_year_delete(actor=request.user, calendar_year=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for year in queryset:
                services.calendar_year_delete(actor=request.user, calendar_year=year)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log, read-only for everyone (the table refuses changes anyway)."""

    list_display = ("created_at", "actor_label", "action", "object_repr", "source", "ip", "request_id")
    list_filter = ("action", "source", ("created_at", admin.DateFieldListFilter))
    search_fields = ("object_repr", "object_id", "actor_label", "actor__username", "request_id")
    list_select_related = ("actor", "content_type")
    show_full_result_count = False
    actions = None
    fields = (
        "created_at",
        "actor",
        "actor_label",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "area_path",
        "before_pretty",
        "after_pretty",
        "note",
        "source",
        "request_id",
        "ip",
    )
    readonly_fields = fields

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        user = request.user
        return _is_staff(user) and (user.is_superuser or can_see_history(user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    @staticmethod
    def _pretty(value):
        if value is None:
            return "—"
        return format_html("<pre>{}</pre>", json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True))

    @admin.display(description=_("before"))
    def before_pretty(self, obj):
        return self._pretty(obj.before)

    @admin.display(description=_("after"))
    def after_pretty(self, obj):
        return self._pretty(obj.after)


admin.site.site_header = _("gongzhi · master data")
admin.site.site_title = _("gongzhi master data")
admin.site.index_title = _("Master data")
