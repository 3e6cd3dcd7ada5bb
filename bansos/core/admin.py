from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bansos.core.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records written only through services (audit events, run logs, deliveries...): the admin can
    look, never add, change or delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "event_type", "subject_type", "subject_id", "actor_label"]
    list_filter = ["event_type", "subject_type"]
    search_fields = ["subject_id", "actor_label"]
    readonly_fields = [field.name for field in AuditEvent._meta.fields]
