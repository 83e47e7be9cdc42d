"""Admin for the therapists' working hours and leave (free slots, the capacity forecast)."""

from django.contrib import admin

from treatment.models import Leave, WorkingHours


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ["therapist", "team", "weekday", "starts", "ends", "client_share"]
    list_filter = ["team", "weekday"]
    autocomplete_fields = ["therapist"]


@admin.register(Leave)
class LeaveAdmin(admin.ModelAdmin):
    list_display = ["therapist", "team", "first_day", "last_day", "reason"]
    list_filter = ["team", "reason"]
    autocomplete_fields = ["therapist"]
