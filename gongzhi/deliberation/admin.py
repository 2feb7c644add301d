"""The deliberation app in the admin: the district declares its paths (with their steps inline) and
its proposal rules as data, through the services (audited). A district admin sees and edits only
the paths and rules of their own district; outside it the objects are 404 (`core.admin_scope`).
Topics are read-only here: they move through their pages and the API."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import permissions, scope
from gongzhi.core.admin_scope import ReadOnlyAdminMixin, ScopedAdminMixin, ServiceFormMixin
from gongzhi.core.errors import DomainError

from .models import Path, PathStep, ProposalRule, Topic
from .services import paths as services


def _declares(user) -> bool:
    return bool(user.is_active and (user.is_superuser or user.is_staff)
                and permissions.can(user, "deliberation.manage_paths"))


class DistrictAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Scoped to the user's district(s) (the district field); who may look and change is the gate's
    answer ("deliberation.manage_paths" for the object's district); writes go through the services."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return scope.restrict(qs, request.user, field="district")

    def has_module_permission(self, request):
        return _declares(request.user)

    def has_view_permission(self, request, obj=None):
        return _declares(request.user)

    def has_add_permission(self, request):
        return _declares(request.user)

    def has_change_permission(self, request, obj=None):
        return _declares(request.user) and (
            obj is None or permissions.can(request.user, "deliberation.manage_paths", obj.district))

    def has_delete_permission(self, request, obj=None):
        return False  # a path in use stays; the district makes it inactive

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district":
            kwargs["queryset"] = AreaNode.objects.visible_to(request.user).filter(
                kind=AreaKind.DISTRICT).order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PathForm(ServiceFormMixin):
    class Meta:
        model = Path
        fields = ["district", "key", "name", "description", "scope_kinds", "is_default", "is_active"]
        help_texts = {"scope_kinds": _("Comma-separated: building, estate, grid, community (empty: all).")}

    def check(self, actor) -> None:
        district = self.cleaned_data.get("district")
        if district is None:
            return
        probe = Path(district=district, scope_kinds=self.cleaned_data.get("scope_kinds") or "")
        services.path_check(actor=actor, path=probe)


class PathStepFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        positions = [f.cleaned_data["position"] for f in self.forms
                     if f.cleaned_data and not f.cleaned_data.get("DELETE") and "position" in f.cleaned_data]
        try:
            services.path_steps_check(path=self.instance, positions=positions)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc


class PathStepInline(admin.TabularInline):
    model = PathStep
    formset = PathStepFormSet
    extra = 0
    can_delete = False
    fields = ["position", "name", "actor", "output", "time_limit_days", "may_send_back", "may_drop", "instructions"]
    ordering = ["position"]

    def has_add_permission(self, request, obj=None):
        return _declares(request.user) and (
            obj is None or permissions.can(request.user, "deliberation.manage_paths", obj.district))

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return _declares(request.user)


@admin.register(Path)
class PathAdmin(DistrictAdmin):
    form = PathForm
    inlines = [PathStepInline]
    list_display = ["name", "key", "district", "scope_kinds", "is_default", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "key"]

    def save_model(self, request, obj, form, change):
        services.path_save(actor=request.user, path=obj)

    def save_formset(self, request, form, formset, change):
        steps = formset.save(commit=False)
        services.path_steps_save(actor=request.user, path=form.instance, steps=steps)


class ProposalRuleForm(ServiceFormMixin):
    class Meta:
        model = ProposalRule
        fields = ["district", "scope_kind", "signatures_needed", "collect_days"]

    def check(self, actor) -> None:
        district = self.cleaned_data.get("district")
        if district is not None:
            permissions.require(actor, "deliberation.manage_paths", district)


@admin.register(ProposalRule)
class ProposalRuleAdmin(DistrictAdmin):
    form = ProposalRuleForm
    list_display = ["district", "scope_kind", "signatures_needed", "collect_days"]

    def save_model(self, request, obj, form, change):
        services.proposal_rule_save(actor=request.user, rule=obj)


@admin.register(Topic)
class TopicAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "area", "scope_kind", "group", "source", "state", "created_at"]
    list_filter = ["state", "group", "scope_kind", "source"]
    search_fields = ["title"]
    readonly_fields = [f.name for f in Topic._meta.fields]
