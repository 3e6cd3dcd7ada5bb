# ruff: noqa: S608  -- SQL is assembled from whitelisted identifiers and validated numbers; values are params
"""Eligibility and enrolment per period, set-based.

For a period, every active household that meets all of the program's eligibility rules is a candidate,
and so is every household enrolled in the previous period (so "who left and why" is recorded). One
``INSERT ... SELECT`` writes them all: each rule is evaluated once per candidate as a 0/1 column, then
status, main reason (the first failing rule in rule order) and the list of every reason are derived from
those columns; the benefit formula is computed in the same statement (a subquery joined on household).

``eligibility_dry_run`` runs the same SELECT grouped by region, writing nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from bansos.core.audit import Actor, actor_label, record
from bansos.programs.benefits import benefit_sql
from bansos.programs.models import Enrolment, EnrolmentRun, Ground, Period, Rule
from bansos.programs.ranking import batch_work_mem
from bansos.programs.rules import HOUSEHOLD_TABLE, RuleSetCompiler
from bansos.programs.services import ensure_period_changeable

ENROLMENT_TABLE = Enrolment._meta.db_table
Progress = Callable[[str], None]


@dataclass
class Plan:
    """The candidate SELECT for one period (columns household_id, village_id, status, reason, reasons, was,
    channel) and its parameters."""

    sql: str
    params: list[Any]
    rules: list[dict[str, Any]] = field(default_factory=list)


def previous_period(period: Period) -> Period | None:
    return (
        Period.objects.filter(program_id=period.program_id)
        .filter(Q(year__lt=period.year) | Q(year=period.year, stage__lt=period.stage))
        .order_by("-year", "-stage")
        .first()
    )


def _channel_expression(program: Any) -> str:
    channels = [c for c in program.channels if c.isalnum()]
    default = f"'{channels[0]}'" if channels else "''"
    by_region = {str(k): v for k, v in (program.channel_by_region or {}).items() if v in channels}
    expression = default
    for length in (2, 4):  # regency codes take precedence over province codes
        whens = " ".join(
            f"WHEN '{code}' THEN '{channel}'"
            for code, channel in sorted(by_region.items())
            if len(code) == length and code.isdigit()
        )
        if whens:
            expression = f"(CASE SUBSTR(h.village_id, 1, {length}) {whens} ELSE {expression} END)"
    return expression


def enrolment_plan(period: Period) -> Plan:
    program = period.program
    rules = list(Rule.objects.filter(program=program, active=True).order_by("kind", "position", "id"))
    eligibility = [r for r in rules if r.kind == Rule.Kind.ELIGIBILITY]
    exclusions = [r for r in rules if r.kind == Rule.Kind.EXCLUSION]
    rule_set = RuleSetCompiler(on=period.starts_on)
    compiled = {r.pk: rule_set.add(r.expression) for r in rules}
    aggregate = rule_set.member_aggregate()
    join, join_params = "", []
    if aggregate is not None:
        join, join_params = f"LEFT JOIN ({aggregate[0]}) a ON a.household_id = h.id", aggregate[1]
    previous = previous_period(period)
    was_sql = "0 = 1"
    if previous is not None:
        was_sql = (
            f"EXISTS (SELECT 1 FROM {ENROLMENT_TABLE} pe WHERE pe.period_id = {int(previous.pk)}"
            " AND pe.household_id = h.id AND pe.status = 'enrolled')"
        )
    select_params: list[Any] = []
    columns = [
        "h.id AS household_id",
        "h.village_id AS village_id",
        "CASE WHEN h.status = 'active' THEN 1 ELSE 0 END AS active",
    ]
    for i, rule in enumerate(eligibility):
        sql, params = compiled[rule.pk]
        columns.append(f"CASE WHEN {sql} THEN 1 ELSE 0 END AS e{i}")
        select_params.extend(params)
    for i, rule in enumerate(exclusions):
        sql, params = compiled[rule.pk]
        columns.append(f"CASE WHEN {sql} THEN 1 ELSE 0 END AS x{i}")
        select_params.extend(params)
    columns.append(f"CASE WHEN {was_sql} THEN 1 ELSE 0 END AS was")
    columns.append(f"{_channel_expression(program)} AS channel")
    where_params: list[Any] = []
    eligible_parts = ["h.status = 'active'"]
    for rule in eligibility:
        sql, params = compiled[rule.pk]
        eligible_parts.append(sql)
        where_params.extend(params)
    # The fence keeps the planner from inlining the rule columns into each of their uses below (which would
    # evaluate every rule several times per household).
    fence = "OFFSET 0" if connection.vendor == "postgresql" else "LIMIT -1 OFFSET 0"
    inner = (
        f"SELECT {', '.join(columns)} FROM {HOUSEHOLD_TABLE} h {join} "
        f"WHERE ({' AND '.join(eligible_parts)}) OR {was_sql} {fence}"
    )
    eligible = " AND ".join(["c.active = 1", *(f"c.e{i} = 1" for i in range(len(eligibility)))])
    excluded = " OR ".join(f"c.x{i} = 1" for i in range(len(exclusions))) or "0 = 1"
    failures = [("c.active = 0", Ground.NOT_ELIGIBLE.value)]
    failures += [(f"c.e{i} = 0", rule.reason) for i, rule in enumerate(eligibility)]
    failures += [(f"c.x{i} = 1", rule.reason) for i, rule in enumerate(exclusions)]
    reason = "CASE " + " ".join(f"WHEN {cond} THEN '{code}'" for cond, code in failures) + " ELSE '' END"
    reasons = (
        "RTRIM("
        + " || ".join(f"(CASE WHEN {cond} THEN '{code},' ELSE '' END)" for cond, code in failures)
        + ", ',')"
    )
    status = (
        f"CASE WHEN ({eligible}) AND NOT ({excluded}) THEN 'enrolled' "
        f"WHEN ({eligible}) THEN 'excluded' ELSE 'ineligible' END"
    )
    sql = (
        f"SELECT c.household_id, c.village_id, {status} AS status, {reason} AS reason, {reasons} AS reasons, "
        f"c.was AS was, c.channel AS channel FROM ({inner}) c"
    )
    summary = [
        {"id": r.pk, "kind": r.kind, "reason": r.reason, "name": r.name} for r in [*eligibility, *exclusions]
    ]
    return Plan(sql=sql, params=select_params + join_params + where_params, rules=summary)


def _no_jit(cursor: Any) -> None:
    """PostgreSQL's JIT spends seconds compiling the many CASE/EXISTS expressions of a rule set and gains
    little back: switch it off for this transaction, and give its sorts and hashes memory."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SELECT set_config('work_mem', %s, true)", [batch_work_mem()])


