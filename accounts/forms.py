from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Team, User
from accounts.roles import Role


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("Code from the authenticator app, or a backup code"),
        max_length=16,
        required=False,
        # No numeric keypad: backup codes have letters.
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
        help_text=_("Leave empty only at your first login, before you have set up the app."),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from the app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class PasswordForm(forms.Form):
    current = forms.CharField(
        label=_("Current password"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new1 = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; not a common password."),
    )
    new2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user: User, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_current(self):
        if not self.user.check_password(self.cleaned_data["current"]):
            raise forms.ValidationError(_("The current password is wrong."))
        return self.cleaned_data["current"]

    def clean(self):
        data = super().clean()
        new1, new2 = data.get("new1"), data.get("new2")
        if new1 and new2:
            if new1 != new2:
                self.add_error("new2", _("The two new passwords differ."))
            elif new1 == data.get("current"):
                self.add_error("new1", _("Choose a password different from the current one."))
            else:
                try:
                    password_validation.validate_password(new1, self.user)
                except forms.ValidationError as error:
                    self.add_error("new1", error)
        return data


class StaffForm(forms.Form):
    username = forms.RegexField(
        label=_("User name"),
        max_length=40,
        regex=r"^[a-z0-9][a-z0-9._-]{1,39}$",
        error_messages={
            "invalid": _(
                "Use 2 to 40 lower-case Latin letters, digits, dots, dashes or underscores."
            )
        },
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_username(self):
        name = self.cleaned_data["username"]
        if User.objects.filter(username=name).exists():
            raise forms.ValidationError(_("This user name is taken."))
        return name


class StaffEditForm(forms.Form):
    roles = StaffForm.base_fields["roles"]
    teams = StaffForm.base_fields["teams"]
    is_active = forms.BooleanField(label=_("Account active"), required=False)


class TeamForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("team", "Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=Team.Kind.choices)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Team.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(_("A team with this name exists."))
        return name
