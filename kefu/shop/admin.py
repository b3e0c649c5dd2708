from django.contrib import admin

from .models import Shop


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "center", "flag_scheme", "after_sales")
    list_filter = ("center",)
    search_fields = ("code", "name")
