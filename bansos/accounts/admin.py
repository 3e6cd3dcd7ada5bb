from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from bansos.accounts.models import OfficerRole, User

admin.site.register(User, UserAdmin)


@admin.register(OfficerRole)
class OfficerRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "region_code", "created_at", "ended_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "region_code"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]
