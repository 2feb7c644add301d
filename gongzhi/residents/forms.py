"""Page forms: they parse input only; the services validate and write."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import validation
from .models import Household, Relation, ResidenceType, TagKind

DATE = forms.DateInput(attrs={"type": "date"})


class KeptInput(forms.TextInput):
    """The box of an ID number or phone: a form shown again after an error keeps what was typed,
    so the person corrects the one wrong digit instead of typing everything again (the number
    came from this user in this request; nothing stored is ever put into it)."""


class PersonForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"), max_length=20, required=False,
        help_text=_("18 characters; the date of birth and gender are read from it."),
        widget=KeptInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=20, required=False, widget=KeptInput(attrs={"inputmode": "tel", "autocomplete": "off"})
    )
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", "—"), ("male", _("Male")), ("female", _("Female"))]
    )
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    residence_type = forms.ChoiceField(label=_("Residence type"), choices=ResidenceType.choices)
    relation = forms.ChoiceField(label=_("Relation to head"), choices=Relation.choices)
    occupation = forms.CharField(label=_("Occupation"), max_length=100, required=False)
    employer = forms.CharField(label=_("Employer"), max_length=200, required=False)
    is_party_member = forms.BooleanField(label=_("Party member"), required=False)
    moved_in_on = forms.DateField(label=_("Moved in"), required=False, widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    # Each field checked on its own, so every problem shows beside its box at once (the service
    # checks the same again and writes).
    def clean_id_number(self):
        value = self.cleaned_data.get("id_number", "")
        if not value:
            return value
        try:
            self._id = validation.clean_id_number(value, quote=False)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        return self._id[0]

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "")
        try:
            return validation.clean_phone(value, quote=False)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def _not_future(self, name):
        value = self.cleaned_data.get(name)
        try:
            return validation.check_not_future(value, label=str(self.fields[name].label))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_birth_date(self):
        return self._not_future("birth_date")

    def clean_moved_in_on(self):
        return self._not_future("moved_in_on")

    def clean(self):
        cleaned = super().clean()
        identity = getattr(self, "_id", None)
        if identity and cleaned.get("birth_date") and cleaned["birth_date"] != identity[1]:
            self.add_error("birth_date", _("The date of birth does not match the ID number."))
        if identity and cleaned.get("gender") and cleaned["gender"] != identity[2]:
            self.add_error("gender", _("The gender does not match the ID number."))
        return cleaned


class PersonEditForm(PersonForm):
    id_number = forms.CharField(
        label=_("New ID number"), max_length=20, required=False,
        help_text=_("Leave empty to keep the current one."), widget=KeptInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("New phone"), max_length=20, required=False, help_text=_("Leave empty to keep the current one."),
        widget=KeptInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )


class TagForm(forms.Form):
    kind = forms.ChoiceField(label=_("Group"), choices=TagKind.choices)
    start_on = forms.DateField(label=_("From"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class TagEndForm(forms.Form):
    end_on = forms.DateField(label=_("Until"), required=False, widget=DATE)


class MoveOutForm(forms.Form):
    date = forms.DateField(label=_("Date"), required=False, widget=DATE)
    place = forms.CharField(label=_("Moved to"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class TransferForm(forms.Form):
    household_code = forms.CharField(label=_("Code of the new household"), max_length=32)
    date = forms.DateField(label=_("Date"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AccountLinkForm(forms.Form):
    username = forms.CharField(
        label=_("Resident's user name"), max_length=150, required=False,
        help_text=_("Leave empty to unlink the account."),
    )


class SelfVerifyForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=18, widget=forms.TextInput(attrs={"autocomplete": "off"}))


class DeathForm(forms.Form):
    date = forms.DateField(label=_("Date of death"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class HouseholdCardForm(forms.Form):
    tenure = forms.ChoiceField(label=_("Tenure"), choices=Household.Tenure.choices)
    floor_area = forms.DecimalField(label=_("Floor area (m²)"), max_digits=7, decimal_places=2, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class VisitForm(forms.Form):
    visited_at = forms.DateTimeField(
        label=_("Time of visit"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    people_met = forms.MultipleChoiceField(label=_("People met"), required=False, widget=forms.CheckboxSelectMultiple)
    others_met = forms.CharField(label=_("Others met"), max_length=200, required=False)
    findings = forms.CharField(label=_("What was found"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    follow_up_needed = forms.BooleanField(label=_("Needs follow-up (turn into a request)"), required=False)
    photos = MultipleFileField(label=_("Photos"), required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people_met"].choices = [(str(p.pk), f"{p.name}（{p.get_relation_display()}）") for p in members]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    create_households = forms.BooleanField(
        label=_("Create rooms that are not yet in the area tree"), required=False, initial=True
    )


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
