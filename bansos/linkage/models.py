"""Record linkage: duplicate candidates and their review, merges (reversible), trained Splink models,
external lists (deaths, payroll, high earners) and the person flags their matches raise.

Identifiers appear here only as blind indexes (bansos.core.crypto); evidence shown to reviewers is masked.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bansos.programs.models import HouseholdFlag
from bansos.regions.models import Village
from bansos.registry.models import Person


class LinkageModel(models.Model):
    """One trained Splink model; its settings (m/u probabilities) live in
    ``var/linkage/models/<version>.json`` and are copied here so a model survives the loss of the file."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    path = models.CharField(_("file"), max_length=500)
    settings = models.JSONField(_("Splink settings"), default=dict)
    records = models.PositiveIntegerField(_("records trained on"), default=0)
    backend = models.CharField(_("backend"), max_length=10, default="duckdb")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    actor_label = models.CharField(_("actor"), max_length=150)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("linkage model")
        verbose_name_plural = _("linkage models")

    def __str__(self) -> str:
        return self.version


class Run(models.Model):
    class Kind(models.TextChoices):
        EXACT = "exact", _("exact checks")
        PROBABILISTIC = "probabilistic", _("probabilistic (Splink)")
        CROSSCHECK = "crosscheck", _("cross-check")

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        COMPLETED = "completed", _("completed")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RUNNING)
    model = models.ForeignKey(LinkageModel, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    threshold = models.FloatField(_("match probability threshold"), null=True, blank=True)
    records = models.PositiveIntegerField(_("records compared"), default=0)
    pairs_found = models.PositiveIntegerField(_("pairs found"), default=0)
    pairs_new = models.PositiveIntegerField(_("new pairs"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=150)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("linkage run")
        verbose_name_plural = _("linkage runs")

    def __str__(self) -> str:
        return f"{self.kind} run #{self.pk}"


class Rule(models.TextChoices):
    SAME_NIK = "same_nik", _("same NIK in two households")
    SAME_PERSON = "same_person", _("same name, birth date and sex in two active households")
    TWO_HEADS = "two_heads", _("two heads in one family card")
    SPLINK = "splink", _("probabilistic match")


class CandidatePair(models.Model):
    """Two person records that may be one person. ``left_id < right_id``; one row per pair, ever: a
    dismissed pair stays dismissed when later runs find it again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        MERGED = "merged", _("merged")
        DISMISSED = "dismissed", _("dismissed (not the same person)")

    left = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    right = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # Copies of the people's villages for region scoping (both must be in an officer's region).
    left_village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    right_village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    rule = models.CharField(_("rule"), max_length=12, choices=Rule.choices)
    score = models.FloatField(_("match probability"))
    match_weight = models.FloatField(_("match weight"), null=True, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("candidate pair")
        verbose_name_plural = _("candidate pairs")
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="linkage_pair_unique"),
            models.CheckConstraint(
                condition=models.Q(left__lt=models.F("right")), name="linkage_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["status", "left_village"], name="linkage_pair_status_village")]

    def __str__(self) -> str:
        return f"pair #{self.pk} ({self.left_id}, {self.right_id})"


class Merge(models.Model):
    """One merge of ``merged`` into ``survivor``: what moved (relation label -> ids) so it can be undone."""

    pair = models.ForeignKey(CandidatePair, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    moved = models.JSONField(_("moved relations"), default=dict)
    household_status_before = models.CharField(_("household status before"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    actor_label = models.CharField(_("actor"), max_length=150)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.CharField(_("undone by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self) -> str:
        return f"merge #{self.pk} {self.merged_id} -> {self.survivor_id}"


class ListKind(models.TextChoices):
    DEATHS = "deaths", _("death records")
    PAYROLL = "payroll", _("civil-servant/TNI/Polri payroll")
    HIGH_WAGE = "high_wage", _("high-wage earners")


class ExternalList(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=ListKind.choices)
    source = models.CharField(_("source"), max_length=200)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    matched_by_nik = models.PositiveIntegerField(_("matched by NIK"), default=0)
    matched_by_name = models.PositiveIntegerField(_("matched by name, birth date and region"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=150)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("external list")
        verbose_name_plural = _("external lists")

    def __str__(self) -> str:
        return f"{self.kind} list #{self.pk}"


class ExternalRecord(models.Model):
    """One row of an external list: the NIK only as its blind index, the name as its normalised key."""

    external_list = models.ForeignKey(ExternalList, on_delete=models.CASCADE, related_name="records")
    row = models.PositiveIntegerField(_("row"))
    nik_index = models.CharField(_("NIK blind index"), max_length=32, blank=True, db_index=True)
    name_key = models.CharField(_("normalised name"), max_length=150, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    region_code = models.CharField(_("region code"), max_length=10, blank=True)
    category = models.CharField(_("category"), max_length=20, blank=True)
    event_date = models.DateField(_("date"), null=True, blank=True)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("external record")
        verbose_name_plural = _("external records")

    def __str__(self) -> str:
        return f"row {self.row} of list #{self.external_list_id}"


class PersonFlag(models.Model):
    """A person found on an external list. Feeds eligibility through the household flag it raised
    (programs.HouseholdFlag, which the default exclusion rules test). Withdrawn, not deleted."""

    class Method(models.TextChoices):
        NIK = "nik", _("NIK (blind index)")
        PROBABILISTIC = "probabilistic", _("name, birth date and region")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=ListKind.choices)
    method = models.CharField(_("matched by"), max_length=14, choices=Method.choices)
    score = models.FloatField(_("match probability"), default=1.0)
    record = models.ForeignKey(
        ExternalRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    household_flag = models.ForeignKey(
        HouseholdFlag, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("person flag")
        verbose_name_plural = _("person flags")
        indexes = [models.Index(fields=["person", "kind"], name="linkage_flag_person_kind")]

    def __str__(self) -> str:
        return f"{self.kind} person #{self.person_id}"
