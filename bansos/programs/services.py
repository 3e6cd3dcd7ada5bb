"""Writes to programs, periods, rules, PMT models and household flags; one audit event per change."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bansos.core import crypto
from bansos.core.audit import Actor, apply_changes, record
from bansos.core.errors import DomainError
from bansos.programs import defaults
from bansos.programs.models import Ground, HouseholdFlag, Period, PmtModel, Program, Rule
from bansos.programs.signals import period_state_changed
from bansos.registry.identifiers import clean_identifier
from bansos.registry.models import Household


class ProgramError(DomainError):
    code = "programs.invalid"


class PeriodStateError(DomainError):
    code = "programs.period_state"


# planned -> open -> locked -> paid; an open period can go back to planned. Nothing leaves "paid".
TRANSITIONS: dict[str, frozenset[str]] = {
    Period.State.PLANNED: frozenset({Period.State.OPEN}),
    Period.State.OPEN: frozenset({Period.State.PLANNED, Period.State.LOCKED}),
    Period.State.LOCKED: frozenset({Period.State.PAID}),
    Period.State.PAID: frozenset(),
}
PROGRAM_EDITABLE = frozenset(
    {"name", "kind", "frequency", "channels", "channel_by_region", "benefit", "active"}
)
PERIOD_EDITABLE = frozenset({"label", "starts_on", "ends_on"})


def _full_clean(instance: Any, **kwargs: Any) -> None:
    try:
        instance.full_clean(**kwargs)
    except ValidationError as exc:
        problems = "; ".join(
            f"{field}: {' '.join(str(m) for m in msgs)}" for field, msgs in exc.message_dict.items()
        )
        raise ProgramError(_("Invalid data: %(problems)s"), problems=problems) from exc


@transaction.atomic
def program_create(
    *, code: str, name: str, kind: str, frequency: str, actor: Actor, **fields: Any
) -> Program:
    unknown = sorted(set(fields) - PROGRAM_EDITABLE)
    if unknown:
        raise ProgramError(_("These fields cannot be set here: %(fields)s."), fields=", ".join(unknown))
    if Program.objects.filter(code=code).exists():
        raise ProgramError(
            _("Program %(program)s already exists."), code="programs.program_exists", program=code
        )
    program = Program(code=code, name=name, kind=kind, frequency=frequency, **fields)
    _full_clean(program)
    program.save()
    record(actor=actor, event_type="programs.program_created", subject=program, details={"code": code})
    return program


@transaction.atomic
def program_update(*, program: Program, actor: Actor, **changes: Any) -> Program:
    unknown = sorted(set(changes) - PROGRAM_EDITABLE)
    if unknown:
        raise ProgramError(_("These fields cannot be changed here: %(fields)s."), fields=", ".join(unknown))
    diff = apply_changes(program, changes)
    if not diff:
        return program
    _full_clean(program)
    program.save()
    record(actor=actor, event_type="programs.program_updated", subject=program, details={"changes": diff})
    return program


@transaction.atomic
def period_create(
    *,
    program: Program,
    year: int,
    stage: int,
    starts_on: datetime.date,
    ends_on: datetime.date,
    actor: Actor,
    label: str = "",
) -> Period:
    if Period.objects.filter(program=program, year=year, stage=stage).exists():
        raise ProgramError(
            _("%(program)s already has period %(period)s."),
            code="programs.period_exists",
            program=program.code,
            period=f"{year}-{stage}",
        )
    if ends_on < starts_on:
        raise ProgramError(_("A period cannot end before it starts."), code="programs.period_dates")
    period = Period(
        program=program,
        year=year,
        stage=stage,
        starts_on=starts_on,
        ends_on=ends_on,
        label=label or _label(starts_on, ends_on),
    )
    _full_clean(period)
    period.save()
    record(
        actor=actor,
        event_type="programs.period_created",
        subject=period,
        details={"program": program.code, "period": period.code, "label": period.label},
    )
    return period


def _label(starts_on: datetime.date, ends_on: datetime.date) -> str:
    first, last = defaults.MONTHS_ID[starts_on.month - 1], defaults.MONTHS_ID[ends_on.month - 1]
    same = (starts_on.year, starts_on.month) == (ends_on.year, ends_on.month)
    return f"{first} {ends_on.year}" if same else f"{first}-{last} {ends_on.year}"


@transaction.atomic
def periods_plan_year(*, program: Program, year: int, actor: Actor) -> list[Period]:
    """Create the year's stages from the program's frequency (those that do not exist yet)."""
    created = []
    for plan in defaults.plan_periods(program.frequency, year):
        if not Period.objects.filter(program=program, year=year, stage=plan["stage"]).exists():
            created.append(period_create(program=program, year=year, actor=actor, **plan))
    return created


def ensure_period_changeable(period: Period) -> None:
    """Refuse any change to a locked or paid period (its enrolments and payments are final)."""
    if period.is_frozen:
        raise PeriodStateError(
            _("Period %(period)s of %(program)s is %(state)s and cannot be changed."),
            code="programs.period_locked",
            period=period.code,
            program=period.program.code,
            state=period.get_state_display(),
        )


@transaction.atomic
def period_update(*, period: Period, actor: Actor, **changes: Any) -> Period:
    period = Period.objects.select_for_update().select_related("program").get(pk=period.pk)
    ensure_period_changeable(period)
    unknown = sorted(set(changes) - PERIOD_EDITABLE)
    if unknown:
        raise ProgramError(_("These fields cannot be changed here: %(fields)s."), fields=", ".join(unknown))
    diff = apply_changes(period, changes)
    if not diff:
        return period
    if period.ends_on < period.starts_on:
        raise ProgramError(_("A period cannot end before it starts."), code="programs.period_dates")
    _full_clean(period)
    period.save()
    record(actor=actor, event_type="programs.period_updated", subject=period, details={"changes": diff})
    return period


@transaction.atomic
def period_transition(*, period: Period, to: str, actor: Actor) -> Period:
    """Move a period along planned -> open -> locked -> paid (open -> planned allowed); refuse the rest."""
    period = Period.objects.select_for_update().select_related("program").get(pk=period.pk)
    before = period.state
    if to not in Period.State.values:
        raise PeriodStateError(_("Unknown period state '%(state)s'."), code="programs.bad_state", state=to)
    if to not in TRANSITIONS[before]:
        allowed = ", ".join(sorted(TRANSITIONS[before])) or "none"
        raise PeriodStateError(
            _("Period %(period)s cannot go from %(before)s to %(after)s (allowed: %(allowed)s)."),
            code="programs.bad_transition",
            period=period.code,
            before=before,
            after=to,
            allowed=allowed,
        )
    period.state = to
    period.save(update_fields=["state", "updated_at"])
    record(
        actor=actor,
        event_type="programs.period_transition",
        subject=period,
        details={"program": period.program.code, "changes": {"state": {"before": before, "after": to}}},
    )
    period_state_changed.send(sender=Period, period=period, before=before, after=to, actor=actor)
    return period


@transaction.atomic
def rule_create(
    *, program: Program, kind: str, reason: str, name: str, expression: Any, actor: Actor, position: int = 0
) -> Rule:
    rule = Rule(
        program=program, kind=kind, reason=reason, name=name, expression=expression, position=position
    )
    _full_clean(rule)
    rule.save()
    record(
        actor=actor,
        event_type="programs.rule_created",
        subject=rule,
        details={"program": program.code, "kind": kind, "reason": reason, "expression": expression},
    )
    return rule


@transaction.atomic
def rule_update(*, rule: Rule, actor: Actor, **changes: Any) -> Rule:
    allowed = {"kind", "reason", "name", "expression", "position", "active"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ProgramError(_("These fields cannot be changed here: %(fields)s."), fields=", ".join(unknown))
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    diff = apply_changes(rule, changes)
    if not diff:
        return rule
    _full_clean(rule)
    rule.save()
    record(actor=actor, event_type="programs.rule_updated", subject=rule, details={"changes": diff})
    return rule


@transaction.atomic
def pmt_model_create(
    *, version: str, weights: dict[str, Any], actor: Actor, regency_code: str | None = None
) -> PmtModel:
    """Add a PMT model and make it the active one for its scope (national, or one regency)."""
    if PmtModel.objects.filter(version=version).exists():
        raise ProgramError(
            _("PMT model %(version)s already exists."), code="programs.pmt_exists", version=version
        )
    model = PmtModel(version=version, regency_id=regency_code, weights=weights)
    _full_clean(model, validate_constraints=False)
    replaced = list(
        PmtModel.objects.filter(active=True, regency_id=regency_code).values_list("version", flat=True)
    )
    PmtModel.objects.filter(active=True, regency_id=regency_code).update(active=False)
    model.save()
    record(
        actor=actor,
        event_type="programs.pmt_model_created",
        subject=model,
        details={"version": version, "regency": regency_code, "replaces": replaced},
    )
    return model


@transaction.atomic
def household_flag_add(
    *, household: Household, ground: str, actor: Actor, source: str = "", note: str = ""
) -> HouseholdFlag:
    flag = HouseholdFlag(household=household, ground=ground, source=source, note=note)
    _full_clean(flag, exclude=["household"])
    flag.save()
    record(
        actor=actor,
        event_type="programs.flag_added",
        subject=flag,
        details={"household": household.pk, "ground": ground, "source": source},
    )
    return flag


@transaction.atomic
def household_flag_withdraw(*, flag: HouseholdFlag, actor: Actor, reason: str = "") -> HouseholdFlag:
    if not flag.active:
        return flag
    flag.active = False
    flag.withdrawn_at = timezone.now()
    flag.save(update_fields=["active", "withdrawn_at"])
    record(
        actor=actor,
        event_type="programs.flag_withdrawn",
        subject=flag,
        details={"household": flag.household_id, "ground": flag.ground, "reason": reason},
    )
    return flag


FLAG_CHUNK = 5000


@transaction.atomic
def household_flags_import(*, ground: str, kks: list[str], source: str, actor: Actor) -> dict[str, int]:
    """Flag the households of a cross-check list (KK numbers, e.g. wage data above the regional minimum
    wage) in bulk. KKs are looked up through the blind index and never recorded; households already
    carrying an active flag for the ground are skipped. One audit event with the counts."""
    if ground not in Ground.values:
        raise ProgramError(_("Unknown ground '%(ground)s'."), code="programs.ground_unknown", ground=ground)
    indexes = {crypto.blind_index(clean_identifier(kk)) for kk in kks if clean_identifier(kk)}
    found: list[int] = []
    ordered = sorted(indexes)
    for start in range(0, len(ordered), FLAG_CHUNK):
        found += list(
            Household.objects.filter(kk_index__in=ordered[start : start + FLAG_CHUNK]).values_list(
                "pk", flat=True
            )
        )
    flagged = set(
        HouseholdFlag.objects.filter(ground=ground, active=True, household_id__in=found).values_list(
            "household_id", flat=True
        )
    )
    new = [HouseholdFlag(household_id=pk, ground=ground, source=source) for pk in found if pk not in flagged]
    HouseholdFlag.objects.bulk_create(new, batch_size=FLAG_CHUNK)
    counts = {
        "listed": len(indexes),
        "not_found": len(indexes) - len(found),
        "already_flagged": len(flagged),
        "flagged": len(new),
    }
    record(
        actor=actor,
        event_type="programs.flags_imported",
        subject=("programs.householdflag", ground),
        details={"ground": ground, "source": source, **counts},
    )
    return counts
