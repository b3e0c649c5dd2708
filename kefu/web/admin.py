from django.contrib import admin

from kefu.web import messages, timers
from kefu.web.models import TimerStatus


@admin.register(TimerStatus)
class TimerStatusAdmin(admin.ModelAdmin):
    """Read-only: the timers write these rows; the administrator reads the last failure here (details in the log)."""

    list_display = ("timer", "last_run_at", "last_ok_at", "failed_at", "failures", "error")
    list_filter = ("failures",)
    readonly_fields = ("name", "last_run_at", "last_ok_at", "failed_at", "failures", "code", "params")

    @admin.display(description="定时任务")
    def timer(self, obj):
        return timers.label_of(obj.name)

    @admin.display(description="最近一次错误")
    def error(self, obj):
        return messages.shown(obj.code, obj.params) if obj.code else "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
