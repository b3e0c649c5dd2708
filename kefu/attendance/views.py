"""Pages: my leave and swaps, approvals, the monthly attendance sheet (with Excel export)."""
from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.access import require
from kefu.attendance import services
from kefu.attendance.models import AttendanceSheet, LeaveRequest, ShiftSwap
from kefu.errors import RuleViolation
from kefu.org.roles import roles_of

STATUS_LABELS = {"normal": "正常", "late": "迟到", "early": "早退", "late_early": "迟到早退", "absent": "旷工", "leave": "请假"}


def _month_param(request) -> date:
    raw = request.GET.get("month") or request.POST.get("month") or timezone.localdate().strftime("%Y-%m")
    try:
        y, m = raw.split("-")
        return date(int(y), int(m), 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _errors(request, exc: RuleViolation):
    for p in exc.problems:
        messages.error(request, p.message)


def _labelled(leaves, pol: dict) -> list:
    """Leave kinds shown by their Chinese label from the policy (事假, 病假...)."""
    out = list(leaves)
    for r in out:
        r.kind_label = pol["kinds"].get(r.kind, {}).get("label", r.kind)
    return out


@require("page.attendance.mine")
def mine(request):
    staff = request.user.staff
    pol = services.policy(staff.center)
    today = timezone.localdate()
    upcoming = services.scheduled_shifts(staff.center, today, date.fromordinal(today.toordinal() + 31)).get(staff.staff_no, [])
    return render(request, "attendance/mine.html", {
        "leaves": _labelled(LeaveRequest.objects.filter(staff=staff)[:50], pol),
        "swaps": ShiftSwap.objects.filter(Q(requester=staff) | Q(counterpart=staff)).select_related("requester", "counterpart")[:50],
        "kinds": [(k, v["label"]) for k, v in pol["kinds"].items()],
        "upcoming": upcoming,
    })


@require("page.attendance.mine")
@require_POST
def submit_leave(request):
    try:
        start = date.fromisoformat(request.POST.get("start", ""))
        end = date.fromisoformat(request.POST.get("end", "") or request.POST.get("start", ""))
    except ValueError:
        messages.error(request, "请填写开始和结束日期（YYYY-MM-DD）")
        return redirect("attendance:mine")
    try:
        leave = services.submit_leave(request.user.staff, kind=request.POST.get("kind", ""), start=start, end=end,
                                      reason=request.POST.get("reason", "").strip())
    except RuleViolation as exc:
        _errors(request, exc)
    else:
        extra = "；".join(leave.findings)
        messages.success(request, f"已提交{leave.days}天请假，待“{'→'.join(services._role_label(s) for s in leave.steps)}”审批" + (f"（{extra}）" if extra else ""))
    return redirect("attendance:mine")


@require("page.attendance.mine")
@require_POST
def request_swap(request):
    try:
        mine_start = datetime.fromisoformat(request.POST.get("requester_shift_start", ""))
        theirs_start = datetime.fromisoformat(request.POST.get("counterpart_shift_start", ""))
    except ValueError:
        messages.error(request, "请选择双方的班次（开始时间）")
        return redirect("attendance:mine")
    tz = timezone.get_current_timezone()
    try:
        services.request_swap(request.user.staff, counterpart_staff_no=request.POST.get("counterpart", "").strip(),
                              requester_shift_start=mine_start if mine_start.tzinfo else mine_start.replace(tzinfo=tz),
                              counterpart_shift_start=theirs_start if theirs_start.tzinfo else theirs_start.replace(tzinfo=tz),
                              reason=request.POST.get("reason", "").strip())
    except RuleViolation as exc:
        _errors(request, exc)
    else:
        messages.success(request, "换班申请已提交，待双方班长审批")
    return redirect("attendance:mine")


@require("page.attendance.approvals")
def approvals(request):
    mine = {r.value for r in roles_of(request.user)}
    pending = [r for r in LeaveRequest.objects.filter(state=LeaveRequest.State.SUBMITTED).select_related("staff") if r.next_step in mine]
    pending = _labelled(pending, services.policy(request.user.staff.center))
    swaps = ShiftSwap.objects.filter(state=ShiftSwap.State.REQUESTED).select_related("requester", "counterpart")
    return render(request, "attendance/approvals.html", {"pending": pending, "swaps": swaps})


@require("page.attendance.approvals")
@require_POST
def decide(request, kind: str, pk: int):
    approve = request.POST.get("decision") == "approve"
    try:
        if kind == "leave":
            services.decide_leave(pk, request.user.staff, approve=approve, note=request.POST.get("note", ""))
        else:
            services.decide_swap(pk, request.user.staff, approve=approve)
    except RuleViolation as exc:
        _errors(request, exc)
    else:
        messages.success(request, "已批准" if approve else "已驳回")
    return redirect("attendance:approvals")


@require("page.attendance.sheet")
def sheet(request):
    month = _month_param(request)
    center = request.user.staff.center
    rows = services.month_rows(center, month)
    published = AttendanceSheet.objects.filter(center=center, month=month).first()
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows, month)
    return render(request, "attendance/sheet.html", {"rows": rows, "month": month, "published": published,
                                                       "can_publish": bool(roles_of(request.user) & {"hr", "manager"}),
                                                       "status_labels": STATUS_LABELS})


@require("page.attendance.sheet")
@require_POST
def publish(request):
    month = _month_param(request)
    try:
        services.publish_sheet(request.user.staff.center, month, request.user.staff)
    except RuleViolation as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"{month:%Y年%m月}考勤表已公布")
    return redirect(f"/attendance/sheet/?month={month:%Y-%m}")


def _xlsx(rows: list[dict], month: date) -> HttpResponse:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = f"{month:%Y-%m}考勤"
    ws.append(["工号", "班组", "已到班次", "待上班次", "出勤", "迟到", "早退", "旷工", "请假天数", "违纪", "出勤率"])
    for r in rows:
        ws.append([r["staff_no"], r["team"], r["planned"], r["upcoming"], r["attended"], r["late"], r["early"], r["absent"],
                   r["leave_days"], r["violations"], "—" if r["attendance_rate"] is None else round(r["attendance_rate"] * 100, 2)])
    buf = BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="attendance-{month:%Y-%m}.xlsx"'
    return response
