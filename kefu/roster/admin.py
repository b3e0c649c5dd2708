"""Administrators edit the center's shift templates here (the roster page uses the active ones)."""
from django.contrib import admin

from kefu.roster.models import RosterRequest, ShiftTemplate


@admin.register(ShiftTemplate)
class ShiftTemplateAdmin(admin.ModelAdmin):
    list_display = ("center", "code", "name", "start", "minutes", "night", "active")
    list_filter = ("center", "night", "active")


@admin.register(RosterRequest)
class RosterRequestAdmin(admin.ModelAdmin):
    list_display = ("staff", "day", "kind", "shift_code", "weight")
    list_filter = ("kind",)

    # requests are filed through roster.services.submit_request (its checks), only read here
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
