"""Pages: my leave and swaps, approvals, the monthly attendance sheet (with Excel export)."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from kefu.access import require
from kefu.attendance import services
from kefu.attendance.models import AttendanceSheet, LeaveRequest, PostCheck, ShiftSwap
from kefu.errors import RuleViolation
from kefu.org.roles import Role, roles_of
from kefu.web.context import ROLE_NAMES
from kefu.web.inputs import parse_day, parse_moment, parse_month

STATUS_LABELS = {
    "normal": gettext_lazy("正常"),
    "late": gettext_lazy("迟到"),
    "early": gettext_lazy("早退"),
    "late_early": gettext_lazy("迟到早退"),
    "absent": gettext_lazy("旷工"),
    "leave": gettext_lazy("请假"),
}
# The presets' leave kind names in the user's language; a center's own names are shown as written.
LEAVE_KIND_NAMES = {
    "事假": gettext_lazy("事假"),
    "特殊事假": gettext_lazy("特殊事假"),
    "病假": gettext_lazy("病假"),
    "年假": gettext_lazy("年假"),
    "调休": gettext_lazy("调休"),
    "婚假": gettext_lazy("婚假"),
    "丧假": gettext_lazy("丧假"),
    "公假": gettext_lazy("公假"),
}


# The rule notes kefu.attendance.rules stores with a leave request (Chinese, with values) in the user's language.
FINDING_PATTERNS = [
    (
        re.compile(r"^(?P<kind>.+)需在班前(?P<n>[\d.]+)(?P<unit>天|小时)提出（已不足），须经管理人员批准方可生效$"),
        gettext_lazy("%(kind)s需在班前%(time)s提出（已不足），须经管理人员批准方可生效"),
    ),
    (re.compile(r"^夜班请假须在当日(?P<time>\S+)之前提出$"), gettext_lazy("夜班请假须在当日%(time)s之前提出")),
    (
        re.compile(r"^原则上夜班不允许请假，特殊情况须经管理人员批准$"),
        gettext_lazy("原则上夜班不允许请假，特殊情况须经管理人员批准"),
    ),
    (re.compile(r"^节假日请假须提前(?P<n>\d+)天提出$"), gettext_lazy("节假日请假须提前%(n)s天提出")),
    (
        re.compile(r"^节假日原则上不允许请假，须经管理人员批准$"),
        gettext_lazy("节假日原则上不允许请假，须经管理人员批准"),
    ),
    (
        re.compile(r"^本部门同日请假人数已达上限（(?P<cap>\d+)人）$"),
        gettext_lazy("本部门同日请假人数已达上限（%(cap)s人）"),
    ),
    (
        re.compile(r"^本季度事假病假合计不得超过(?P<allowance>[\d.]+)天（已用(?P<taken>[\d.]+)天）$"),
        gettext_lazy("本季度事假病假合计不得超过%(allowance)s天（已用%(taken)s天）"),
    ),
]


def _finding(text: str) -> str:
    for pattern, shown in FINDING_PATTERNS:
        m = pattern.match(text)
        if m:
            values = m.groupdict()
            if "unit" in values:
                unit = values.pop("unit")
                values["time"] = (_("%(n)s天") if unit == "天" else _("%(n)s小时")) % {"n": values.pop("n")}
                values["kind"] = _kind_name(values["kind"])
            return shown % values
    return text


def _kind_name(label: str) -> str:
    return LEAVE_KIND_NAMES.get(label, label)


def _role_name(code: str) -> str:
    return ROLE_NAMES.get(Role(code), code) if code in Role._value2member_map_ else code


def _month_param(request) -> date:
    """The month asked for (this month when none); an impossible one is a 400 page, never another month."""
    raw = request.GET.get("month") or request.POST.get("month")
    return parse_month(raw, _("月份"), field="month") or timezone.localdate().replace(day=1)


def _errors(request, exc: RuleViolation):
    for p in exc.problems:
        messages.error(request, p.message)


def _labelled(leaves, pol: dict) -> list:
    """Leave kinds shown by their Chinese label from the policy (事假, 病假...)."""
    out = list(leaves)
    for r in out:
        r.kind_label = _kind_name(pol["kinds"].get(r.kind, {}).get("label", r.kind))
        r.findings_shown = [_finding(f) for f in r.findings]
    return out


@require("page.attendance.mine")
def mine(request):
    staff = request.user.staff
    pol = services.policy(staff.center)
    today = timezone.localdate()
    upcoming = services.scheduled_shifts(staff.center, start=today, end=date.fromordinal(today.toordinal() + 31)).get(
        staff.staff_no, []
    )
    return render(
        request,
        "attendance/mine.html",
        {
            "leaves": _labelled(LeaveRequest.objects.filter(staff=staff)[:50], pol),
            "swaps": ShiftSwap.objects.filter(Q(requester=staff) | Q(counterpart=staff)).select_related(
                "requester", "counterpart"
            )[:50],
            "kinds": [(k, _kind_name(v["label"])) for k, v in pol["kinds"].items()],
            "upcoming": upcoming,
        },
    )


@require("page.attendance.mine")
@require_POST
def submit_leave(request):
    try:
        start = parse_day(request.POST.get("start", ""), _("开始日期"), field="start", required=True)
        end = parse_day(request.POST.get("end", ""), _("结束日期"), field="end") or start
    except RuleViolation as exc:
        _errors(request, exc)
        return redirect("attendance:mine")
    try:
        leave = services.submit_leave(
            request.user.staff,
            kind=request.POST.get("kind", ""),
            start=start,
            end=end,
            reason=request.POST.get("reason", "").strip(),
        )
    except RuleViolation as exc:
        _errors(request, exc)
    else:
        text = _("已提交%(days)s天请假，待“%(steps)s”审批") % {
            "days": leave.days,
            "steps": "→".join(str(_role_name(s)) for s in leave.steps),
        }
        if leave.findings:
            text += _("（%(findings)s）") % {
                "findings": pgettext("list separator", "；").join(_finding(f) for f in leave.findings)
            }
        messages.success(request, text)
    return redirect("attendance:mine")


@require("page.attendance.mine")
@require_POST
def request_swap(request):
    try:
        mine_start = parse_moment(
            request.POST.get("requester_shift_start", ""), _("我的班次"), field="requester_shift_start", required=True
        )
        theirs_start = parse_moment(
            request.POST.get("counterpart_shift_start", ""),
            _("对方班次开始"),
            field="counterpart_shift_start",
            required=True,
        )
    except RuleViolation as exc:
        _errors(request, exc)
        return redirect("attendance:mine")
    try:
        services.request_swap(
            request.user.staff,
            counterpart_staff_no=request.POST.get("counterpart", "").strip(),
            requester_shift_start=mine_start,
            counterpart_shift_start=theirs_start,
            reason=request.POST.get("reason", "").strip(),
        )
    except RuleViolation as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("换班申请已提交，待对方同意后由双方班长审批"))
    return redirect("attendance:mine")


@require("page.attendance.mine")
@require_POST
def answer_swap(request, pk: int):
    """The counterpart's answer (000:L242, 003:L67)."""
    agree = request.POST.get("decision") == "agree"
    try:
        services.answer_swap(pk, request.user.staff, agree=agree)
    except RuleViolation as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已同意换班，待双方班长审批") if agree else _("已拒绝换班"))
    return redirect("attendance:mine")


