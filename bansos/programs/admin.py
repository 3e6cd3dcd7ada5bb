"""Admin screens for national administrators. Saves go through the services (validation, audit event);
period states move only through the transition actions; runs and enrolments are read-only."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bansos.core.admin import ReadOnlyAdmin
from bansos.core.audit import Actor
from bansos.core.errors import DomainError
from bansos.programs import services
from bansos.programs.models import (
    Enrolment,
    EnrolmentRun,
    HouseholdFlag,
    PaymentBatch,
    Period,
    PmtModel,
    Program,
    RankingRun,
    Rule,
)


class NoDeleteAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _actor(request: HttpRequest) -> Actor:
    return cast(Actor, request.user)


def _changes(form: Any, fields: frozenset[str] | set[str]) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.changed_data if name in fields}


@admin.register(Program)
class ProgramAdmin(NoDeleteAdmin):
    list_display = ("code", "name", "kind", "frequency", "active")
    list_filter = ("kind", "frequency", "active")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code",) if obj else ()

    def save_model(self, request: HttpRequest, obj: Program, form: Any, change: bool) -> None:
        if change:
            fresh = Program.objects.get(pk=obj.pk)
            services.program_update(
                program=fresh, actor=_actor(request), **_changes(form, services.PROGRAM_EDITABLE)
            )
        else:
            fields = {k: v for k, v in form.cleaned_data.items() if k in services.PROGRAM_EDITABLE}
            created = services.program_create(
                code=obj.code,
                name=fields.pop("name"),
                kind=fields.pop("kind"),
                frequency=fields.pop("frequency"),
                actor=_actor(request),
                **fields,
            )
            obj.pk = created.pk


def _transition(state: str) -> Any:
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Period]) -> None:
        for period in queryset:
            try:
                services.period_transition(period=period, to=state, actor=_actor(request))
            except DomainError as exc:
                modeladmin.message_user(request, exc.message, messages.ERROR)

    action.__name__ = f"make_{state}"
    return admin.action(description=_("Move to state: %s") % state)(action)


@admin.register(Period)
class PeriodAdmin(NoDeleteAdmin):
    list_display = ("program", "year", "stage", "label", "starts_on", "ends_on", "state")
    list_filter = ("program", "year", "state")
    actions = [_transition(state) for state in Period.State.values]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ("state",)
        if obj.is_frozen:
            return ("program", "year", "stage", "label", "starts_on", "ends_on", "state")
        return ("program", "year", "stage", "state")

    def save_model(self, request: HttpRequest, obj: Period, form: Any, change: bool) -> None:
        if change:
            fresh = Period.objects.get(pk=obj.pk)
            services.period_update(
                period=fresh, actor=_actor(request), **_changes(form, services.PERIOD_EDITABLE)
            )
        else:
            data = form.cleaned_data
            created = services.period_create(
                program=data["program"],
                year=data["year"],
                stage=data["stage"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                label=data.get("label", ""),
                actor=_actor(request),
            )
            obj.pk = created.pk


@admin.register(Rule)
class RuleAdmin(NoDeleteAdmin):
    list_display = ("program", "kind", "reason", "name", "position", "active")
    list_filter = ("program", "kind", "active")

    def save_model(self, request: HttpRequest, obj: Rule, form: Any, change: bool) -> None:
        if change:
            fields = {"kind", "reason", "name", "expression", "position", "active"}
            services.rule_update(rule=obj, actor=_actor(request), **_changes(form, fields))
        else:
            created = services.rule_create(
                program=obj.program,
                kind=obj.kind,
                reason=obj.reason,
                name=obj.name,
                expression=obj.expression,
                position=obj.position,
                actor=_actor(request),
            )
            obj.pk = created.pk


@admin.register(PmtModel)
class PmtModelAdmin(NoDeleteAdmin):
    list_display = ("version", "regency", "active", "created_at")
    list_filter = ("active",)
    raw_id_fields = ("regency",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # models are immutable: add a new version instead

    def save_model(self, request: HttpRequest, obj: PmtModel, form: Any, change: bool) -> None:
        created = services.pmt_model_create(
            version=obj.version, weights=obj.weights, regency_code=obj.regency_id, actor=_actor(request)
        )
        obj.pk = created.pk


@admin.register(HouseholdFlag)
class HouseholdFlagAdmin(NoDeleteAdmin):
    list_display = ("household", "ground", "source", "active", "created_at")
    list_filter = ("ground", "active")
    raw_id_fields = ("household",)
    readonly_fields = ("active", "withdrawn_at")
    actions = ["withdraw"]

    @admin.action(description=_("Withdraw the selected flags"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet[HouseholdFlag]) -> None:
        for flag in queryset:
            services.household_flag_withdraw(flag=flag, actor=_actor(request))

    def save_model(self, request: HttpRequest, obj: HouseholdFlag, form: Any, change: bool) -> None:
        if not change:
            created = services.household_flag_add(
                household=obj.household,
                ground=obj.ground,
                source=obj.source,
                note=obj.note,
                actor=_actor(request),
            )
            obj.pk = created.pk


@admin.register(RankingRun)
class RankingRunAdmin(ReadOnlyAdmin):
    list_display = ("id", "started_at", "model_version", "households_ranked", "seconds", "status")


@admin.register(EnrolmentRun)
class EnrolmentRunAdmin(ReadOnlyAdmin):
    list_display = ("id", "period", "started_at", "enrolled", "excluded", "left", "total_amount", "seconds")


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = (
        "household",
        "period",
        "status",
        "reason",
        "components",
        "amount",
        "channel",
        "payment_status",
    )
    list_filter = ("program", "status", "reason", "payment_status")
    raw_id_fields = ("household",)
    list_select_related = ("period__program",)


@admin.register(PaymentBatch)
class PaymentBatchAdmin(ReadOnlyAdmin):
    list_display = ("id", "period", "channel", "rows", "total_amount", "state", "created_at", "reconciled_at")
    list_filter = ("channel", "state")
