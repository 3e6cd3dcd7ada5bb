from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from bansos.accounts.models import ApiToken, OfficerRole, Registration, User

admin.site.register(User, UserAdmin)

REGISTRATION_FIELDS = ("user", "full_name", "birth_date", "status", "region_code", "mismatches",
                       "refusal_reason", "decided_by", "decided_at", "created_at")  # fmt: skip
TOKEN_FIELDS = ("user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")


@admin.register(OfficerRole)
class OfficerRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "region_code", "created_at", "ended_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "region_code"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Read-only: decisions go through the verification queue (/petugas/verifikasi/), which is
    region-scoped and audited; NIK, KK and the photos are not shown here."""

    list_display = ["id", "status", "region_code", "full_name", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["region_code"]
    fields = readonly_fields = REGISTRATION_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "expires_at", "revoked_at"]
    fields = readonly_fields = TOKEN_FIELDS
    raw_id_fields = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
