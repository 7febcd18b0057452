"""Forms of the outcome page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reception.models import Guarantee, Outcome


class OutcomeForm(forms.Form):
    prefix = "outcome"  # two forms on one page: distinct field ids

    kind = forms.ChoiceField(
        label=_("Outcome"),
        choices=Outcome.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose one of the outcomes."),
            "invalid_choice": _("Choose one of the outcomes."),
        },
    )


class GuaranteeForm(forms.Form):
    prefix = "guarantee"

    kind = forms.ChoiceField(
        label=_("Guarantee promised"),
        choices=Guarantee.Kind.choices,
        error_messages={
            "required": _("Choose one of the guarantees."),
            "invalid_choice": _("Choose one of the guarantees."),
        },
    )
