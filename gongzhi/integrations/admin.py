"""Admin for API keys (issued here, the key shown once), camera sources (the signing secret shown
once), cameras, alert types and the duty roster — every write through `services` (audited), every
list the model's `visible_to(user)`, who may look and change asked of the permission gate (see
permissions.py). Alerts, incidents, Open311 submissions and key usage are read-only."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.selectors import users_visible
from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.cases.models import Category, Channel
from gongzhi.core.admin_scope import ScopedAdminMixin, ServiceAdmin, ServiceFormMixin
from gongzhi.core.errors import DomainError
from gongzhi.core.permissions import can

from . import selectors, services
from .models import (
    ApiKey,
    ApiKeyUsage,
    Camera,
    CameraEvent,
    CameraEventType,
    CameraIncident,
    CameraSource,
    DutyShift,
    Open311Submission,
)


class GateAdminMixin:
    """Who may use each admin: the permission gate's answer for `view_action` and `edit_action`
    (the role table in accounts does not list this app); which rows: the model's `visible_to`."""

    # Vendors' snapshot and media links are https; say so instead of Django 5's http default.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    view_action = ""
    edit_action = ""
    change_action = ""  # when changing is a separate action from adding

    def get_queryset(self, request):
        qs = self.model._default_manager.get_queryset()
        ordering = self.get_ordering(request)
        if ordering:
            qs = qs.order_by(*ordering)
        return qs.visible_to(request.user)

    def has_module_permission(self, request):
        return can(request.user, self.view_action)

    def has_view_permission(self, request, obj=None):
        return can(request.user, self.view_action)

    def has_add_permission(self, request):
        return can(request.user, self.edit_action)

    def has_change_permission(self, request, obj=None):
        return can(request.user, self.change_action or self.edit_action)

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyMixin(GateAdminMixin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _show_secret_once(request, *, title, label, secret, obj, back_url):
    return TemplateResponse(
        request,
        "admin/integrations/secret_once.html",
        {"title": title, "label": label, "secret": secret, "object": obj, "back_url": back_url,
         "site_header": admin.site.site_header, "has_permission": True},
    )


# ---------------------------------------------------------------------------------------------
# API keys


class ApiKeyForm(ServiceFormMixin):
    channels = forms.MultipleChoiceField(
        label=_("allowed channels"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple,
        initial=["online"],
    )

    class Meta:
        model = ApiKey
        fields = ["name", "area", "channels", "rate_limit", "note"]

    def check(self, actor):
        data = self.cleaned_data
        key = ApiKey(
            pk=self.instance.pk, name=data.get("name", ""), area=data.get("area"),
            channels=list(data.get("channels") or []), rate_limit=data.get("rate_limit") or 0,
            note=data.get("note", ""), prefix="-", key_hash=f"check-{self.instance.pk}",
        )
        key._state.adding = self.instance.pk is None
        services.apikey_check(actor=actor, key=key)


@admin.register(ApiKey)
class ApiKeyAdmin(GateAdminMixin, ServiceAdmin):
    form = ApiKeyForm
    view_action = "integrations.apikey_list"
    edit_action = "integrations.apikey_create"
    change_action = "integrations.apikey_update"
    list_display = ["name", "prefix", "area", "channels", "rate_limit", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke_keys"]

    def get_fields(self, request, obj=None):
        fields = ["name", "area", "channels", "rate_limit", "note"]
        return fields + (self.readonly_fields if obj else [])

    def service_save(self, *, request, obj, form, change):
        data = form.cleaned_data
        values = {"name": data["name"], "area": data.get("area"), "channels": list(data["channels"]),
                  "rate_limit": data["rate_limit"], "note": data.get("note", "")}
        if change:
            return services.apikey_update(actor=request.user, key=obj, **values)
        key, raw = services.apikey_create(actor=request.user, **values)
        request._integrations_secret = raw
        return key

    def service_delete(self, *, request, obj):  # pragma: no cover - deletion is not offered
        services.apikey_revoke(actor=request.user, key=obj)

    def response_add(self, request, obj, post_url_continue=None):
        raw = getattr(request, "_integrations_secret", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        return _show_secret_once(
            request, title=_("API key issued"), label=_("API key"), secret=raw, obj=obj,
            back_url="../",
        )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke_keys(self, request, queryset):
        for key in queryset:
            try:
                services.apikey_revoke(actor=request.user, key=key)
            except DomainError as exc:
                self.message_user(request, f"{key}: {exc.message}", level=messages.ERROR)
        self.message_user(request, _("The selected keys are revoked."))


@admin.register(ApiKeyUsage)
class ApiKeyUsageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    view_action = "integrations.apikey_list"
    list_display = ["key", "hour", "endpoint", "count", "refused", "last_at", "last_ip", "last_request_id"]
    list_filter = ["endpoint"]
    search_fields = ["key__name", "key__prefix", "last_request_id"]
    date_hierarchy = "hour"


@admin.register(Open311Submission)
class Open311SubmissionAdmin(ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    view_action = "integrations.apikey_list"
    list_display = ["case", "api_key", "account_id", "created_at"]
    search_fields = ["token", "account_id", "api_key__name"]
    exclude = ["email"]


# ---------------------------------------------------------------------------------------------
# Camera sources, cameras, alert types


class CameraSourceForm(ServiceFormMixin):
    class Meta:
        model = CameraSource
        fields = ["code", "name", "timestamp_window", "is_active", "note"]

    def check(self, actor):
        services.camera_source_check(actor=actor)


@admin.register(CameraSource)
class CameraSourceAdmin(GateAdminMixin, admin.ModelAdmin):
    form = CameraSourceForm
    view_action = "integrations.camera_source_view"
    edit_action = "integrations.camera_source_edit"
    list_display = ["code", "name", "timestamp_window", "is_active", "created_at"]
    actions = ["rotate_secret"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def get_readonly_fields(self, request, obj=None):
        return ["code", "created_at"] if obj else []

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = services.camera_source_update(
                actor=request.user, source=obj, name=data["name"], timestamp_window=data["timestamp_window"],
                is_active=data.get("is_active", True), note=data.get("note", ""),
            )
        else:
            saved, secret = services.camera_source_create(
                actor=request.user, code=data["code"], name=data["name"],
                timestamp_window=data["timestamp_window"], note=data.get("note", ""),
            )
            request._integrations_secret = secret
        obj.pk = saved.pk

    def response_add(self, request, obj, post_url_continue=None):
        secret = getattr(request, "_integrations_secret", None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        return _show_secret_once(
            request, title=_("Camera source registered"), label=_("Signing secret"), secret=secret, obj=obj,
            back_url="../",
        )

    @admin.action(description=_("Give the selected source a new signing secret"))
    def rotate_secret(self, request, queryset):
        source = queryset.first()
        if source is None or queryset.count() != 1:
            self.message_user(request, _("Choose exactly one source."), level=messages.ERROR)
            return None
        source, secret = services.camera_source_rotate_secret(actor=request.user, source=source)
        return _show_secret_once(
            request, title=_("New signing secret"), label=_("Signing secret"), secret=secret, obj=source,
            back_url="",
        )


class CameraForm(ServiceFormMixin):
    class Meta:
        model = Camera
        fields = ["source", "code", "name", "area", "latitude", "longitude", "is_active"]

    def check(self, actor):
        services.camera_check(actor=actor, area=self.cleaned_data.get("area"))


@admin.register(Camera)
class CameraAdmin(GateAdminMixin, ServiceAdmin):
    form = CameraForm
    view_action = "integrations.camera_view"
    edit_action = "integrations.camera_edit"
    list_display = ["code", "name", "source", "area", "is_active"]
    list_filter = ["source", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["source", "area"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "area":
            kwargs["queryset"] = AreaNode.objects.visible_to(request.user).filter(
                kind__in=[AreaKind.BUILDING, AreaKind.GRID], is_active=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def service_save(self, *, request, obj, form, change):
        data = form.cleaned_data
        return services.camera_save(
            actor=request.user, camera=obj if change else None, source=data["source"], code=data["code"],
            name=data["name"], area=data["area"], latitude=data.get("latitude"), longitude=data.get("longitude"),
            is_active=data.get("is_active", True),
        )

    def service_delete(self, *, request, obj):  # pragma: no cover - deletion is not offered
        raise NotImplementedError


class CameraEventTypeForm(ServiceFormMixin):
    class Meta:
        model = CameraEventType
        fields = ["code", "name", "category", "fold_minutes", "min_confidence", "is_active"]

    def check(self, actor):
        services.camera_event_type_check(actor=actor)


@admin.register(CameraEventType)
class CameraEventTypeAdmin(GateAdminMixin, admin.ModelAdmin):
    form = CameraEventTypeForm
    view_action = "integrations.camera_type_view"
    edit_action = "integrations.camera_type_edit"
    list_display = ["code", "name", "category", "fold_minutes", "min_confidence", "is_active"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":
            kwargs["queryset"] = Category.objects.filter(parent__isnull=False, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.camera_event_type_save(
            actor=request.user, event_type=obj if change else None, code=data["code"], name=data["name"],
            category=data["category"], fold_minutes=data["fold_minutes"], min_confidence=data["min_confidence"],
            is_active=data.get("is_active", True),
        )
        obj.pk = saved.pk


@admin.register(CameraEvent)
class CameraEventAdmin(ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    view_action = "integrations.camera_event_view"
    list_display = ["event_id", "camera", "event_type", "confidence", "occurred_at", "outcome", "case"]
    list_filter = ["outcome", "event_type", "source"]
    search_fields = ["event_id", "camera__code"]
    date_hierarchy = "occurred_at"
    list_select_related = ["camera", "event_type", "case"]
    # The stored file would show as a link to MEDIA_URL, which is not served: link the scoped view.
    exclude = ["snapshot"]
    readonly_fields = ["snapshot_link"]

    @admin.display(description=_("snapshot"))
    def snapshot_link(self, obj):
        if not obj.snapshot:
            return "-"
        return format_html('<a href="{}">{}</a>', reverse("integrations:camera-snapshot", args=[obj.pk]),
                           _("snapshot"))


@admin.register(CameraIncident)
class CameraIncidentAdmin(ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    view_action = "integrations.camera_event_view"
    list_display = ["case", "camera", "event_type", "alert_count", "first_alert_at", "last_alert_at"]
    list_filter = ["event_type"]
    list_select_related = ["camera", "event_type", "case"]


# ---------------------------------------------------------------------------------------------
# Duty roster


class DutyShiftForm(ServiceFormMixin):
    class Meta:
        model = DutyShift
        fields = ["grid", "user", "start", "end", "note"]

    def check(self, actor):
        data = self.cleaned_data
        services.duty_shift_check(
            actor=actor, grid=data.get("grid"), user=data.get("user"), start=data.get("start"), end=data.get("end")
        )


@admin.register(DutyShift)
class DutyShiftAdmin(GateAdminMixin, ServiceAdmin):
    form = DutyShiftForm
    view_action = "integrations.duty_view"
    edit_action = "integrations.duty_edit"
    list_display = ["grid", "user", "start", "end", "note"]
    list_filter = ["grid"]
    date_hierarchy = "start"
    list_select_related = ["grid", "user"]

    def has_delete_permission(self, request, obj=None):
        return can(request.user, self.edit_action)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "grid":
            kwargs["queryset"] = AreaNode.objects.visible_to(request.user).filter(kind=AreaKind.GRID, is_active=True)
        if db_field.name == "user":
            kwargs["queryset"] = selectors.duty_workers() & users_visible(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def service_save(self, *, request, obj, form, change):
        data = form.cleaned_data
        return services.duty_shift_save(
            actor=request.user, shift=obj if change else None, grid=data["grid"], user=data["user"],
            start=data["start"], end=data["end"], note=data.get("note", ""),
        )

    def service_delete(self, *, request, obj):
        services.duty_shift_delete(actor=request.user, shift=obj)
