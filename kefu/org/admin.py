from django import forms
from django.contrib import admin

from kefu.org.models import ApiToken, Center, Department, Policy, Skill, Staff, Team
from kefu.org.policy import validate_overrides


@admin.register(Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "time_zone")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "leader", "executive", "liaison")
    list_filter = ("kind",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "department", "lead")


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ("staff_no", "name", "department", "team", "level", "employment", "is_active")
    list_filter = ("department", "team", "level", "employment", "is_active")
    search_fields = ("staff_no", "name")
    filter_horizontal = ("skills",)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = ("center", "preset", "overrides")

    def clean(self):
        data = super().clean()
        errors = validate_overrides(data.get("preset"), data.get("overrides") or {}, data.get("center"))
        if errors:
            raise forms.ValidationError([f"{field}：{msg}" for field, msg in errors])
        return data


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    form = PolicyForm
    list_display = ("center", "preset", "updated_at")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "created_at", "last_used_at", "revoked")
    readonly_fields = ("digest",)
