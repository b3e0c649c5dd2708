"""The appraisal record of each staff member (rank and status) edited in the admin site, scoped to the center like
every admin page (kefu/org/admin_scope.py). A rank must be one the center's policy gives a bonus base (000:L84)."""

from django import forms
from django.contrib import admin

from kefu.org.policy import policy_for

from .models import StaffRecord


class StaffRecordForm(forms.ModelForm):
    class Meta:
        model = StaffRecord
        fields = ("staff", "rank", "status")

    def clean(self):
        data = super().clean()
        staff, rank = data.get("staff"), data.get("rank")
        if staff is not None and rank:
            bases = policy_for("discipline", staff.center).get("appraisal", {}).get("bases", {})
            if bases and rank not in bases:
                self.add_error("rank", f"职级：{rank} 不在本中心考核奖基数的职级中（可选：{'、'.join(bases)}）")
        return data


@admin.register(StaffRecord)
class StaffRecordAdmin(admin.ModelAdmin):
    form = StaffRecordForm
    list_display = ("staff", "rank", "status")
    list_filter = ("status",)
    search_fields = ("staff__staff_no", "staff__name")
    autocomplete_fields = ()
