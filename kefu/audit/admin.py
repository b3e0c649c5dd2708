from django.contrib import admin

from kefu.audit.models import AuditRecord
from kefu.org.admin_scope import ReadOnlyAdmin


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ("at", "staff_no", "action", "channel", "object_type", "object_ids", "ip")
    list_filter = ("action", "channel", "object_type")
    search_fields = ("staff_no", "object_ids", "path")
