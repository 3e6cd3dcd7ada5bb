"""Set-based reads for the public statistics: enrolled households and amounts per program, period and
region, aggregated in SQL (GROUP BY on the first 2/4/6 digits of the village code), cached."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.db.models.functions import Substr

from bansos.programs.models import Enrolment, EnrolmentRun, Period
from bansos.regions.selectors import children, village_path
from bansos.stats.suppression import Cell, suppress

# Drill-down: country -> provinces -> regencies -> districts (villages are too small to publish).
CHILD_LENGTH = {0: 2, 2: 4, 4: 6}
CACHE_PREFIX = "stats:v1:"


def _version(period_id: int | None = None) -> str:
    """Changes whenever an enrolment run or payment changes the figures."""
    runs = (
        EnrolmentRun.objects.all() if period_id is None else EnrolmentRun.objects.filter(period_id=period_id)
    )
    periods = Period.objects.all() if period_id is None else Period.objects.filter(pk=period_id)
    latest = runs.aggregate(m=Max("id"))["m"] or 0
    updated = periods.aggregate(m=Max("updated_at"))["m"]
    return f"{latest}:{updated.timestamp() if updated else 0}"


def _cached(key: str, version: str, compute: Any) -> Any:
    full = f"{CACHE_PREFIX}{key}:{version}:{settings.STATS_MIN_CELL}"
    value = cache.get(full)
    if value is None:
        value = compute()
        cache.set(full, value, settings.STATS_CACHE_SECONDS)
    return value


def enrolled() -> Any:
    return Enrolment.objects.filter(status=Enrolment.Status.ENROLLED)


def period_totals() -> list[dict[str, Any]]:
    """Per period with enrolments: program, label, households, amount (one GROUP BY), totals suppressed."""

    def compute() -> list[dict[str, Any]]:
        sums = {
            row["period_id"]: row
            for row in enrolled()
            .values("period_id")
            .annotate(households=Count("id"), amount=Sum("amount"))
            .order_by()
        }
        k = settings.STATS_MIN_CELL
        out = []
        for period in (
            Period.objects.filter(pk__in=list(sums))
            .select_related("program")
            .order_by("program__code", "-year", "-stage")
        ):
            row = sums[period.pk]
            hidden = 0 < row["households"] < k
            out.append(
                {
                    "period_id": period.pk,
                    "program": period.program.code,
                    "program_name": period.program.name,
                    "label": period.label,
                    "code": period.code,
                    "state": period.get_state_display(),
                    "households": None if hidden else row["households"],
                    "amount": None if hidden else int(row["amount"] or 0),
                }
            )
        return out

    return _cached("periods", _version(), compute)


def region_table(period: Period, region: str = "") -> dict[str, Any]:
    """Children of ``region`` ("" = the provinces) with households and amount for ``period``, suppressed;
    plus the region's own total (suppressed when small)."""
    length = CHILD_LENGTH.get(len(region))
    if length is None:
        raise ValueError(region)

    def compute() -> dict[str, Any]:
        queryset = enrolled().filter(period_id=period.pk)
        if region:
            queryset = queryset.filter(household__village__code__startswith=region)
        sums = {
            row["code"]: (row["households"], int(row["amount"] or 0))
            for row in queryset.annotate(code=Substr("household__village_id", 1, length))
            .values("code")
            .annotate(households=Count("id"), amount=Sum("amount"))
            .order_by()
        }
        k = settings.STATS_MIN_CELL
        cells = [Cell(code, name, *sums.get(code, (0, 0))) for code, name in children(region)]
        suppress(cells, k)
        households = sum(h for h, _a in sums.values())
        amount = sum(a for _h, a in sums.values())
        total_hidden = 0 < households < k
        return {
            "cells": [c.__dict__ for c in cells],
            "households": None if total_hidden else households,
            "amount": None if total_hidden else amount,
            "max": max((c.households for c in cells if not c.suppressed), default=0),
        }

    return _cached(f"region:{period.pk}:{region}", _version(period.pk), compute)


def breadcrumbs(region: str) -> list[tuple[str, str]]:
    """(code, name) from the province down to ``region``."""
    if not region:
        return []
    names: dict[str, str] = {}
    for parent in ["", region[:2], region[:4]][: len(region) // 2]:
        names.update(dict(children(parent)))
    return [(region[:n], names.get(region[:n], region[:n])) for n in (2, 4, 6) if n <= len(region)]


__all__ = ["breadcrumbs", "period_totals", "region_table", "village_path"]
