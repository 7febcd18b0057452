from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from rewards import approvals, schedules

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def category_choices() -> list[tuple[str, str]]:
    """Every category of every schedule, labelled in the current language (the domain checks
    that it belongs to the schedule in force on the handover date)."""
    language = translation.get_language() or "uk"
    found: dict[str, str] = {}
    for schedule in reversed(schedules.all_schedules()):
        for category in schedule.categories.values():
            found.setdefault(category.id, category.label_in(language[:2]))
    return [("", "—"), *found.items()]


class ItemForm(forms.Form):
    case_number = forms.CharField(label=_("Case number"), max_length=16)
    category = forms.ChoiceField(label=_("Category"))
    handed_over_on = forms.DateField(
        label=_("Handover date"), widget=DATE, error_messages={"invalid": _("Give a date.")}
    )
    model = forms.CharField(label=_("Model"), max_length=120)
    identifiers = forms.CharField(
        label=_("Identifiers (serial, tail or hull numbers)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    voluntary = forms.BooleanField(label=_("Handed over voluntarily"), required=False)
    serviceable = forms.BooleanField(label=_("Serviceable (in working order)"), required=False)
    armament = forms.BooleanField(label=_("Armament on board"), required=False)
    documents = forms.BooleanField(label=_("Documents handed over"), required=False)
    notes = forms.CharField(
        label=_("Assessor's notes"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()


class SharesForm(forms.Form):
    shares = forms.CharField(
        label=_("Shares: one line per case, “case number percent”"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: 26-00001 50, then 26-00002 50. They add up to 100."),
    )

    def lines(self) -> list[tuple[str, str]] | None:
        found = []
        for line in self.cleaned_data["shares"].splitlines():
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2:
                self.add_error("shares", _("Write each line as: case number, a space, percent."))
                return None
            found.append((parts[0], parts[1].rstrip("%")))
        return found


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo (JPEG, PNG or WebP)"))


class ProposalForm(forms.Form):
    amount = forms.CharField(label=_("Amount, US dollars"), max_length=20)
    reason = forms.CharField(
        label=_("Reason (required below the top of the range)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


METHOD_LABELS = {
    "bank_transfer": _("Bank transfer"),
    "cash": _("Cash"),
    "card": _("Card"),
}


class PaymentForm(forms.Form):
    beneficiary = forms.ChoiceField(label=_("Beneficiary (case)"))
    method = forms.ChoiceField(
        label=_("Method"), choices=[(m, METHOD_LABELS[m]) for m in approvals.METHODS]
    )
    reference = forms.CharField(label=_("Payment reference"), max_length=120)
    paid_on = forms.DateField(
        label=_("Payment date"), widget=DATE, error_messages={"invalid": _("Give a date.")}
    )

    def __init__(self, *args, beneficiaries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["beneficiary"].choices = [(n, n) for n in beneficiaries]


class ReverseForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why is this entry reversed?"), max_length=2000)


class RatesForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), required=False)
    text = forms.CharField(
        label=_("…or paste the lines"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("First line: date,currency,rate — the rate is units per US dollar."),
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > 1_000_000:
                raise forms.ValidationError(_("The file is larger than 1 MB."))
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
        if not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Choose a file or paste the lines."))
        return data
