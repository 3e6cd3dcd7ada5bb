"""Forms of the citizen pages and the officer console: they only parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bansos.cases.models import CorrectionKind, ObjectionReason, TicketCategory
from bansos.registry.models import Household, Person

PHONE = forms.RegexField(
    regex=r"^\+?[0-9]{8,15}$", required=False, label=_("Phone (SMS)"), max_length=16,
    error_messages={"invalid": _("Enter the phone number as digits, e.g. 081234567890.")},
)  # fmt: skip


def _choices(enum: type, blank: bool = True) -> list[tuple[str, Any]]:
    items = [(str(v), str(label)) for v, label in enum.choices]  # type: ignore[attr-defined]
    return [("", _("— choose —")), *items] if blank else items


class ContactMixin(forms.Form):
    contact_phone = PHONE
    contact_email = forms.EmailField(required=False, label=_("E-mail"))


class ProposalForm(ContactMixin):
    for_self = forms.TypedChoiceField(
        label=_("Who do you propose?"),
        choices=[("1", _("My own family")), ("0", _("Another family"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    address = forms.CharField(label=_("Address"), max_length=255)
    rt = forms.CharField(label=_("RT"), max_length=3, required=False)
    rw = forms.CharField(label=_("RW"), max_length=3, required=False)
    kk = forms.CharField(label=_("Family card (KK) number"), max_length=24)
    head_nik = forms.CharField(label=_("NIK of the head of family"), max_length=24)
    head_name = forms.CharField(label=_("Name of the head of family (as on the KTP)"), max_length=150)
    head_sex = forms.ChoiceField(label=_("Sex"), choices=_choices(Person.Sex))
    head_birth_date = forms.DateField(label=_("Birth date"), widget=forms.DateInput(attrs={"type": "date"}))
    head_marital_status = forms.ChoiceField(label=_("Marital status"), choices=_choices(Person.MaritalStatus))
    members_count = forms.IntegerField(label=_("Number of family members"), min_value=1, max_value=30)
    circumstances = forms.CharField(
        label=_("Why does this family need aid?"), widget=forms.Textarea, max_length=2000
    )
    floor_type = forms.ChoiceField(label=_("Floor"), choices=_choices(Household.FloorType), required=False)
    wall_type = forms.ChoiceField(label=_("Walls"), choices=_choices(Household.WallType), required=False)
    roof_type = forms.ChoiceField(label=_("Roof"), choices=_choices(Household.RoofType), required=False)
    lighting = forms.ChoiceField(label=_("Lighting"), choices=_choices(Household.Lighting), required=False)
    water_source = forms.ChoiceField(
        label=_("Drinking water"), choices=_choices(Household.WaterSource), required=False
    )
    photo1 = forms.FileField(label=_("Photo of the house (front)"))
    photo2 = forms.FileField(label=_("Another photo (optional)"), required=False)
    photo3 = forms.FileField(label=_("Another photo (optional)"), required=False)

    HOUSING = ("floor_type", "wall_type", "roof_type", "lighting", "water_source")


class ObjectionForm(ContactMixin):
    reported_nik = forms.CharField(
        label=_("NIK of the beneficiary (if you know it)"), max_length=24, required=False
    )
    reported_name = forms.CharField(
        label=_("Or the full name of the beneficiary"), max_length=150, required=False
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=_choices(ObjectionReason))
    description = forms.CharField(label=_("What do you know?"), widget=forms.Textarea, max_length=2000)
    latitude = forms.DecimalField(label=_("Latitude (GPS)"), max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=_("Longitude (GPS)"), max_digits=9, decimal_places=6)
    photo = forms.FileField(label=_("Photo of the house"))


class CorrectionForm(ContactMixin):
    kk = forms.CharField(label=_("Family card (KK) number"), max_length=24)
    requester_nik = forms.CharField(label=_("Your NIK (a member of this family)"), max_length=24)
    kind = forms.ChoiceField(label=_("What should be corrected?"), choices=_choices(CorrectionKind))
    address = forms.CharField(label=_("New address"), max_length=255, required=False)
    rt = forms.CharField(label=_("RT"), max_length=3, required=False)
    rw = forms.CharField(label=_("RW"), max_length=3, required=False)
    nik = forms.CharField(label=_("NIK of the member concerned"), max_length=24, required=False)
    full_name = forms.CharField(label=_("Name of the new member"), max_length=150, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=_choices(Person.Sex), required=False)
    birth_date = forms.DateField(
        label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    relationship = forms.ChoiceField(
        label=_("Relationship to the head"), choices=_choices(Person.Relationship), required=False
    )
    marital_status = forms.ChoiceField(
        label=_("Marital status"), choices=_choices(Person.MaritalStatus), required=False
    )
    deceased_date = forms.DateField(
        label=_("Date of death"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Explanation"), widget=forms.Textarea, max_length=2000, required=False)


class TicketForm(ContactMixin):
    name = forms.CharField(label=_("Your name"), max_length=150)
    category = forms.ChoiceField(label=_("Category"), choices=_choices(TicketCategory))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea, max_length=4000)


class HotlineTicketForm(TicketForm):
    region_code = forms.RegexField(
        regex=r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10})?$", required=False, label=_("Region code (optional)")
    )


class ConfirmForm(forms.Form):
    """The fields an action needs; ``confirm`` must be ticked (the explicit confirmation step)."""

    confirm = forms.BooleanField(label=_("I have checked and confirm this action."))
    note = forms.CharField(label=_("Note / reason"), widget=forms.Textarea, max_length=4000, required=False)
    visit_notes = forms.CharField(label=_("Field visit notes"), widget=forms.Textarea, required=False)
    latitude = forms.DecimalField(label=_("Latitude (GPS)"), max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label=_("Longitude (GPS)"), max_digits=9, decimal_places=6, required=False)
    meeting_date = forms.DateField(
        label=_("Village meeting date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    minutes = forms.FileField(label=_("Minutes of the meeting (PDF or photo)"), required=False)
    assignee = forms.IntegerField(label=_("Agent"), required=False, widget=forms.Select)

    # which fields each target shows
    FIELDS = {
        "verified": ("visit_notes", "latitude", "longitude"),
        "deliberated": ("meeting_date", "minutes"),
        "assigned": ("assignee",),
        "open": (),
        "closed": (),
    }

    def __init__(
        self, *args: object, target: str, assignees: list[tuple[int, str]] | None = None, **kwargs: object
    ):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        shown = self.FIELDS.get(target, ("note",))
        for name in list(self.fields):
            if name != "confirm" and name not in shown:
                del self.fields[name]
        if "assignee" in self.fields:
            self.fields["assignee"].widget.choices = [("", _("— choose —")), *(assignees or [])]


class StatusCheckForm(forms.Form):
    nik = forms.CharField(label=_("NIK of the visitor"), max_length=24, required=False)
    village = forms.CharField(max_length=10, required=False)
    name = forms.CharField(label=_("Or the full name (in your village)"), max_length=150, required=False)


class CounterHouseholdForm(forms.Form):
    village = forms.ChoiceField(label=_("Village"))
    kk = forms.CharField(label=_("Family card (KK) number"), max_length=24)
    address = forms.CharField(label=_("Address"), max_length=255)
    rt = forms.CharField(label=_("RT"), max_length=3, required=False)
    rw = forms.CharField(label=_("RW"), max_length=3, required=False)
    head_nik = forms.CharField(label=_("NIK of the head of family"), max_length=24)
    head_name = forms.CharField(label=_("Name of the head of family (as on the KTP)"), max_length=150)
    head_sex = forms.ChoiceField(label=_("Sex"), choices=_choices(Person.Sex))
    head_birth_date = forms.DateField(label=_("Birth date"), widget=forms.DateInput(attrs={"type": "date"}))
    head_marital_status = forms.ChoiceField(label=_("Marital status"), choices=_choices(Person.MaritalStatus))
    confirm = forms.BooleanField(label=_("I have checked the KK and KTP and confirm this registration."))

    def __init__(self, *args: object, villages: list[tuple[str, str]], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["village"].choices = villages  # type: ignore[attr-defined]
