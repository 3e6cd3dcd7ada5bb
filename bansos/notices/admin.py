"""Read-mostly admin views: writes go through the officer console and the services (audit events)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bansos.notices.models import Announcement, Broadcast, Delivery, PushSubscription, Subscription


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Announcement)
class AnnouncementAdmin(ReadOnly):
    list_display = ("title", "state", "program", "publish_at", "expires_at")
    list_filter = ("state", "program")
    search_fields = ("title",)


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnly):
    list_display = ("id", "channel", "state", "region_code", "program", "created_at")
    list_filter = ("channel", "state", "program")


@admin.register(PushSubscription)
class PushSubscriptionAdmin(ReadOnly):
    list_display = ("id", "user", "created_at", "last_error")


@admin.register(Broadcast)
class BroadcastAdmin(ReadOnly):
    list_display = ("source", "state", "batches", "batches_done", "created_at", "finished_at")
    list_filter = ("state",)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ("broadcast", "subscription_id", "channel", "status", "attempts", "error", "updated_at")
    list_filter = ("status", "channel")
    list_select_related = ("broadcast",)
