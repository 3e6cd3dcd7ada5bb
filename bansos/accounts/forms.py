"""Forms of the account pages: they only parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

PHOTO_ACCEPT = {"accept": "image/jpeg,image/png,image/webp"}


class RegistrationForm(forms.Form):
    nik = forms.CharField(label=_("NIK (16 digits, on your KTP)"), max_length=24)
    kk = forms.CharField(label=_("Family card (KK) number"), max_length=24)
    full_name = forms.CharField(label=_("Full name (as on the KTP)"), max_length=150)
    birth_date = forms.DateField(label=_("Birth date"), widget=forms.DateInput(attrs={"type": "date"}))
    phone = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    password = forms.CharField(
        label=_("Password (at least 8 characters)"), widget=forms.PasswordInput, max_length=128
    )
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, max_length=128)
    ktp_photo = forms.FileField(
        label=_("Photo of your KTP"), widget=forms.ClearableFileInput(attrs=PHOTO_ACCEPT)
    )
    selfie = forms.FileField(
        label=_("Selfie holding your KTP"), widget=forms.ClearableFileInput(attrs=PHOTO_ACCEPT)
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        if not (data.get("phone") or data.get("email")):
            self.add_error("phone", _("Give a mobile number or an e-mail address (or both)."))
        return data


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Mobile number or e-mail"), max_length=254)
    error_messages = {
        "invalid_login": _("Wrong mobile number/e-mail or password."),
        "inactive": _("This account is closed."),
    }


class ResetSmsForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=20)


class ResetCodeForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=20)
    code = forms.RegexField(
        regex=r"^\s*[0-9]{6}\s*$",
        label=_("Code from the SMS"),
        max_length=8,
        error_messages={"invalid": _("The code has six digits.")},
    )
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput, max_length=128)
    password2 = forms.CharField(label=_("New password again"), widget=forms.PasswordInput, max_length=128)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class VerifyForm(forms.Form):
    confirm = forms.BooleanField(label=_("I compared the KTP photo and the selfie with the data."))


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to the citizen)"), widget=forms.Textarea, max_length=1000)
    confirm = forms.BooleanField(label=_("Yes, refuse this registration."))
