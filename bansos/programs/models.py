"""Programs, periods, welfare ranking, eligibility rules and enrolments.

Everything a new program needs is data: its kind, frequency, channels, benefit formula and rules. Writes
go through the services in this package (one audit event each); ranking and enrolment are set-based SQL
over the whole registry (bansos.programs.ranking, bansos.programs.enrolment).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from bansos.regions.models import Regency
from bansos.registry.models import Household


class Channel(models.TextChoices):
    BRI = "BRI", _("Bank BRI")
    BNI = "BNI", _("Bank BNI")
    MANDIRI = "MANDIRI", _("Bank Mandiri")
    BTN = "BTN", _("Bank BTN")
    POS = "POS", _("PT Pos Indonesia")


class Ground(models.TextChoices):
    """Why a household is not (or no longer) enrolled: the 15 exclusion grounds and eligibility reasons."""

    DECEASED = "deceased", _("deceased")
    CIVIL_SERVANT = "civil_servant", _("civil servant (ASN) in the family")
    MILITARY = "military", _("TNI member in the family")
    POLICE = "police", _("Polri member in the family")
    PENSIONER = "pensioner", _("ASN/TNI/Polri pensioner in the family")
    VILLAGE_OFFICIAL = "village_official", _("village official in the family")
    STATE_BUDGET_PAID = "state_budget_paid", _("paid from the state budget")
    CERTIFIED_TEACHER = "certified_teacher", _("certified teacher in the family")
    HEALTH_WORKER = "health_worker", _("health worker in the family")
    COMPANY_OFFICER = "company_officer", _("company owner or officer in the family")
    INCOME_ABOVE_MINIMUM_WAGE = "income_above_minimum_wage", _("income above the regional minimum wage")
    REFUSED_AID = "refused_aid", _("refused the aid")
    DUPLICATE = "duplicate", _("duplicate record")
    ADDRESS_NOT_FOUND = "address_not_found", _("address not found")
    PERSON_NOT_FOUND = "person_not_found", _("person not found")
    # eligibility reasons (a household that does not meet a program's eligibility rules)
    DECILE = "decile", _("welfare decile above the program's threshold")
    NO_COMPONENT = "no_component", _("no member in a program component")
    NOT_ELIGIBLE = "not_eligible", _("does not meet the program's conditions")


EXCLUSION_GROUNDS = [g for g in Ground if g not in (Ground.DECILE, Ground.NO_COMPONENT, Ground.NOT_ELIGIBLE)]
# Grounds that have no column in the registry: they come from cross-checks and field verification and
# are recorded as household flags (HouseholdFlag), which rules test with {"flag": "<ground>"}.
FLAG_GROUNDS = [
    Ground.STATE_BUDGET_PAID,
    Ground.INCOME_ABOVE_MINIMUM_WAGE,
    Ground.REFUSED_AID,
    Ground.DUPLICATE,
    Ground.ADDRESS_NOT_FOUND,
    Ground.PERSON_NOT_FOUND,
]


class Program(models.Model):
    class Kind(models.TextChoices):
        CASH = "cash", _("cash transfer")
        IN_KIND = "in_kind", _("in-kind (food)")
        PREMIUM_SUBSIDY = "premium_subsidy", _("premium subsidy")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("monthly")
        QUARTERLY = "quarterly", _("quarterly")
        YEARLY = "yearly", _("yearly")

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    channels = models.JSONField(_("payment channels"), default=list, blank=True)
    channel_by_region = models.JSONField(
        _("channel by region"),
        default=dict,
        blank=True,
        help_text=_(
            "Province (2 digits) or regency (4 digits) code to channel; otherwise the first channel."
        ),
    )
    benefit = models.JSONField(_("benefit formula"), default=dict, blank=True)
    active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        from bansos.programs.benefits import BenefitError, validate_benefit

        unknown = (
            [c for c in self.channels if c not in Channel.values] if isinstance(self.channels, list) else 0
        )
        if not isinstance(self.channels, list) or unknown:
            raise ValidationError({"channels": _("Choose channels from: %s.") % ", ".join(Channel.values)})
        for region, channel in dict(self.channel_by_region or {}).items():
            if channel not in self.channels or len(str(region)) not in (2, 4):
                raise ValidationError(
                    {
                        "channel_by_region": _(
                            "Map 2- or 4-digit region codes to one of the program's channels."
                        )
                    }
                )
        try:
            validate_benefit(self.benefit)
        except BenefitError as exc:
            raise ValidationError({"benefit": exc.message}) from exc


class Period(models.Model):
    """One payment period (tahap) of a program, e.g. PKH 2026 stage 1 = JAN-MAR 2026."""

    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        OPEN = "open", _("open")
        LOCKED = "locked", _("locked")
        PAID = "paid", _("paid")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="periods")
    year = models.PositiveSmallIntegerField(_("year"))
    stage = models.PositiveSmallIntegerField(_("stage (tahap)"))
    label = models.CharField(_("label"), max_length=40)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PLANNED)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["program__code", "year", "stage"]
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        constraints = [
            models.UniqueConstraint(fields=["program", "year", "stage"], name="period_program_year_stage"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="period_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program_id and self.program.code} {self.code} ({self.label})"

    @property
    def code(self) -> str:
        return f"{self.year}-{self.stage}"

    @property
    def months(self) -> int:
        return (self.ends_on.year - self.starts_on.year) * 12 + self.ends_on.month - self.starts_on.month + 1

    @property
    def is_frozen(self) -> bool:
        return self.state in (self.State.LOCKED, self.State.PAID)


class PmtModel(models.Model):
    """A proxy-means-test model: weights per household/member attribute. A model with a regency applies
    to households of that regency; the national model (no regency) to everyone else."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    regency = models.ForeignKey(
        Regency, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("regency")
    )
    weights = models.JSONField(_("weights"), default=dict)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("PMT model")
        verbose_name_plural = _("PMT models")
        constraints = [
            models.UniqueConstraint(
                fields=["regency"], condition=models.Q(active=True), name="pmt_one_active_per_regency"
            ),
            models.UniqueConstraint(
                fields=["active"],
                condition=models.Q(active=True, regency__isnull=True),
                name="pmt_one_active_national",
            ),
        ]

    def __str__(self) -> str:
        return self.version

    def clean(self) -> None:
        from bansos.programs.ranking import PmtError, validate_weights

        try:
            validate_weights(self.weights)
        except PmtError as exc:
            raise ValidationError({"weights": exc.message}) from exc


class RankingRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        COMPLETED = "completed", _("completed")
        FAILED = "failed", _("failed")

    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    model_version = models.CharField(_("model version"), max_length=40)
    regional_versions = models.JSONField(_("regional model versions"), default=dict, blank=True)
    households_ranked = models.PositiveIntegerField(_("households ranked"), default=0)
    households_changed = models.PositiveIntegerField(_("households whose score or decile changed"), default=0)
    households_cleared = models.PositiveIntegerField(_("households cleared"), default=0)
    decile_counts = models.JSONField(_("households per decile"), default=dict, blank=True)
    seconds = models.FloatField(_("seconds"), default=0)
    actor_label = models.CharField(_("actor"), max_length=150)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("ranking run")
        verbose_name_plural = _("ranking runs")

    def __str__(self) -> str:
        return f"ranking #{self.pk} {self.model_version}"


class Rule(models.Model):
    """An eligibility or exclusion rule of a program, written in the rule language (bansos.programs.rules).

    A household is enrolled when it meets every active eligibility rule and no active exclusion rule; each
    failed eligibility rule and each matching exclusion rule is recorded with its reason."""

    class Kind(models.TextChoices):
        ELIGIBILITY = "eligibility", _("eligibility (must hold)")
        EXCLUSION = "exclusion", _("exclusion (must not hold)")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="rules")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=32, choices=Ground.choices)
    name = models.CharField(_("name"), max_length=150)
    expression = models.JSONField(_("expression"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["program__code", "kind", "position", "id"]
        verbose_name = _("rule")
        verbose_name_plural = _("rules")

    def __str__(self) -> str:
        return f"{self.program_id and self.program.code}: {self.name}"

    def clean(self) -> None:
        from bansos.programs.rules import RuleError, validate_rule

        try:
            validate_rule(self.expression)
        except RuleError as exc:
            raise ValidationError({"expression": exc.message}) from exc


class HouseholdFlag(models.Model):
    """A finding about a household from a cross-check or field verification (refused aid, duplicate, address
    or person not found, income above minimum wage, paid from the state budget). Withdrawn, not deleted."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    ground = models.CharField(_("ground"), max_length=32, choices=Ground.choices)
    source = models.CharField(_("source"), max_length=150, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("household flag")
        verbose_name_plural = _("household flags")
        indexes = [models.Index(fields=["household", "ground"], name="flag_household_ground")]

    def __str__(self) -> str:
        return f"{self.ground} household #{self.household_id}"


class EnrolmentRun(models.Model):
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="runs")
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    enrolled = models.PositiveIntegerField(_("enrolled"), default=0)
    excluded = models.PositiveIntegerField(_("excluded"), default=0)
    left = models.PositiveIntegerField(_("left since the previous period"), default=0)
    total_amount = models.BigIntegerField(_("total amount (Rp)"), default=0)
    rules = models.JSONField(_("rules applied"), default=list, blank=True)
    seconds = models.FloatField(_("seconds"), default=0)
    actor_label = models.CharField(_("actor"), max_length=150)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("enrolment run")
        verbose_name_plural = _("enrolment runs")

    def __str__(self) -> str:
        return f"enrolment #{self.pk} {self.period}"


class Enrolment(models.Model):
    """A household's outcome for one period: enrolled (with amount and channel), excluded (met the
    eligibility rules but an exclusion ground applies) or ineligible (written only for households that
    were enrolled in the previous period, so "who left and why" is answered)."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("enrolled")
        EXCLUDED = "excluded", _("excluded")
        INELIGIBLE = "ineligible", _("no longer eligible")

    class Payment(models.TextChoices):
        NONE = "", _("not scheduled")
        SCHEDULED = "scheduled", _("scheduled")
        CREDITED = "credited", _("credited to the account")
        COLLECTED = "collected", _("collected")
        FAILED = "failed", _("failed")
        RETURNED = "returned", _("returned")

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="enrolments")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+", db_index=False)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    reason = models.CharField(_("main reason"), max_length=32, choices=Ground.choices, blank=True)
    reasons = models.CharField(_("all reasons"), max_length=500, blank=True)
    was_enrolled = models.BooleanField(_("enrolled in the previous period"), default=False)
    components = models.PositiveSmallIntegerField(_("benefit components"), default=0)
    amount = models.BigIntegerField(_("amount (Rp)"), default=0)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, blank=True)
    payment_status = models.CharField(
        _("payment status"), max_length=10, choices=Payment.choices, blank=True, default=Payment.NONE
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["period", "household"], name="enrolment_period_household"),
        ]
        indexes = [models.Index(fields=["household", "program"], name="enrolment_household_program")]

    def __str__(self) -> str:
        return f"{self.status} household #{self.household_id} {self.period_id}"

    @property
    def reason_list(self) -> list[str]:
        return [r for r in self.reasons.split(",") if r]


class PaymentBatch(models.Model):
    """One payment list for one period and channel, as handed to the bank or PT Pos, and its
    reconciliation with the channel's result file."""

    class State(models.TextChoices):
        EXPORTED = "exported", _("exported")
        RECONCILED = "reconciled", _("reconciled")

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="payment_batches")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.EXPORTED)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    total_amount = models.BigIntegerField(_("total amount (Rp)"), default=0)
    checksum = models.CharField(_("checksum (SHA-256)"), max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    reconciled_at = models.DateTimeField(_("reconciled at"), null=True, blank=True)
    result_counts = models.JSONField(_("result counts"), default=dict, blank=True)
    mismatches = models.JSONField(_("mismatches"), default=list, blank=True)
    actor_label = models.CharField(_("actor"), max_length=150)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")

    def __str__(self) -> str:
        return f"payments #{self.pk} {self.channel} {self.period_id}"
