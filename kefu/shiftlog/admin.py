"""Read-only views of the diary for administrators: every change goes through services (signatures, carry-over)."""

from django.contrib import admin

from kefu.org.admin_scope import ReadOnlyAdmin as ReadOnly
from kefu.shiftlog.models import Handover, Issue, Item


@admin.register(Handover)
class HandoverAdmin(ReadOnly):
    list_display = ("shift_date", "shift_name", "outgoing", "incoming", "state", "signed_out_at", "countersigned_at")
    list_filter = ("state", "shift_code")
    date_hierarchy = "shift_date"


@admin.register(Item)
class ItemAdmin(ReadOnly):
    list_display = ("kind", "text", "order_ref", "holder", "created_at", "closed_at", "closed_by")
    list_filter = ("kind",)
    exclude = ("customer",)  # customer data only through the masked pages


@admin.register(Issue)
class IssueAdmin(ReadOnly):
    list_display = ("handover", "kind", "side", "responsible", "status", "reported_at")
    list_filter = ("kind", "status")
