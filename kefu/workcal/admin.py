from django.contrib import admin

from kefu.workcal import services
from kefu.workcal.models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("day", "is_working_day", "name", "updated_at")
    date_hierarchy = "day"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.invalidate()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.invalidate()