@transaction.atomic
def eligibility_dry_run(*, period: Period) -> list[dict[str, Any]]:
    """Counts per province and regency (enrolled, excluded, left) for the period, without writing."""
    plan = enrolment_plan(period)
    sql = f"""
        SELECT SUBSTR(p.village_id, 1, 2) AS province, SUBSTR(p.village_id, 1, 4) AS regency,
               SUM(CASE WHEN p.status = 'enrolled' THEN 1 ELSE 0 END),
               SUM(CASE WHEN p.status = 'excluded' THEN 1 ELSE 0 END),
               SUM(CASE WHEN p.status <> 'enrolled' AND p.was = 1 THEN 1 ELSE 0 END)
        FROM ({plan.sql}) p
        GROUP BY SUBSTR(p.village_id, 1, 2), SUBSTR(p.village_id, 1, 4)
        ORDER BY 1, 2
    """
    with connection.cursor() as cursor:
        _no_jit(cursor)
        cursor.execute(sql, plan.params)
        return [
            {"province": prov, "regency": reg, "enrolled": int(e), "excluded": int(x), "left": int(left)}
            for prov, reg, e, x, left in cursor.fetchall()
        ]


def _noop(_phase: str) -> None:
    return None


def enrolment_run(*, period: Period, actor: Actor, progress: Progress = _noop) -> EnrolmentRun:
    """Replace the period's enrolments with the current outcome of the program's rules and benefit."""
    started = time.perf_counter()
    with transaction.atomic():
        period = Period.objects.select_for_update().select_related("program").get(pk=period.pk)
        ensure_period_changeable(period)
        plan = enrolment_plan(period)
        with connection.cursor() as cursor:
            _no_jit(cursor)
            progress("clear")
            cursor.execute(f"DELETE FROM {ENROLMENT_TABLE} WHERE period_id = %s", [period.pk])
            progress("eligibility and benefit")
            benefit = benefit_sql(period.program.benefit or {}, months=period.months, on=period.starts_on)
            join = f"LEFT JOIN ({benefit.join}) b ON b.household_id = p.household_id" if benefit.join else ""
            enrolled = "p.status = 'enrolled'"
            cursor.execute(
                f"""
                INSERT INTO {ENROLMENT_TABLE} (period_id, program_id, household_id, status, reason, reasons,
                    was_enrolled, components, amount, channel, payment_status)
                SELECT {int(period.pk)}, {int(period.program_id)}, p.household_id, p.status, p.reason,
                    p.reasons, (p.was = 1),
                    CASE WHEN {enrolled} THEN {benefit.components} ELSE 0 END,
                    CASE WHEN {enrolled} THEN {benefit.amount} ELSE 0 END,
                    CASE WHEN {enrolled} THEN p.channel ELSE '' END, ''
                FROM ({plan.sql}) p {join}
                """,
                plan.params + benefit.params,
            )
            progress("count")
            cursor.execute(
                f"SELECT status, was_enrolled, COUNT(*), COALESCE(SUM(amount), 0) FROM {ENROLMENT_TABLE} "
                "WHERE period_id = %s GROUP BY status, was_enrolled",
                [period.pk],
            )
            rows = cursor.fetchall()
        run = EnrolmentRun(period=period, actor_label=actor_label(actor), rules=plan.rules)
        for status, was, count, amount in rows:
            if status == Enrolment.Status.ENROLLED:
                run.enrolled += count
                run.total_amount += int(amount)
            elif status == Enrolment.Status.EXCLUDED:
                run.excluded += count
            if status != Enrolment.Status.ENROLLED and was:
                run.left += count
        run.finished_at = timezone.now()
        run.seconds = round(time.perf_counter() - started, 3)
        run.save()
        record(
            actor=actor,
            event_type="programs.enrolment_run",
            subject=run,
            details={
                "program": period.program.code,
                "period": period.code,
                "enrolled": run.enrolled,
                "excluded": run.excluded,
                "left": run.left,
                "total_amount": run.total_amount,
            },
        )
    return run
