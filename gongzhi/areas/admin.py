from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from gongzhi.core import permissions
from gongzhi.core.admin_scope import RevealAdminMixin, ServiceAdmin, ServiceFormMixin

from . import services
from .models import AreaNode, Department, Estate, Unit


class AreaNodeForm(ServiceFormMixin):
    parent = forms.ModelChoiceField(queryset=AreaNode.objects.none(), required=False, label=_("parent node"))

    class Meta:
        model = AreaNode
        fields = ["parent", "kind", "code", "name", "estate", "latitude", "longitude", "outline", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = AreaNode.objects.visible_to(self.actor).exclude(kind="household")
        if self.instance.pk:
            self.fields["parent"].initial = AreaNode.objects.get_parent(self.instance)
            self.fields["kind"].disabled = True

    def check(self, actor):
        data = self.cleaned_data
        services.check_node(
            actor=actor,
            node=self.instance if self.instance.pk else None,
            parent=data.get("parent"),
            kind=data.get("kind") or self.instance.kind,
            code=data.get("code", ""),
            name=data.get("name", ""),
            estate=data.get("estate"),
        )


@admin.register(AreaNode)
class AreaNodeAdmin(ServiceAdmin):
    form = AreaNodeForm
    list_display = ["code", "name", "kind", "depth", "numchild", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    ordering = ["path"]

    def service_save(self, *, request, obj, form, change):
        data = form.cleaned_data
        extra = {"estate": data.get("estate"), "latitude": data.get("latitude"), "longitude": data.get("longitude"),
                 "outline": data.get("outline") or []}
        if not change:
            return services.area_node_create(
                actor=request.user, parent=data.get("parent"), kind=data["kind"], code=data["code"], name=data["name"], **extra
            )
        current = AreaNode.objects.get(pk=obj.pk)
        new_parent = data.get("parent")
        old_parent = AreaNode.objects.get_parent(current)
        if (new_parent and (old_parent is None or new_parent.pk != old_parent.pk)) or data["code"] != current.code:
            current = services.area_node_move(
                actor=request.user, node=current, new_parent=new_parent or old_parent, new_code=data["code"]
            )
        return services.area_node_update(
            actor=request.user, node=current, name=data["name"], is_active=data.get("is_active", True), **extra
        )

    def service_delete(self, *, request, obj):
        services.area_node_delete(actor=request.user, node=obj)


def _reveal_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_reveal", args=[obj.pk])


class RegistryForm(ServiceFormMixin):
    """A registry record's form. Its phones (encrypted fields) are never filled in with the stored
    number: the masked number is the hint (with a link to reveal it, for whom the gate allows), an
    empty input keeps the number, "remove" clears it."""

    service = None
    personal: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.personal:
            if name not in self.fields:
                continue
            self.initial[name] = ""
            self.fields[name].required = False
            masked = getattr(self.instance, f"{name}_masked", "") if self.instance.pk else ""
            if masked:
                hint = _("Current: %(masked)s. Leave empty to keep it.") % {"masked": masked}
                if permissions.can(self.actor, "areas.reveal_contact", self.instance):
                    hint = format_html('{} <a href="{}">{}</a>', hint, _reveal_url(self.instance),
                                       _("Show the full number (recorded)"))
                self.fields[name].help_text = hint

    def clean(self):
        data = super().clean()
        for name in self.personal:
            if name in data and not (data.get(name) or "").strip():
                keep = self.instance.pk and not data.get(f"{name}_clear")
                data[name] = getattr(self.instance, name) if keep else ""
        return data

    def check(self, actor):
        values = {k: v for k, v in self.cleaned_data.items() if k in self._meta.fields}
        services.check_registry(actor=actor, model=self._meta.model, instance=self.instance, values=values)


def _registry_admin(model, save, fields, **options):
    personal = services.REVEALABLE[model]
    attrs = {"Meta": type("Meta", (), {"model": model, "fields": fields}), "personal": personal}
    attrs.update({f"{name}_clear": forms.BooleanField(label=_("Remove this number"), required=False) for name in personal})
    form_class = type(f"{model.__name__}Form", (RegistryForm,), attrs)
    action = f"areas.manage_{model.__name__.lower()}"
    opts = model._meta

    class RegistryAdmin(RevealAdminMixin, ServiceAdmin):
        form = form_class
        reveal_permission = "areas.reveal_contact"
        reveal_template = "areas/admin_reveal.html"

        # A record the user may see but not keep (a district's departments for street staff) opens
        # read-only, as the gate answers for that record.
        def has_change_permission(self, request, obj=None):
            allowed = super().has_change_permission(request, obj)
            return allowed and (obj is None or permissions.can(request.user, action, obj))

        def has_delete_permission(self, request, obj=None):
            allowed = super().has_delete_permission(request, obj)
            return allowed and (obj is None or permissions.can(request.user, action, obj))

        def get_fields(self, request, obj=None):
            listed = []
            editable = obj is None or self.has_change_permission(request, obj)
            for name in fields:
                if name not in personal:
                    listed.append(name)
                elif not editable:
                    listed.append(f"{name}_masked")  # read-only: the masked copy, never the number
                else:
                    listed += [name, f"{name}_clear"] if obj is not None and getattr(obj, f"{name}_masked") else [name]
            return listed

        def reveal(self, request, obj, reason):
            values = services.contact_reveal(actor=request.user, instance=obj, reason=reason)
            return [(opts.get_field(name).verbose_name, value or "—") for name, value in values.items()]

        def service_save(self, *, request, obj, form, change):
            values = {k: form.cleaned_data[k] for k in fields if k in form.cleaned_data}
            existing = model.objects.get(pk=obj.pk) if change else None
            return save(actor=request.user, instance=existing, **values)

        def service_delete(self, *, request, obj):
            services.registry_delete(actor=request.user, instance=obj)

    for key, value in options.items():
        setattr(RegistryAdmin, key, value)
    admin.site.register(model, RegistryAdmin)


_registry_admin(
    Estate,
    lambda *, actor, instance, **v: services.estate_save(actor=actor, estate=instance, **v),
    ["community", "name", "address", "property_company", "owners_committee", "owners_committee_contact_name",
     "owners_committee_phone", "outline"],
    list_display=["name", "community", "property_company", "owners_committee", "owners_committee_contact_name",
                  "owners_committee_phone_masked"],
    search_fields=["name"],
)
_registry_admin(
    Unit,
    lambda *, actor, instance, **v: services.unit_save(actor=actor, unit=instance, **v),
    ["name", "kind", "credit_code", "area", "address", "contact_name", "contact_phone", "is_active"],
    list_display=["name", "kind", "area", "contact_name", "contact_phone_masked", "is_active"],
    list_filter=["kind", "is_active"],
    search_fields=["name", "credit_code"],
)
_registry_admin(
    Department,
    lambda *, actor, instance, **v: services.department_save(actor=actor, department=instance, **v),
    ["district", "code", "name", "short_name", "phone", "is_active"],
    list_display=["short_name", "name", "code", "district", "phone_masked", "is_active"],
    search_fields=["name", "code"],
)
