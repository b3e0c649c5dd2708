from django.contrib import admin

from kefu.notify.models import Channel, Notification, Outbox, Preference


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "center", "is_active")
    exclude = ("secret",)


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ("created_at", "via", "recipient", "state", "attempts", "next_at", "sent_at", "last_error")
    list_filter = ("state", "via")
    readonly_fields = (
        "center",
        "via",
        "recipient",
        "key",
        "code",
        "params",
        "link",
        "urgent",
        "state",
        "attempts",
        "next_at",
        "claimed_at",
        "sent_at",
        "last_error",
        "created_at",
    )
    exclude = ("address",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "code", "urgent", "read_at")


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("staff", "by_email", "by_sms", "by_wecom", "by_dingtalk", "quiet_start", "quiet_end")