FINDING_LABELS = {
    "left_post": gettext_lazy("离岗违纪"),
    "absent_from_post": gettext_lazy("不在岗"),
    "absenteeism": gettext_lazy("旷工"),
    "early_leave": gettext_lazy("早退"),
    "": gettext_lazy("不构成违纪"),
}


@require("page.attendance.approvals")
@require_POST
def post_check(request):
    """A lead enters a spot check or a stretch away from the post (002:L75, 000:L30-31); discipline records it."""
    try:
        at = parse_moment(request.POST.get("at", ""), _("查岗或离岗时间"), field="at", required=True)
        until = parse_moment(request.POST.get("until", ""), _("说明或返岗时间"), field="until")
        check = services.record_post_check(
            request.user.staff,
            kind=request.POST.get("kind", ""),
            staff_no=request.POST.get("staff_no", "").strip(),
            at=at,
            until=until,
            note=request.POST.get("note", "").strip(),
        )
    except RuleViolation as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("已登记：工号 %(staff_no)s，%(finding)s（%(minutes)s 分钟）")
            % {
                "staff_no": check.staff.staff_no,
                "finding": FINDING_LABELS.get(check.finding, check.finding),
                "minutes": check.minutes,
            },
        )
    return redirect("attendance:approvals")


@require("page.attendance.approvals")
def approvals(request):
    from kefu.attendance.machine import leave_steps_for
    from kefu.scope import caller

    scope = caller(request)
    steps = leave_steps_for(scope)  # the ladder steps the caller decides; never their own request (002:L70)
    pending = [
        r
        for r in LeaveRequest.objects.filter(state=LeaveRequest.State.SUBMITTED, staff__center=scope.center)
        .exclude(staff=scope.staff)
        .select_related("staff")
        if r.next_step in steps
    ]
    pending = _labelled(pending, services.policy(request.user.staff.center))
    swaps = ShiftSwap.objects.filter(
        state=ShiftSwap.State.AGREED, requester__center=request.user.staff.center
    ).select_related("requester", "counterpart")
    checks = list(PostCheck.objects.filter(staff__center=request.user.staff.center).select_related("staff")[:20])
    for c in checks:
        c.finding_label = FINDING_LABELS.get(c.finding, c.finding)
    return render(
        request,
        "attendance/approvals.html",
        {"pending": pending, "swaps": swaps, "checks": checks, "kinds": PostCheck.Kind.choices},
    )


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
        messages.success(request, _("已批准") if approve else _("已驳回"))
    return redirect("attendance:approvals")


