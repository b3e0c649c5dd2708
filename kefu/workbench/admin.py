from django.contrib import admin

from kefu.workbench.models import PhraseOverride


@admin.register(PhraseOverride)
class PhraseOverrideAdmin(admin.ModelAdmin):
    """For QA: texts saved although the phrase check flagged them (read only)."""

    list_display = ("at", "staff", "order", "field", "channel")
    list_filter = ("field", "channel")
    search_fields = ("staff__staff_no", "order__number")
    readonly_fields = ("center", "staff", "order", "at", "field", "text", "hits", "channel")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
