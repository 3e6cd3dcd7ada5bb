from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bansos.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "event_type", "subject_type", "subject_id", "actor_label"]
    list_filter = ["event_type", "subject_type"]
    search_fields = ["subject_id", "actor_label"]
    readonly_fields = [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
