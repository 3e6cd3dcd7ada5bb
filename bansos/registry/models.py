"""Households (one per KK) and people (one per NIK).

NIK and KK are never stored in clear: ``*_encrypted`` holds AES-GCM ciphertext and ``*_index`` a keyed
hash (blind index) that carries the unique constraint and equality look-ups (bansos.core.crypto).
Records are archived (status), never deleted; every change writes an audit event (registry.services).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bansos.core import crypto
from bansos.regions.models import Village


class Provenance(models.TextChoices):
    SYNTHETIC = "synthetic", _("synthetic (demo/test)")
    IMPORT = "import", _("file import")
    COUNTER = "counter", _("registered at the village office")
    PROPOSAL = "proposal", _("accepted proposal")
    ADMIN = "admin", _("entered by an administrator")


class ImportRun(models.Model):
    """One import of a pair of files; checkpoints let an interrupted import resume where it stopped."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        COMPLETED = "completed", _("completed")
        FAILED = "failed", _("failed")

    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RUNNING)
    fingerprint = models.CharField(_("input fingerprint"), max_length=64, db_index=True)
    source = models.CharField(_("source"), max_length=500)
    households_done = models.PositiveIntegerField(_("household rows done"), default=0)
    people_done = models.PositiveIntegerField(_("person rows done"), default=0)
    households_written = models.PositiveIntegerField(_("households written"), default=0)
    people_written = models.PositiveIntegerField(_("people written"), default=0)
    rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    actor_label = models.CharField(_("actor"), max_length=150)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"import #{self.pk} {self.status}"


