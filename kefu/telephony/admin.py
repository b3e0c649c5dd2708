from django.contrib import admin

from kefu.audit.masking import mask_phone
from kefu.org.admin_scope import ReadOnlyAdmin
from kefu.telephony.models import AgentPause, AgentSession, Call, Caller, ImportBatch, ScheduledShift


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "file_name",
        "rows",
        "calls",
        "sessions",
        "pauses",
        "pending",
        "imported_at",
        "imported_by",
    )
    list_filter = ("kind",)
    readonly_fields = ("sha256", "imported_at")


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    """Caller numbers are masked; the admin is no way around the unmask permission."""

    audit_type = "telephony.call"  # callers' numbers (masked): each list and page read is audited
    list_display = (
        "call_id",
        "queue",
        "call_type",
        "is_vip",
        "masked_caller",
        "offered_at",
        "outcome",
        "wait_seconds",
        "talk_seconds",
        "agent_staff_no",
    )
    list_filter = ("outcome", "is_vip", "queue", "transferred")
    search_fields = ("call_id", "agent_staff_no")
    exclude = ("caller",)
    readonly_fields = ("masked_caller",)
    raw_id_fields = ("batch", "agent", "team")
    list_select_related = ("caller",)

    @admin.display(description="主叫号码")
    def masked_caller(self, obj):
        return mask_phone(obj.caller.number) if obj.caller_id is not None else ""


@admin.register(Caller)
class CallerAdmin(ReadOnlyAdmin):
    """Numbers masked and read-only: callers are written by the imports and wiped by retention only."""

    audit_type = "telephony.caller"
    list_display = ("id", "center", "masked_number", "destroyed_at")
    list_filter = ("center",)
    fields = ("center", "masked_number", "destroyed_at")
    readonly_fields = fields

    @admin.display(description="主叫号码")
    def masked_number(self, obj):
        return mask_phone(obj.number)


@admin.register(AgentSession)
class AgentSessionAdmin(admin.ModelAdmin):
    list_display = ("agent_staff_no", "queue", "start", "end")
    search_fields = ("agent_staff_no",)
    raw_id_fields = ("batch", "agent")


@admin.register(AgentPause)
class AgentPauseAdmin(admin.ModelAdmin):
    list_display = ("agent_staff_no", "queue", "start", "end", "reason")
    search_fields = ("agent_staff_no",)
    raw_id_fields = ("batch", "agent")


@admin.register(ScheduledShift)
class ScheduledShiftAdmin(admin.ModelAdmin):
    list_display = ("agent_staff_no", "start", "end")
    search_fields = ("agent_staff_no",)
    raw_id_fields = ("batch", "agent")
