"""Read-mostly admin views: writes go through the officer console and the services (audit events)."""

from __future__ import annotations

from django.contrib import admin

from bansos.core.admin import ReadOnlyAdmin
from bansos.notices.models import Announcement, Broadcast, Delivery, PushSubscription, Subscription


@admin.register(Announcement)
class AnnouncementAdmin(ReadOnlyAdmin):
    list_display = ("title", "state", "program", "publish_at", "expires_at")
    list_filter = ("state", "program")
    search_fields = ("title",)


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("id", "channel", "state", "region_code", "program", "created_at")
    list_filter = ("channel", "state", "program")


@admin.register(PushSubscription)
class PushSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("id", "user", "created_at", "last_error")


@admin.register(Broadcast)
class BroadcastAdmin(ReadOnlyAdmin):
    list_display = ("source", "state", "batches", "batches_done", "created_at", "finished_at")
    list_filter = ("state",)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("broadcast", "subscription_id", "channel", "status", "attempts", "error", "updated_at")
    list_filter = ("status", "channel")
    list_select_related = ("broadcast",)
