from django.contrib import admin

from kefu.audit.masking import mask_name, mask_phone
from kefu.audit.services import record_read
from kefu.customers.models import Customer


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    """Masked in lists; the admin is configuration, not a way around the unmask permission."""

    list_display = ("id", "masked_name", "masked_phone", "kind", "is_vip", "last_contact_at")
    list_filter = ("kind", "is_vip")
    exclude = ("name", "phone", "service_number", "address")
    readonly_fields = ("masked_name", "masked_phone")

    @admin.display(description="姓名")
    def masked_name(self, obj):
        return mask_name(obj.name)

    @admin.display(description="电话")
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    def has_add_permission(self, request):
        return False

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        rows = getattr(response, "context_data", {}).get("cl")
        if rows is not None:
            record_read(
                request,
                object_type="customer",
                ids=[c.pk for c in rows.result_list],
                fields="name,phone(masked)",
                channel="admin",
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record_read(request, object_type="customer", ids=[object_id], fields="name,phone(masked)", channel="admin")
        return super().change_view(request, object_id, form_url, extra_context)
