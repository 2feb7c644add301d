"""Admin building blocks shared by every app: querysets limited to the user's area scope, 404 for
objects outside it, foreign-key choices limited the same way, and writes routed through services
with their validation shown on the form."""

from django import forms
from django.contrib import admin, messages
from django.http import Http404

from . import visibility
from .errors import DomainError


def visible(queryset, user):
    """The model's one visibility rule (`visible_to`); a scoped model without one is an error."""
    return visibility.visible(queryset, user)


def _scoped(model) -> bool:
    return getattr(model, "area_scope_field", None) is not None


class ScopedAdminMixin:
    """For models with a visibility rule (`Model.objects.visible_to`) or an `area_scope_field`."""

    def get_queryset(self, request):
        return visible(super().get_queryset(request), request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Outside the scope and absent look the same: no hint that the object exists.
            raise Http404
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if _scoped(related) and "queryset" not in kwargs:
            kwargs["queryset"] = visible(related._default_manager.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if _scoped(related) and "queryset" not in kwargs:
            kwargs["queryset"] = visible(related._default_manager.all(), request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ReadOnlyAdminMixin:
    """Staff may look, nobody may add, change or delete: for records that change only through their
    services (pages and API). Works for model admins and inlines alike."""

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceFormMixin(forms.ModelForm):
    """A form whose clean() asks the service to validate (dry run) and shows its errors per field.

    Subclasses implement `check(actor)` raising DomainError; the admin's save_model then calls the
    real service, which validates again inside its transaction."""

    actor = None

    def check(self, actor) -> None:  # pragma: no cover - overridden
        return None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.check(self.actor)
        except DomainError as exc:
            placed = False
            for field, problems in exc.fields.items():
                if field in self.fields:
                    for problem in problems:
                        self.add_error(field, problem)
                    placed = True
            if not placed:
                raise forms.ValidationError(exc.message) from exc
        return cleaned


class ServiceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Admin whose writes go through services: subclasses implement `service_save` and
    `service_delete`."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request, obj, form, change):
        saved = self.service_save(request=request, obj=obj, form=form, change=change)
        if saved is not None and saved is not obj:
            obj.pk = saved.pk
            for field in saved._meta.concrete_fields:
                setattr(obj, field.attname, getattr(saved, field.attname))

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        self.service_delete(request=request, obj=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            try:
                self.service_delete(request=request, obj=obj)
            except DomainError as exc:
                self.message_user(request, f"{obj}: {exc.message}", level=messages.ERROR)

    def service_save(self, *, request, obj, form, change):  # pragma: no cover - overridden
        raise NotImplementedError

    def service_delete(self, *, request, obj):  # pragma: no cover - overridden
        raise NotImplementedError


class RevealAdminMixin:
    """An admin page at `<id>/reveal/` that shows a record's personal numbers once, after a reason,
    to a user the gate lets reveal them; the app's service writes the audit event. Outside the
    scope: 404; not permitted: 403. A subclass names the gate action (`reveal_permission`), the page
    template (`reveal_template`) and `reveal(request, obj, reason)`, which calls the app's reveal
    service and returns (label, value) pairs."""

    reveal_permission: str = ""
    reveal_template: str = ""

    def reveal(self, request, obj, reason: str) -> list[tuple[str, str]]:
        raise NotImplementedError

    def get_urls(self):
        from django.urls import path

        opts = self.model._meta
        own = [path("<path:object_id>/reveal/", self.admin_site.admin_view(self.reveal_view),
                    name=f"{opts.app_label}_{opts.model_name}_reveal")]
        return own + super().get_urls()

    def reveal_view(self, request, object_id):
        from django.core.exceptions import PermissionDenied
        from django.template.response import TemplateResponse
        from django.urls import reverse

        from .errors import Forbidden, NotFound
        from .permissions import can

        opts = self.model._meta
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not (self.has_view_permission(request, obj) and can(request.user, self.reveal_permission, obj)):
            raise PermissionDenied
        revealed = None
        if request.method == "POST":
            try:
                revealed = self.reveal(request, obj, request.POST.get("reason", ""))
            except NotFound as exc:
                raise Http404 from exc
            except Forbidden as exc:
                raise PermissionDenied from exc
        context = {
            **self.admin_site.each_context(request), "opts": opts, "original": obj, "title": str(obj),
            "revealed": revealed, "change_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
        }
        response = TemplateResponse(request, self.reveal_template, context)
        response["Cache-Control"] = "no-store"
        return response
