"""The calendar's configuration lives in the Django admin: day overrides, and (issue 12) the entry of a year's
arrangement as CSV with a preview before saving, and the confirmation that a year is complete."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.errors import RuleViolation
from kefu.workcal import arrangement, services, years
from kefu.workcal.messages import shown
from kefu.workcal.models import CalendarOverride, ConfirmedYear

WEEKDAYS = [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")]
EXAMPLE = "日期,类型,名称\n2027-01-01,休,元旦\n2027-02-06,班,春节调休上班\n2027-02-08,休,春节\n"


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("day", "is_working_day", "name", "updated_at")
    date_hierarchy = "day"
    change_list_template = "admin/workcal/calendaroverride/change_list.html"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.invalidate()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.invalidate()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)  # the "delete selected" action skips delete_model
        services.invalidate()

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("arrangement/", view(self.arrangement_view), name="workcal_calendaroverride_arrangement"),
            path(
                "confirm-year/",
                view(require_POST(self.confirm_year_view)),
                name="workcal_calendaroverride_confirm_year",
            ),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        pending = years.years_needing_attention(timezone.localdate())
        return super().changelist_view(
            request, {**(extra_context or {}), "year_warnings": [(y, years.year_warning(y)) for y in pending]}
        )

    def _may_enter(self, request) -> None:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied

    def arrangement_view(self, request):
        """Type or upload a year's days (日期,类型,名称); "预览" shows what changes, "确认保存" saves all of it or nothing."""
        self._may_enter(request)
        data = request.POST if request.method == "POST" else request.GET
        pending = years.years_needing_attention(timezone.localdate())
        year_text = (data.get("year") or str(pending[0] if pending else timezone.localdate().year + 1)).strip()[:10]
        text, problems, result = data.get("text", "") if request.method == "POST" else "", [], None
        upload = request.FILES.get("file")
        if upload is not None:
            decoded = (
                arrangement.decode(upload.read(arrangement.MAX_BYTES + 1))
                if upload.size <= arrangement.MAX_BYTES
                else None
            )
            if upload.size > arrangement.MAX_BYTES:
                problems.append(shown("workcal.arrangement.too_large", {"max": arrangement.MAX_BYTES // 1024}))
            elif decoded is None:
                problems.append(shown("workcal.arrangement.encoding"))
            else:
                text = decoded
        year = int(year_text) if year_text.isdigit() else None
        if year is None:
            problems.append(
                shown("workcal.arrangement.year_range", {"min": arrangement.MIN_YEAR, "max": arrangement.MAX_YEAR})
            )
        if request.method == "POST" and not problems:
            try:
                if data.get("action") == "save":
                    years.save_arrangement(text, year, request.user, confirm=bool(data.get("confirm")))
                    messages.success(
                        request,
                        gettext("已保存 %(year)s 年的放假调休安排") % {"year": year}
                        + ("" if not data.get("confirm") else gettext("，并确认该年安排已完整录入")),
                    )
                    return redirect("admin:workcal_calendaroverride_changelist")
                result = years.preview(text, year)
            except RuleViolation as exc:
                problems = [p.message for p in exc.problems]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("录入年度放假调休安排"),
            "year": year_text,
            "text": text,
            "problems": problems,
            "example": EXAMPLE,
            "preview": result and _preview_rows(result),
            "result": result,
            "year_warning": years.year_warning(year) if year and year in pending else "",
        }
        return TemplateResponse(
            request, "admin/workcal/calendaroverride/arrangement.html", context, status=400 if problems else 200
        )

    def confirm_year_view(self, request):
        self._may_enter(request)
        year_text = request.POST.get("year", "").strip()
        try:
            if not year_text.isdigit():
                raise RuleViolation(
                    shown("workcal.arrangement.year_range", {"min": arrangement.MIN_YEAR, "max": arrangement.MAX_YEAR}),
                    field="year",
                    rule="year_range",
                )
            years.confirm_year(int(year_text), request.user)
        except RuleViolation as exc:
            messages.error(request, exc.problems[0].message)
        else:
            messages.success(
                request, gettext("已确认 %(year)s 年的安排，跨入该年的期限不再提示") % {"year": int(year_text)}
            )
        return redirect(reverse("admin:workcal_calendaroverride_changelist"))


def _status(working: bool) -> str:
    return gettext("工作日") if working else gettext("休息日")


def _preview_rows(result: arrangement.Preview) -> list[dict]:
    return [
        {
            "line": c.line,
            "day": c.day,
            "weekday": WEEKDAYS[c.day.weekday()],
            "kind": gettext("班") if c.working_after else gettext("休"),
            "name": c.name_after,
            "before": _status(c.working_before) + (f" · {c.name_before}" if c.name_before else ""),
            "after": _status(c.working_after),
            "changed": c.changed,
        }
        for c in result.days
    ]


@admin.register(ConfirmedYear)
class ConfirmedYearAdmin(admin.ModelAdmin):
    """Years confirmed complete; added only by confirming, deleted to bring the warning back."""

    list_display = ("year", "confirmer", "confirmed_at")

    @admin.display(description="确认人")
    def confirmer(self, obj):
        staff = getattr(obj.confirmed_by, "staff", None) if obj.confirmed_by_id else None
        return (
            staff.staff_no if staff is not None else (obj.confirmed_by.get_username() if obj.confirmed_by_id else "—")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        years.withdraw_confirmation(obj.year)

    def delete_queryset(self, request, queryset):
        for year in list(queryset.values_list("year", flat=True)):
            years.withdraw_confirmation(year)
