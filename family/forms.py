from django import forms
from django.utils.translation import gettext_lazy as _

from family import relatives


class RelativeForm(forms.Form):
    """A relative's sealed values. Errors name the field, never echo a value elsewhere."""

    relation = forms.ChoiceField(label=_("Relation"))
    name = forms.CharField(label=_("Name"), max_length=relatives.FIELDS["name"])
    location = forms.CharField(
        label=_("Where they are now"), max_length=relatives.FIELDS["location"], required=False
    )
    contact = forms.CharField(
        label=_("How to reach them (phone, messenger, through whom)"),
        max_length=relatives.FIELDS["contact"],
        required=False,
    )
    needs = forms.CharField(
        label=_("Needs (documents, health, children, pets, luggage)"),
        max_length=relatives.FIELDS["needs"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relation"].choices = [("", "—"), *relatives.RELATIONS.items()]
        self.fields["name"].error_messages["required"] = _("Give the name.")
        self.fields["relation"].error_messages["required"] = _("Choose the relation.")


class StepForm(forms.Form):
    step = forms.ChoiceField(label=_("Next step"))
    reason = forms.ChoiceField(label=_("Why the relocation failed"), required=False)
    note = forms.CharField(
        label=_("Note on the failure (sealed with the relative)"),
        max_length=relatives.NOTE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, relative=None, **kwargs):
        super().__init__(*args, **kwargs)
        offered = relatives.steps_from(relative) if relative is not None else relatives.STEPS
        self.fields["step"].choices = [(s.name, s.label) for s in offered]
        self.fields["step"].error_messages["invalid_choice"] = _(
            "This step is not possible from the relative's current status."
        )
        self.fields["reason"].choices = [("", "—"), *relatives.FAILURE_REASONS.items()]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("step") == "fail":
            if not cleaned.get("reason"):
                self.add_error("reason", _("Say why the relocation failed."))
            elif cleaned["reason"] == "other" and not (cleaned.get("note") or "").strip():
                self.add_error("note", _("Describe the reason in the note."))
        return cleaned


class LinkForm(forms.Form):
    number = forms.CharField(
        label=_("Number of the case the relative opened himself"),
        max_length=32,
        help_text=_("Only a case you hold can be linked; the link shows on both cases."),
    )
