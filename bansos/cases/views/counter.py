"""The village office counter: look up a visitor's status (no anti-bot for an officer, but only inside
the officer's region) and register a household (KK + head of family) through the registry services."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from bansos.accounts.models import Role
from bansos.accounts.scoping import officer_scope, scope_filter, scope_require
from bansos.cases.forms import CounterHouseholdForm, StatusCheckForm
from bansos.cases.views.common import officer_required, region_selection
from bansos.core.errors import DomainError
from bansos.lookup.selectors import status_by_name, status_by_nik
from bansos.regions.models import Village
from bansos.registry import services as registry
from bansos.registry.models import Person, Provenance

COUNTER_ROLES = (Role.VILLAGE_OPERATOR, Role.DISTRICT, Role.DINSOS)


@officer_required
@require_http_methods(["GET", "POST"])
def status_check(request: HttpRequest) -> HttpResponse:
    context = {"form": StatusCheckForm(), "selection": region_selection(request.POST or None)}
    if request.method == "GET" or request.POST.get("step"):
        return render(request, "cases/console/check.html", context)
    form = StatusCheckForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    scope = officer_scope(request.user)
    results = []
    if data.get("nik"):
        result = status_by_nik(data["nik"])
        if result is not None and scope.covers(result.village_code):
            results = [result]
    elif data.get("name") and request.POST.get("village"):
        village = request.POST["village"]
        if scope.covers(village):
            results = status_by_name(village, data["name"])
    context.update(form=form, results=results, searched=True)
    return render(request, "cases/console/check.html", context)


def _villages(request: HttpRequest) -> list[tuple[str, str]]:
    qs = scope_filter(Village.objects.all(), request.user, field="code", roles=COUNTER_ROLES, write=True)
    return [(v.code, v.name) for v in qs.order_by("code")[:500]]


@officer_required
@require_http_methods(["GET", "POST"])
def household_new(request: HttpRequest) -> HttpResponse:
    template = "cases/console/household_new.html"
    villages = _villages(request)
    if request.method == "GET":
        return render(request, template, {"form": CounterHouseholdForm(villages=villages)})
    form = CounterHouseholdForm(request.POST, villages=villages)
    if not form.is_valid():
        return render(request, template, {"form": form}, status=400)
    data = form.cleaned_data
    try:
        scope_require(request.user, data["village"], roles=COUNTER_ROLES, write=True)
        officer: Any = request.user
        with transaction.atomic():
            household = registry.household_register(
                kk=data["kk"], village_code=data["village"], actor=officer,
                provenance=Provenance.COUNTER, address=data["address"], rt=data["rt"], rw=data["rw"],
            )  # fmt: skip
            registry.person_add(
                household=household, nik=data["head_nik"], full_name=data["head_name"], sex=data["head_sex"],
                birth_date=data["head_birth_date"], relationship=Person.Relationship.HEAD,
                marital_status=data["head_marital_status"], actor=officer, provenance=Provenance.COUNTER,
            )  # fmt: skip
    except DomainError as exc:
        return render(request, template, {"form": form, "error": exc.message}, status=exc.status)
    done = CounterHouseholdForm(villages=villages)
    message = gettext("Household #%(id)s registered.") % {"id": household.pk}
    return render(request, template, {"form": done, "done": message})