@require("page.attendance.sheet")
def sheet(request):
    month = _month_param(request)
    center = request.user.staff.center
    rows = services.month_rows(center, month=month)
    published = AttendanceSheet.objects.filter(center=center, month=month).first()
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows, month)
    return render(
        request,
        "attendance/sheet.html",
        {
            "rows": rows,
            "month": month,
            "published": published,
            "can_publish": bool(roles_of(request.user) & {"hr", "manager"}),
            "status_labels": STATUS_LABELS,
        },
    )


@require("page.attendance.sheet")
@require_POST
def publish(request):
    month = _month_param(request)
    try:
        services.publish_sheet(request.user.staff.center, month=month, by=request.user.staff)
    except RuleViolation as exc:
        _errors(request, exc)
    else:
        messages.success(
            request, _("%(month)s考勤表已公布") % {"month": date_format(month, pgettext("month format", "Y年m月"))}
        )
    return redirect(f"/attendance/sheet/?month={month:%Y-%m}")


def _xlsx(rows: list[dict], month: date) -> HttpResponse:
    from openpyxl import Workbook

    from kefu.web.sheets import append

    wb = Workbook()
    ws = wb.active
    ws.title = _("%(month)s考勤") % {"month": f"{month:%Y-%m}"}
    append(
        ws,
        [
            _("工号"),
            _("班组"),
            _("已到班次"),
            _("待上班次"),
            _("出勤"),
            _("迟到"),
            _("早退"),
            _("旷工"),
            _("请假天数"),
            _("违纪"),
            _("出勤率"),
            _("未提前到岗"),
        ],
    )
    for r in rows:
        append(
            ws,
            [
                r["staff_no"],
                r["team"],
                r["planned"],
                r["upcoming"],
                r["attended"],
                r["late"],
                r["early"],
                r["absent"],
                r["leave_days"],
                r["violations"],
                "—" if r["attendance_rate"] is None else round(r["attendance_rate"] * 100, 2),
                r.get("not_early", 0),
            ],
        )
    buf = BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="attendance-{month:%Y-%m}.xlsx"'
    return response
