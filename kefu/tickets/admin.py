"""Admin: orders are read-only here (state changes go through services.transition, on the pages or the API)."""

from django.contrib import admin

from kefu.tickets.models import Compensation, Order, OrderEvent, TypicalCase


class EventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = ("at", "staff_no", "label", "from_state", "to_state", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "state", "level", "priority", "is_overdue", "accepted_at", "due_at")
    list_filter = ("kind", "state", "level", "is_overdue", "is_repeat")
    search_fields = ("number", "subject")
    exclude = ("customer",)  # customer data is shown masked on the order pages, with an audit record
    audit_type = "tickets.order"  # the subject and description are the customer's words: each read is audited
    inlines = [EventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Order._meta.fields if f.name != "customer"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TypicalCase)
class TypicalCaseAdmin(admin.ModelAdmin):
    audit_type = "tickets.case"
    list_display = ("title", "category", "tags", "created_at")
    search_fields = ("title", "summary", "analysis", "tags")
    readonly_fields = ("order", "created_by", "created_at")


@admin.register(Compensation)
class CompensationAdmin(admin.ModelAdmin):
    list_display = ("order", "amount", "approver", "state", "requested_at")
    list_filter = ("state", "approver")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Compensation._meta.fields]

    def has_add_permission(self, request):
        return False
