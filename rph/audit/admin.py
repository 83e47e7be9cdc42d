from django.contrib import admin

from rph.audit.models import AccessEvent, BreakGlassGrant


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "team", "subject_type", "subject_id", "action", "basis", "ip"]
    list_filter = ["basis", "channel", "team"]


@admin.register(BreakGlassGrant)
class BreakGlassGrantAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "team", "subject_type", "subject_id", "reviewed_at"]
    list_filter = ["team"]
