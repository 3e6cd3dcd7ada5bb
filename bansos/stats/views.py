"""Public statistics (/statistik/): per program and period, enrolled households and amounts by region
with drill-down province -> regency -> district, as tables and SVG charts (no JavaScript), and the same
figures as CSV open data (/statistik/data.csv). Small cells are suppressed (bansos.stats.suppression)."""

from __future__ import annotations

import csv
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from bansos.programs.models import Period
from bansos.regions.selectors import region_exists
from bansos.stats import selectors
from bansos.stats.charts import bar_chart

LEVEL_NAMES = {0: "province", 2: "regency", 4: "district"}


class BadInput(Exception):
    pass


def _params(request: HttpRequest) -> tuple[Period | None, str]:
    """The chosen period and region (2 or 4 digits); BadInput with a message for anything else."""
    period = None
    raw = request.GET.get("period", "")
    if raw:
        period = (
            Period.objects.select_related("program").filter(pk=int(raw)).first() if raw.isdigit() else None
        )
        if period is None:
            raise BadInput(_("Unknown period. Choose one from the list."))
    region = request.GET.get("region", "")
    if region and (len(region) not in (2, 4) or not region_exists(region)):
        raise BadInput(_("Unknown region code. Choose a province or regency from the table."))
    return period, region


def _hidden() -> str:
    return f"<{settings.STATS_MIN_CELL}"


def index(request: HttpRequest) -> HttpResponse:
    try:
        period, region = _params(request)
        error = ""
    except BadInput as exc:
        period, region, error = None, "", str(exc)
    context: dict[str, Any] = {
        "error": error,
        "periods": selectors.period_totals(),
        "period": period,
        "region": region,
        "hidden": _hidden(),
        "min_cell": settings.STATS_MIN_CELL,
        "licence": settings.STATS_LICENCE,
    }
    if period is not None:
        table = selectors.region_table(period, region)
        crumbs = selectors.breadcrumbs(region)
        place = crumbs[-1][1] if crumbs else _("Indonesia")
        context.update(
            {
                "table": table,
                "crumbs": crumbs,
                "place": place,
                "drill": len(region) < 4,
                "chart": bar_chart(
                    table["cells"],
                    title=_("Households receiving %(program)s %(period)s in %(place)s")
                    % {"program": period.program.code, "period": period.label, "place": place},
                    hidden_label=_hidden(),
                ),
            }
        )
    return render(request, "stats/index.html", context, status=400 if error else 200)


def csv_download(request: HttpRequest) -> HttpResponse:
    try:
        period, region = _params(request)
    except BadInput as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="bansos-statistik-{stamp}.csv"'
    writer = csv.writer(response, lineterminator="\n")
    licence, source = _("Licence"), _("Source")
    note = _(
        "Cells with fewer than %(k)s households are shown as %(hidden)s, with some others to protect them."
    ) % {"k": settings.STATS_MIN_CELL, "hidden": _hidden()}
    writer.writerow([f"# {licence}: {settings.STATS_LICENCE}. {source}: Bansos. {note}"])
    writer.writerow(
        [
            "program",
            "period",
            "period_label",
            "region_code",
            "region_name",
            "level",
            "households",
            "amount_rp",
        ]
    )
    if period is None:
        for row in selectors.period_totals():
            writer.writerow(
                [row["program"], row["code"], row["label"], "", "Indonesia", "country",
                 _hidden() if row["households"] is None else row["households"],
                 "" if row["amount"] is None else row["amount"]]
            )  # fmt: skip
        return response
    table = selectors.region_table(period, region)
    for cell in table["cells"]:
        writer.writerow(
            [period.program.code, period.code, period.label, cell["code"], cell["name"],
             LEVEL_NAMES[len(region)], _hidden() if cell["suppressed"] else cell["households"],
             "" if cell["suppressed"] else cell["amount"]]
        )  # fmt: skip
    return response