class Household(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        MOVED = "moved", _("moved away")
        MERGED = "merged", _("merged into another household")
        ARCHIVED = "archived", _("archived")

    class FloorType(models.TextChoices):
        EARTH = "earth", _("earth")
        BAMBOO = "bamboo", _("bamboo/low-quality wood")
        CEMENT = "cement", _("cement/brick")
        TILE = "tile", _("ceramic/tile")
        MARBLE = "marble", _("marble/granite")

    class WallType(models.TextChoices):
        BAMBOO = "bamboo", _("bamboo/thatch")
        WOOD = "wood", _("wood/board")
        PLASTERED = "plastered", _("plastered brick")
        UNPLASTERED = "unplastered", _("unplastered brick")

    class RoofType(models.TextChoices):
        THATCH = "thatch", _("thatch/leaves")
        ZINC = "zinc", _("zinc/asbestos")
        TILE = "tile", _("roof tile")
        CONCRETE = "concrete", _("concrete")

    class WaterSource(models.TextChoices):
        SURFACE = "surface", _("river/rain/unprotected spring")
        WELL = "well", _("protected well/spring")
        PUMP = "pump", _("pump well")
        PIPED = "piped", _("piped water")
        BOTTLED = "bottled", _("bottled water")

    class Sanitation(models.TextChoices):
        NONE = "none", _("no toilet")
        SHARED = "shared", _("shared/public toilet")
        OWN = "own", _("own toilet")

    class Lighting(models.TextChoices):
        NONE = "none", _("no electricity")
        NON_PLN = "non_pln", _("non-PLN electricity")
        PLN_450 = "pln_450", _("PLN 450 VA")
        PLN_900 = "pln_900", _("PLN 900 VA")
        PLN_1300 = "pln_1300", _("PLN 1300 VA or more")

    class CookingFuel(models.TextChoices):
        WOOD = "wood", _("firewood/charcoal")
        KEROSENE = "kerosene", _("kerosene")
        LPG_3KG = "lpg_3kg", _("LPG 3 kg")
        LPG_LARGE = "lpg_large", _("LPG 5.5 kg or more/electric")

    class Tenure(models.TextChoices):
        OWNED = "owned", _("owned")
        RENTED = "rented", _("rented")
        FAMILY = "family", _("rent-free/family")
        OTHER = "other", _("other")

    kk_encrypted = models.BinaryField(_("KK number (encrypted)"))
    # Unique through Meta.constraints (a plain unique index: no second varchar_pattern_ops index to keep).
    kk_index = models.CharField(_("KK blind index"), max_length=32)
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="households")
    address = models.CharField(_("address"), max_length=255, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)

    floor_area_m2 = models.PositiveIntegerField(_("floor area (m²)"), null=True, blank=True)
    floor_type = models.CharField(_("floor"), max_length=12, choices=FloorType.choices, blank=True)
    wall_type = models.CharField(_("walls"), max_length=12, choices=WallType.choices, blank=True)
    roof_type = models.CharField(_("roof"), max_length=12, choices=RoofType.choices, blank=True)
    water_source = models.CharField(
        _("drinking water"), max_length=12, choices=WaterSource.choices, blank=True
    )
    sanitation = models.CharField(_("toilet"), max_length=12, choices=Sanitation.choices, blank=True)
    lighting = models.CharField(_("lighting"), max_length=12, choices=Lighting.choices, blank=True)
    cooking_fuel = models.CharField(_("cooking fuel"), max_length=12, choices=CookingFuel.choices, blank=True)
    tenure = models.CharField(_("house ownership"), max_length=12, choices=Tenure.choices, blank=True)
    has_motorcycle = models.BooleanField(_("owns a motorcycle"), default=False)
    has_car = models.BooleanField(_("owns a car"), default=False)
    has_refrigerator = models.BooleanField(_("owns a refrigerator"), default=False)
    has_land = models.BooleanField(_("owns farm land"), default=False)
    has_livestock = models.BooleanField(_("owns large livestock"), default=False)

    welfare_score = models.FloatField(_("welfare score"), null=True, blank=True)
    decile = models.PositiveSmallIntegerField(_("welfare decile"), null=True, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    provenance = models.CharField(_("provenance"), max_length=10, choices=Provenance.choices)
    # No database constraint: a per-row trigger on every imported row for a reference that is only
    # provenance (runs are never deleted; Django still applies SET_NULL if one is).
    import_run = models.ForeignKey(
        ImportRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    last_verified_at = models.DateTimeField(_("last verified"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(fields=["kk_index"], name="household_kk_index_unique"),
            models.CheckConstraint(
                condition=models.Q(decile__isnull=True) | models.Q(decile__gte=1, decile__lte=10),
                name="household_decile_1_10",
            ),
        ]

    def __str__(self) -> str:
        return f"household #{self.pk}"

    @property
    def kk(self) -> str:
        return crypto.decrypt(self.kk_encrypted)


class Person(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    class Relationship(models.TextChoices):
        HEAD = "head", _("head of family")
        SPOUSE = "spouse", _("spouse")
        CHILD = "child", _("child")
        CHILD_IN_LAW = "child_in_law", _("child-in-law")
        GRANDCHILD = "grandchild", _("grandchild")
        PARENT = "parent", _("parent")
        PARENT_IN_LAW = "parent_in_law", _("parent-in-law")
        OTHER_FAMILY = "other_family", _("other family")
        OTHER = "other", _("other")

    class MaritalStatus(models.TextChoices):
        SINGLE = "single", _("single")
        MARRIED = "married", _("married")
        DIVORCED = "divorced", _("divorced")
        WIDOWED = "widowed", _("widowed")

    class Education(models.TextChoices):
        NONE = "none", _("no schooling")
        SD = "sd", _("primary (SD)")
        SMP = "smp", _("junior secondary (SMP)")
        SMA = "sma", _("senior secondary (SMA/SMK)")
        DIPLOMA = "diploma", _("diploma")
        BACHELOR = "bachelor", _("bachelor or higher")

    class Schooling(models.TextChoices):
        NOT_YET = "not_yet", _("not yet in school")
        ATTENDING_SD = "sd", _("attending SD")
        ATTENDING_SMP = "smp", _("attending SMP")
        ATTENDING_SMA = "sma", _("attending SMA/SMK")
        ATTENDING_HIGHER = "higher", _("attending higher education")
        LEFT = "left", _("no longer in school")

    class Occupation(models.TextChoices):
        NONE = "none", _("not working")
        SCHOOL = "school", _("in school")
        HOUSEHOLD = "household", _("household duties")
        FARMER = "farmer", _("farmer")
        FISHER = "fisher", _("fisher")
        LABOURER = "labourer", _("labourer")
        TRADER = "trader", _("trader")
        PRIVATE = "private", _("private employee")
        CIVIL_SERVANT = "civil_servant", _("civil servant (ASN)")
        MILITARY = "military", _("TNI")
        POLICE = "police", _("Polri")
        VILLAGE_OFFICIAL = "village_official", _("village official")
        TEACHER = "teacher", _("certified teacher")
        HEALTH_WORKER = "health_worker", _("health worker")
        ENTREPRENEUR = "entrepreneur", _("company owner/officer")
        PENSIONER = "pensioner", _("pensioner")

    class Disability(models.TextChoices):
        NONE = "none", _("none")
        MILD = "mild", _("mild/moderate")
        SEVERE = "severe", _("severe")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    # Denormalised from the household so a name search within a village is one index range scan. Kept
    # equal to household.village by the registry services and the bulk writer; the household's own foreign
    # key guards the village, so this copy carries no database constraint (a trigger per imported row).
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    nik_encrypted = models.BinaryField(_("NIK (encrypted)"))
    nik_index = models.CharField(_("NIK blind index"), max_length=32)
    full_name = models.CharField(_("full name"), max_length=150)
    name_key = models.CharField(_("normalised name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    birth_place = models.CharField(_("birth place"), max_length=100, blank=True)
    relationship = models.CharField(_("relationship to head"), max_length=16, choices=Relationship.choices)
    marital_status = models.CharField(_("marital status"), max_length=10, choices=MaritalStatus.choices)
    education = models.CharField(_("education"), max_length=10, choices=Education.choices, blank=True)
    schooling = models.CharField(_("school attendance"), max_length=10, choices=Schooling.choices, blank=True)
    occupation = models.CharField(_("occupation"), max_length=20, choices=Occupation.choices, blank=True)
    is_civil_servant = models.BooleanField(_("civil servant (ASN)"), default=False)
    is_military = models.BooleanField(_("TNI"), default=False)
    is_police = models.BooleanField(_("Polri"), default=False)
    disability = models.CharField(_("disability"), max_length=8, choices=Disability.choices, default="none")
    chronic_illness = models.BooleanField(_("chronic illness"), default=False)
    is_pregnant = models.BooleanField(_("pregnant"), default=False)
    deceased_date = models.DateField(_("date of death"), null=True, blank=True)
    provenance = models.CharField(_("provenance"), max_length=10, choices=Provenance.choices)
    # No database constraint: a per-row trigger on every imported row for a reference that is only
    # provenance (runs are never deleted; Django still applies SET_NULL if one is).
    import_run = models.ForeignKey(
        ImportRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # Set when a reviewer merged this record into another one (bansos.linkage.merge); the record stays
    # (un-merge restores it) but is left out of the public check and of program rules.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["village", "name_key"], name="person_village_name")]
        constraints = [models.UniqueConstraint(fields=["nik_index"], name="person_nik_index_unique")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def nik(self) -> str:
        return crypto.decrypt(self.nik_encrypted)
