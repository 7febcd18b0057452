from django import forms
from django.utils.translation import gettext_lazy as _

from planning.forms import StaffTimeField
from reception.custody import COMPULSORY, HEALTH, LABELS, OPTIONAL
from reception.models import CustodyEvent, Enquiry, Media

_HEALTH = [("", "—"), *HEALTH.items()]


class CustodyForm(forms.Form):
    taken_at = StaffTimeField(label=_("Taken into custody at (Kyiv time)"))
    place = forms.CharField(label=_("Place"), max_length=300)
    receiving_unit = forms.CharField(label=_("Receiving unit"), max_length=200)
    health = forms.ChoiceField(label=_("State of health"), choices=_HEALTH)
    medical_note = forms.CharField(
        label=_("Medical note (wounds, treatment given)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    property = forms.CharField(
        label=_("Property taken (one item per line)"),
        help_text=_(
            "Art. 18: his identity card, badges and personal effects stay with him; anything "
            "taken is listed here and receipted."
        ),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    receipt_number = forms.CharField(
        label=_("Number of the receipt given to him"), max_length=60, required=False
    )


class RegistrationForm(forms.Form):
    """Art. 17: five compulsory items; everything else only if he wants to give it."""

    surname = forms.CharField(label=LABELS["surname"], max_length=120)
    first_names = forms.CharField(label=LABELS["first_names"], max_length=200)
    rank = forms.CharField(label=LABELS["rank"], max_length=120)
    date_of_birth = forms.DateField(
        label=LABELS["date_of_birth"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Give a date.")},
    )
    service_number = forms.CharField(label=LABELS["service_number"], max_length=60)
    father_first_name = forms.CharField(
        label=LABELS["father_first_name"], max_length=120, required=False
    )
    mother_maiden_name = forms.CharField(
        label=LABELS["mother_maiden_name"], max_length=120, required=False
    )
    place_of_birth = forms.CharField(label=LABELS["place_of_birth"], max_length=200, required=False)
    power = forms.CharField(label=LABELS["power"], max_length=120, required=False)
    unit = forms.CharField(label=LABELS["unit"], max_length=200, required=False)
    next_of_kin = forms.CharField(
        label=LABELS["next_of_kin"],
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    mail_address = forms.CharField(label=LABELS["mail_address"], max_length=300, required=False)
    health_note = forms.CharField(label=LABELS["health_note"], max_length=500, required=False)
    no_coercion = forms.BooleanField(
        label=_(
            "I confirm that no physical or mental torture nor any other form of coercion was "
            "used to obtain any of this information (Art. 17)."
        ),
        error_messages={"required": _("Confirm that no coercion was used.")},
    )

    compulsory = COMPULSORY
    optional = OPTIONAL

    def values(self) -> dict:
        return dict(self.cleaned_data)


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), choices=CustodyEvent.Kind.choices)
    occurred_at = StaffTimeField(label=_("When (Kyiv time)"))
    place = forms.CharField(
        label=_("Where (hospital, new place of internment)"), max_length=300, required=False
    )
    health = forms.ChoiceField(label=_("State of health"), choices=_HEALTH, required=False)
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConsentForm(forms.Form):
    photo = forms.BooleanField(label=_("He consents to photos"), required=False)
    video = forms.BooleanField(label=_("He consents to video"), required=False)
    purpose = forms.CharField(
        label=_("Purpose (for example: identification by his family through the ICRC)"),
        max_length=500,
    )
    statement = forms.CharField(
        label=_("How and in which language he gave his consent"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MediaForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Media.Kind.choices)
    file = forms.FileField(label=_("File"), allow_empty_file=False)


class EnquiryForm(forms.Form):
    requester_name = forms.CharField(label=_("Who asks (name)"), max_length=200)
    relation = forms.CharField(label=_("Relation to the missing person"), max_length=100)
    requester_contact = forms.CharField(
        label=_("How to reach him or her"), max_length=200, required=False
    )
    surname = forms.CharField(label=_("Surname of the missing person"), max_length=120)
    first_names = forms.CharField(
        label=_("His first names"),
        max_length=200,
        help_text=_(
            "As in his papers, with the patronymic (Пётр Иванович): a name and date of birth "
            "match only when the whole name is the same."
        ),
    )
    date_of_birth = forms.DateField(
        label=_("His date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Give a date.")},
        help_text=_("His date of birth or his service number, at least one: the match needs it."),
    )
    service_number = forms.CharField(label=_("His service number"), max_length=60, required=False)
    marks = forms.CharField(
        label=_("Distinguishing marks (tattoos, scars)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(label=_("Answer (a status only)"), choices=Enquiry.Answer.choices)
