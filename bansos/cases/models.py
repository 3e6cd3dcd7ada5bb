"""Casework: proposals (usul), objections (sanggah), data corrections and helpdesk tickets.

Each case has a ``state`` moved only by the services of its workflow module (explicit transition tables in
bansos.cases.workflows). Identifiers a citizen types (NIK, KK) are stored encrypted, never in clear.
Cases are never deleted: a finished case keeps its final state."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bansos.core import crypto
from bansos.regions.models import Village
from bansos.registry.models import Household, Person


class ProposalState(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    VERIFIED = "verified", _("verified by the village")
    DELIBERATED = "deliberated", _("approved by the village meeting")
    ACCEPTED = "accepted", _("accepted by Dinsos")
    REJECTED = "rejected", _("rejected")


class ObjectionState(models.TextChoices):
    SUBMITTED = "submitted", _("waiting for the regency's decision")
    UPHELD = "upheld", _("upheld")
    DISMISSED = "dismissed", _("dismissed")


class CorrectionState(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    APPLIED = "applied", _("applied")
    REJECTED = "rejected", _("rejected")


class TicketState(models.TextChoices):
    OPEN = "open", _("open")
    ASSIGNED = "assigned", _("assigned")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")


class ObjectionReason(models.TextChoices):
    """Why a beneficiary should not receive aid; each maps to the exclusion ground (HouseholdFlag) that
    the programs' exclusion rules read (bansos.programs.defaults.EXCLUSIONS)."""

    WELL_OFF = "well_off", _("well-off (income above the minimum wage)")
    STATE_PAID = "state_paid", _("civil servant/TNI/Polri or paid from the state budget")
    MOVED = "moved", _("moved away / not living at the address")
    NOT_FOUND = "not_found", _("person does not exist or is deceased")
    DUPLICATE = "duplicate", _("registered twice")
    REFUSED = "refused", _("does not want the aid")


OBJECTION_GROUNDS = {
    ObjectionReason.WELL_OFF: "income_above_minimum_wage",
    ObjectionReason.STATE_PAID: "state_budget_paid",
    ObjectionReason.MOVED: "address_not_found",
    ObjectionReason.NOT_FOUND: "person_not_found",
    ObjectionReason.DUPLICATE: "duplicate",
    ObjectionReason.REFUSED: "refused_aid",
}


class CorrectionKind(models.TextChoices):
    ADDRESS = "address", _("change of address")
    ADD_MEMBER = "add_member", _("add a family member")
    DEATH = "death", _("record a death")


class TicketCategory(models.TextChoices):
    STATUS = "status", _("aid status question")
    PAYMENT = "payment", _("payment / disbursement")
    DATA = "data", _("data error")
    COMPLAINT = "complaint", _("complaint")
    OTHER = "other", _("other")


class TicketChannel(models.TextChoices):
    WEB = "web", _("public contact form")
    CITIZEN = "citizen", _("citizen account")
    HOTLINE = "hotline", _("hotline call")


class CaseBase(models.Model):
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    class Meta:
        abstract = True

    def age_days(self, now: datetime.datetime | None = None) -> int:
        return ((now or timezone.now()) - self.created_at).days


class Proposal(CaseBase):
    """A household proposed for the registry (usul), by a member or by a neighbour."""

    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    for_self = models.BooleanField(_("my own household"), default=True)
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("address"), max_length=255)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    kk_encrypted = models.BinaryField(_("KK number (encrypted)"))
    kk_index = models.CharField(_("KK blind index"), max_length=32, db_index=True)
    head_nik_encrypted = models.BinaryField(_("NIK of the head (encrypted)"))
    head_name = models.CharField(_("name of the head of family"), max_length=150)
    head_sex = models.CharField(_("sex"), max_length=1, choices=Person.Sex.choices)
    head_birth_date = models.DateField(_("birth date"))
    head_marital_status = models.CharField(
        _("marital status"), max_length=10, choices=Person.MaritalStatus.choices
    )
    members_count = models.PositiveSmallIntegerField(_("number of family members"), default=1)
    circumstances = models.TextField(_("why this family needs aid"), max_length=2000)
    housing = models.JSONField(_("housing conditions"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=ProposalState.choices, default="submitted")
    visit_notes = models.TextField(_("field visit notes"), blank=True)
    visit_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    visit_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    meeting_date = models.DateField(_("village meeting date"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [models.Index(fields=["village", "state"], name="proposal_village_state")]

    def __str__(self) -> str:
        return f"usulan #{self.pk}"

    @property
    def kk(self) -> str:
        return crypto.decrypt(self.kk_encrypted)

    @property
    def head_nik(self) -> str:
        return crypto.decrypt(self.head_nik_encrypted)


class Objection(CaseBase):
    """A citizen's objection (sanggah) to a beneficiary household of their own village. The reporter is
    never shown to the reported household (see bansos.cases.selectors)."""

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=16, choices=ObjectionReason.choices)
    description = models.TextField(_("description"), max_length=2000)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    due_at = models.DateTimeField(_("decision due"), db_index=True)
    state = models.CharField(_("state"), max_length=12, choices=ObjectionState.choices, default="submitted")
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        indexes = [models.Index(fields=["village", "state"], name="objection_village_state")]

    def __str__(self) -> str:
        return f"sanggahan #{self.pk}"

    def is_overdue(self, now: datetime.datetime | None = None) -> bool:
        return self.state == ObjectionState.SUBMITTED and self.due_at < (now or timezone.now())


class Correction(CaseBase):
    """A request to change registry data of the requester's household; applied through registry services."""

    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=CorrectionKind.choices)
    # The requested change (may hold a NIK): encrypted JSON.
    payload_encrypted = models.BinaryField(_("requested change (encrypted)"))
    note = models.TextField(_("explanation"), max_length=2000, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=CorrectionState.choices, default="submitted")
    decision_note = models.TextField(_("decision note"), blank=True)
    changes = models.JSONField(_("applied changes (before/after)"), default=dict, blank=True)

    class Meta:
        verbose_name = _("data correction")
        verbose_name_plural = _("data corrections")
        indexes = [models.Index(fields=["village", "state"], name="correction_village_state")]

    def __str__(self) -> str:
        return f"perbaikan #{self.pk}"


class Ticket(CaseBase):
    """A helpdesk ticket (web form, citizen account or hotline call). ``region_code`` (optional) scopes it
    to helpdesk agents of that region; "" reaches national agents only."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=150)
    channel = models.CharField(_("channel"), max_length=8, choices=TicketChannel.choices)
    category = models.CharField(_("category"), max_length=12, choices=TicketCategory.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), max_length=4000)
    region_code = models.CharField(_("region code"), max_length=10, blank=True, db_index=True)
    state = models.CharField(_("state"), max_length=10, choices=TicketState.choices, default="open")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("helpdesk ticket")
        verbose_name_plural = _("helpdesk tickets")

    def __str__(self) -> str:
        return f"tiket #{self.pk}"


class TicketReply(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("reply"), max_length=4000)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"reply #{self.pk} to ticket #{self.ticket_id}"


class Attachment(models.Model):
    """An uploaded photo or document of a case, stored under PRIVATE_MEDIA_ROOT (outside the web root)
    with a random name; served only to officers who reach the case (bansos.cases.views.console)."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("photo")
        MINUTES = "minutes", _("meeting minutes")

    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    objection = models.ForeignKey(
        Objection, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    path = models.CharField(max_length=200, unique=True)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
