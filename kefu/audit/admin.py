from django.contrib import admin

from kefu.audit.models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    list_display = ("at", "staff_no", "action", "channel", "object_type", "object_ids", "ip")
    list_filter = ("action", "channel", "object_type")
    search_fields = ("staff_no", "object_ids", "path")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
