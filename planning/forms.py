from datetime import datetime

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from planning import plans, points, procedures, programme

_LOCAL = "%Y-%m-%dT%H:%M"


class StaffTimeField(forms.Field):
    """A time typed in the programme's staff zone (Kyiv), from an <input type=datetime-local>."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=_LOCAL)
    default_error_messages = {"invalid": _("Give a date and time.")}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, datetime):
            return value
        try:
            naive = datetime.strptime(str(value).strip()[:16], _LOCAL)  # noqa: DTZ007 (zone below)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return naive.replace(tzinfo=programme.current().staff_zone())

    def prepare_value(self, value):
        if isinstance(value, datetime):
            return value.astimezone(programme.current().staff_zone()).strftime(_LOCAL)
        return value


class PlanForm(forms.Form):
    procedure = forms.ChoiceField(label=_("Procedure"))
    point = forms.CharField(
        label=_("Handover point"),
        max_length=60,
        required=False,
        help_text=_("Decimal degrees (48.59500, 37.99900) or MGRS (37U DP 26193 82919)."),
    )
    point_description = forms.CharField(
        label=_("What the place looks like (for the soldier to recognise it)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    window_start = StaffTimeField(label=_("Window from (Kyiv time)"), required=False)
    window_end = StaffTimeField(label=_("Window to (Kyiv time)"), required=False)
    fallback_start = StaffTimeField(label=_("Fallback window from (Kyiv time)"), required=False)
    fallback_end = StaffTimeField(label=_("Fallback window to (Kyiv time)"), required=False)
    signal = forms.CharField(label=_("Recognition signal"), max_length=200, required=False)
    code_word = forms.CharField(label=_("Code word"), max_length=60, required=False)
    route = forms.CharField(label=_("Route or corridor"), max_length=300, required=False)
    approach = forms.CharField(label=_("Approach direction"), max_length=200, required=False)
    persons = forms.IntegerField(label=_("Persons expected"), min_value=1, max_value=50, initial=1)
    crew = forms.IntegerField(label=_("Crew count"), min_value=1, max_value=50, required=False)
    field_unit = forms.ModelChoiceField(
        label=_("Responsible field unit"), queryset=plans.field_units(), empty_label="—"
    )
    family_first = forms.BooleanField(
        label=_("The family must be safe before the exit is scheduled"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["procedure"].choices = [("", "—")] + procedures.choices(
            translation.get_language() or "uk"
        )
        self.fields["field_unit"].queryset = plans.field_units()

    def clean_point(self):
        text = self.cleaned_data.get("point", "")
        if not text.strip():
            return None
        try:
            return points.parse(text)
        except points.PointError as error:
            raise forms.ValidationError(error.message) from None

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        point = data.pop("point", None)
        data["lat"], data["lon"] = point if point else (None, None)
        for key in ("point_description", "signal", "code_word", "route", "approach"):
            data[key] = (data.get(key) or "").strip()
        return data

    def clean(self):
        cleaned = super().clean()
        if self.errors or self.case is None:
            return cleaned
        for field, message in plans.validate(self.case, self.values()).items():
            self.add_error(field if field in self.fields else None, message)
        return cleaned


def initial_from(values: dict) -> dict:
    """Form initial data from a decrypted plan."""
    initial = {k: v for k, v in values.items() if k in PlanForm.base_fields}
    if values.get("lat") is not None:
        initial["point"] = points.to_degrees(values["lat"], values["lon"])
    return initial


class SightingForm(forms.Form):
    position = forms.CharField(
        label=_("Rough position (degrees or MGRS)"), max_length=60, required=False
    )
    persons = forms.IntegerField(label=_("How many"), min_value=1, max_value=50, initial=1)
    note = forms.CharField(
        label=_("What you saw (no guesses about who he is)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_position(self):
        text = self.cleaned_data.get("position", "")
        if not text.strip():
            return None
        try:
            return points.parse(text)
        except points.PointError as error:
            raise forms.ValidationError(error.message) from None
