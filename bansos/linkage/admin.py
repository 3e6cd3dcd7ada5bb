"""Read-only admin screens: runs, models, pairs, merges, external lists and flags. Decisions are taken in
the officer console (/petugas/duplikat/), lists are uploaded at /petugas/daftar-luar/ or with
``bansos crosscheck``: both go through the services (validation, audit events)."""

from __future__ import annotations

from django.contrib import admin

from bansos.core.admin import ReadOnlyAdmin
from bansos.linkage.models import CandidatePair, ExternalList, LinkageModel, Merge, PersonFlag, Run


@admin.register(LinkageModel)
class LinkageModelAdmin(ReadOnlyAdmin):
    list_display = ["version", "backend", "records", "created_at", "actor_label"]


@admin.register(Run)
class RunAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "kind",
        "status",
        "model",
        "threshold",
        "records",
        "pairs_found",
        "pairs_new",
        "seconds",
    ]
    list_filter = ["kind", "status"]


@admin.register(CandidatePair)
class CandidatePairAdmin(ReadOnlyAdmin):
    list_display = ["id", "left_id", "right_id", "rule", "score", "status", "decided_by"]
    list_filter = ["status", "rule"]
    raw_id_fields = ["left", "right"]


@admin.register(Merge)
class MergeAdmin(ReadOnlyAdmin):
    list_display = ["id", "survivor_id", "merged_id", "created_at", "actor_label", "undone_at"]


@admin.register(ExternalList)
class ExternalListAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "source", "rows", "matched_by_nik", "matched_by_name", "uploaded_at"]
    list_filter = ["kind"]


@admin.register(PersonFlag)
class PersonFlagAdmin(ReadOnlyAdmin):
    list_display = ["id", "person_id", "kind", "method", "score", "active", "created_at"]
    list_filter = ["kind", "method", "active"]
