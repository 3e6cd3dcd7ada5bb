"""Forms of the notices pages: they only parse; the services decide (and report bad regions etc.)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bansos.programs.models import Program


def program_choices() -> list[tuple[str, str]]:
    return [("", str(_("All programs")))] + [
        (p.code, f"{p.code} — {p.name}") for p in Program.objects.filter(active=True).order_by("code")
    ]


class ProgramField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=program_choices, required=False, label=_("Program"), **kwargs)

    def clean(self, value: Any) -> Program | None:
        code = super().clean(value)
        return Program.objects.filter(code=code).first() if code else None


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea)
    program = ProgramField()
    regions = forms.CharField(
        label=_("Regions"),
        required=False,
        max_length=2000,
        help_text=_(
            "Kemendagri codes separated by commas, any level: 31 (province), 3171 (regency/city), "
            "317101 (district), 3171011001 (village). Empty: the whole country (national admins only)."
        ),
    )
    publish_at = forms.DateTimeField(
        label=_("Publish at"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    expires_at = forms.DateTimeField(
        label=_("Expires at"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class SubscribeForm(forms.Form):
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    program = ProgramField()


class UserSubscribeForm(SubscribeForm):
    channel = forms.ChoiceField(label=_("How should we tell you?"), widget=forms.RadioSelect)
    phone = forms.CharField(label=_("Mobile number (for SMS)"), max_length=20, required=False)

    def __init__(self, *args: Any, channels: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = channels  # type: ignore[attr-defined]
        self.fields["channel"].initial = channels[0][0] if channels else ""
        self.fields["email"].help_text = _("Only for e-mail; empty: the address of your account.")
