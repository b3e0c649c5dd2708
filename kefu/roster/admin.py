"""The roster's shift templates and requests, read here. The templates follow the center's shift calendar (policy
section `shifts`, kefu/workcal/policy.py): hours are edited there, once for the roster, the diary, QA and attendance."""

from django.contrib import admin

from kefu.org.admin_scope import ReadOnlyAdmin
from kefu.roster.models import RosterRequest, ShiftTemplate


@admin.register(ShiftTemplate)
class ShiftTemplateAdmin(ReadOnlyAdmin):
    list_display = ("center", "code", "name", "start", "minutes", "night", "active")
    list_filter = ("center", "night", "active")

    # kept in step with the shift calendar by roster.services.ensure_templates: an edit here would be undone


@admin.register(RosterRequest)
class RosterRequestAdmin(admin.ModelAdmin):
    list_display = ("staff", "day", "kind", "shift_code", "weight")
    list_filter = ("kind",)

    # requests are filed through roster.services.submit_request (its checks), only read here
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
