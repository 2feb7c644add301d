"""The open books in the admin: the timing rules (data the district edits, written through the
service and audited); items, rectifications and fund entries read-only (they change through their
pages and the API). Lists are limited to the user's area scope (`core.admin_scope`)."""

from __future__ import annotations

from django.contrib import admin

from gongzhi.core import permissions
from gongzhi.core.admin_scope import ReadOnlyAdminMixin, ScopedAdminMixin, ServiceAdmin, ServiceFormMixin

from .models import FundEntry, Item, Rectification, TimingRule
from .services import rules


class TimingRuleForm(ServiceFormMixin):
    class Meta:
        model = TimingRule
        fields = ["district", "timing", "working_days", "working_hours", "cadence", "periods_ahead", "remind_days",
                  "description"]

    def check(self, actor) -> None:
        permissions.require(actor, "disclosure.manage_rules", self.cleaned_data.get("district"))


@admin.register(TimingRule)
class TimingRuleAdmin(ServiceAdmin):
    form = TimingRuleForm
    list_display = ("timing", "district", "working_days", "working_hours", "cadence", "remind_days")
    list_filter = ("timing",)

    def _may(self, request, obj=None) -> bool:
        user = request.user
        return bool(user.is_active and (user.is_superuser or user.is_staff)
                    and permissions.can(user, "disclosure.manage_rules", obj.district if obj else None))

    def has_module_permission(self, request):
        return self._may(request)

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_add_permission(self, request):
        return self._may(request)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj)

    def service_save(self, *, request, obj, form, change):
        d = form.cleaned_data
        return rules.timing_rule_save(actor=request.user, district=d["district"], timing=d["timing"],
                                      working_days=d["working_days"], working_hours=d["working_hours"],
                                      cadence=d.get("cadence") or "", periods_ahead=d["periods_ahead"],
                                      remind_days=d["remind_days"], description=d.get("description") or "",
                                      rule=obj if change else None)

    def service_delete(self, *, request, obj):
        rules.timing_rule_delete(actor=request.user, rule=obj)


class ReadOnlyScoped(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    pass


@admin.register(Item)
class ItemAdmin(ReadOnlyScoped):
    list_display = ("title", "community", "kind", "timing", "state", "due_at", "published_at", "is_late", "version")
    list_filter = ("kind", "timing", "state", "is_late")
    search_fields = ("title",)


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyScoped):
    list_display = ("title", "community", "owner", "deadline", "state")
    list_filter = ("state",)


@admin.register(FundEntry)
class FundEntryAdmin(ReadOnlyScoped):
    list_display = ("account", "kind", "amount", "occurred_on", "purpose", "balance_after")
    list_filter = ("kind",)



