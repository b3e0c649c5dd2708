"""Pages: forecast, staffing per interval, the five tables (with Excel), the supervisor's floor panel (HTMX)."""

from __future__ import annotations

import json
import math
import re
from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_POST

from kefu.access import allowed, require
from kefu.errors import RuleViolation
from kefu.web.inputs import parse_day, parse_moment, parse_month
from kefu.wfm import services
from kefu.wfm.api import center_of
from kefu.wfm.models import ForecastAdjustment

BINDING_LABELS = {
    "service_level": gettext_lazy("服务水平"),
    "asa": gettext_lazy("平均应答速度"),
    "abandon": gettext_lazy("放弃率"),
    "occupancy": gettext_lazy("占线率上限"),
    "stability": gettext_lazy("话务量"),
    "none": "—",
}


# Floor steps store the ladder's Chinese group label and reason (kefu.wfm.ladder, policy presets). They
# are shown through the catalogue: a preset label or a known reason pattern reads in English, a label a
# center typed itself stays as typed.
gettext_noop("流动专家组"), gettext_noop("呼出台席"), gettext_noop("品质控制人员"), gettext_noop("后台处理人员")
gettext_noop("节假日应急备班台席"), gettext_noop("紧急加班（按所需台席数）")
_NIGHT_LABEL = re.compile(r"^除(\d+)名现场业务督导外的全部非话务台席$")
_REASONS = [
    (
        re.compile(r"^前(?P<done>\d+)步调整后等待人数(?P<waiting>\d+)人 > (?P<high>\d+)人$"),
        gettext_noop("前%(done)s步调整后等待人数%(waiting)s人 > %(high)s人"),
    ),
    (
        re.compile(r"^等待人数(?P<waiting>\d+)人 > (?P<low>\d+)人已持续(?P<minutes>\d+)分钟以上（第(?P<step>\d+)步）$"),
        gettext_noop("等待人数%(waiting)s人 > %(low)s人已持续%(minutes)s分钟以上（第%(step)s步）"),
    ),
    (
        re.compile(r"^各步调整后等待人数(?P<waiting>\d+)人仍 > (?P<high>\d+)人$"),
        gettext_noop("各步调整后等待人数%(waiting)s人仍 > %(high)s人"),
    ),
    (
        re.compile(r"^等待人数(?P<waiting>\d+)人 ≤ (?P<low>\d+)人，按签入顺序反方向签出$"),
        gettext_noop("等待人数%(waiting)s人 ≤ %(low)s人，按签入顺序反方向签出"),
    ),
]


def shown_label(label: str) -> str:
    night = _NIGHT_LABEL.match(label)
    if night:
        return _("除%(n)s名现场业务督导外的全部非话务台席") % {"n": night.group(1)}
    return _(label) if label else label


def shown_reason(reason: str) -> str:
    for pattern, msgid in _REASONS:
        m = pattern.match(reason)
        if m:
            return _(msgid) % m.groupdict()
    return reason


def pct(value, digits: int = 1) -> str:
    """A rate as a percentage; a missing value (zero denominator) shows "—" (SPEC)."""
    return "—" if value is None else f"{value * 100:.{digits}f}%"


# The services' fixed messages reachable from these pages, marked so that they read in the user's language;
# a message built with values (an f-string in services.py) stays Chinese.
SERVICE_MESSAGES = (
    gettext_noop("请填写事件名称（如：短信宣传、系统故障）"),
    gettext_noop("事件名称不能超过100个字符"),
    gettext_noop("结束时间必须晚于开始时间"),
    gettext_noop("话务量倍数应在0到10之间"),
    gettext_noop("每时段增加话务量应在±10000之间"),
    gettext_noop("排班模型只能是 A 或 C"),
    gettext_noop("等待人数应为0至100000的整数"),
    gettext_noop("观测时间不能早于上一次观测"),
    gettext_noop("备注不能超过200个字符"),
    gettext_noop("签出必须按签入顺序反向进行"),
)


def _errors(request, exc: RuleViolation):
    for p in exc.problems:
        messages.error(request, _(p.message))


def _day(raw: str | None, default: date, label, field: str) -> date:
    """The date asked for, `default` when none; an impossible one is a 400 page, never the default (issue 12)."""
    return parse_day(raw, label, field=field) or default


def _month(raw: str | None) -> date:
    return parse_month(raw, _("月份"), field="month") or timezone.localdate().replace(day=1)


@require("page.wfm.forecast")
def forecast_page(request):
    center = center_of(request)
    start = _day(request.GET.get("start"), timezone.localdate(), _("起始日期"), "start")
    end = start + timedelta(days=6)
    rows = services.forecast_for(center, start=start, end=end)
    tz = timezone.get_current_timezone()
    days: dict[date, float] = {}
    for r in rows:
        d = r.start.astimezone(tz).date()
        days[d] = days.get(d, 0.0) + r.calls
    chart = {
        "x": [r.start.astimezone(tz).strftime("%m-%d %H:%M") for r in rows],
        "calls": [round(r.calls, 1) for r in rows],
        "aht": [round(r.aht) for r in rows],
    }
    wape = rows[0].backtest_wape if rows else None
    return render(
        request,
        "wfm/forecast.html",
        {
            "start": start,
            "end": end,
            "rows": rows,
            "days": sorted(days.items()),
            "chart": json.dumps(chart),
            "wape": wape,
            "wape_shown": pct(wape),
            "adjustments": ForecastAdjustment.objects.filter(center=center).order_by("-start")[:20],
            "can_plan": allowed(request.user, "wfm.build_forecast"),
            "pol": services.policy(center)["forecast"],
            "chart_labels": {
                "calls": _("预测话务量"),
                "aht": _("平均处理时长(秒)"),
                "volume": _("话务量"),
                "seconds": _("秒"),
            },
        },
    )


@require("page.wfm.forecast")
@require_POST
def forecast_build(request):
    if not allowed(request.user, "wfm.build_forecast"):
        messages.error(request, _("当前角色无权生成预测"))
        return redirect("wfm:forecast")
    start = _day(request.POST.get("start"), timezone.localdate(), _("预测起始日"), "start")
    try:
        days = int(request.POST.get("days") or 7)
        out = services.build_forecast(
            center_of(request), start=start, days=days, by=getattr(request.user, "staff", None)
        )
    except ValueError:
        messages.error(request, _("预测天数应为整数"))
    except RuleViolation as exc:
        _errors(request, exc)
    else:
        w = "—" if out["backtest_wape"] is None else f"{out['backtest_wape'] * 100:.1f}%"
        messages.success(
            request,
            _("已生成%(days)s天、%(intervals)s个时段的预测（回测 WAPE %(wape)s，月初系数 %(factor).2f）")
            % {"days": out["days"], "intervals": out["intervals"], "wape": w, "factor": out["month_start_factor"]},
        )
    return redirect(reverse("wfm:forecast") + f"?start={start.isoformat()}")


@require("page.wfm.forecast")
@require_POST
def adjustment_add(request):
    if not allowed(request.user, "wfm.add_adjustment"):
        messages.error(request, _("当前角色无权调整预测"))
        return redirect("wfm:forecast")
    tz = timezone.get_current_timezone()
    try:
        start = parse_moment(request.POST.get("start", ""), _("开始时间"), field="start", required=True, tz=tz)
        end = parse_moment(request.POST.get("end", ""), _("结束时间"), field="end", required=True, tz=tz)
    except RuleViolation as exc:
        _errors(request, exc)
        return redirect("wfm:forecast")
    try:
        factor = float(request.POST.get("factor") or 1)
        extra = float(request.POST.get("extra_calls") or 0)
    except ValueError:
        messages.error(request, _("请填写开始、结束时间和数字形式的倍数/增量"))
        return redirect("wfm:forecast")
    try:
        services.add_adjustment(
            center_of(request),
            name=request.POST.get("name", ""),
            start=start,
            end=end,
            factor=factor,
            extra_calls=extra,
            by=getattr(request.user, "staff", None),
        )
    except RuleViolation as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已添加预测调整；重新生成预测后生效"))
    return redirect("wfm:forecast")


@require("page.wfm.staffing")
def staffing_page(request):
    center = center_of(request)
    day = _day(request.GET.get("day"), timezone.localdate(), _("日期"), "day")
    model = request.GET.get("model") or None
    plan, error = None, None
    try:
        plan = services.staffing_plan(center, day, model=model)
    except RuleViolation as exc:
        problem = exc.problems[0]
        # The commonest case is an empty state (no forecast yet), worded here so it reads in English too.
        error = (
            _("%(day)s 还没有预测，请先生成预测") % {"day": day}
            if problem.rule == "no_forecast"
            else _(problem.message)
        )
    chart = None
    if plan:
        for r in plan["rows"]:
            r["binding_label"] = BINDING_LABELS.get(r["binding"], r["binding"])
            r["asa_shown"] = "—" if math.isinf(r["asa"]) else f"{r['asa']:.1f}"
            r["sl_shown"] = pct(r["service_level"])
            r["ab_shown"] = pct(r["p_abandon"])
            r["occ_shown"] = pct(r["occupancy"])
        chart = json.dumps(
            {
                "x": [r["label"] for r in plan["rows"]],
                "required": [r["required"] for r in plan["rows"]],
                "scheduled": [r["scheduled_needed"] for r in plan["rows"]],
                "rostered": [r["rostered"] for r in plan["rows"]] if plan["roster_available"] else None,
                "calls": [r["calls"] for r in plan["rows"]],
            }
        )
    chart_labels = {
        "required": _("需在线人数"),
        "scheduled": _("需排班人数（含缺勤）"),
        "calls": _("预测话务量"),
        "rostered": _("已排班人数"),
        "agents": _("人"),
        "volume": _("话务量"),
    }
    return render(
        request,
        "wfm/staffing.html",
        {
            "day": day,
            "plan": plan,
            "error": error,
            "chart": chart,
            "chart_labels": chart_labels,
            "model": (plan or {}).get("model") or model or services.policy(center)["model"],
        },
    )


@require("page.wfm.five_tables")
def five_tables_page(request):
    center = center_of(request)
    month = _month(request.GET.get("month"))
    if request.GET.get("format") == "xlsx":
        data = services.five_tables_xlsx(center, month)
        response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="five-tables-{month:%Y-%m}.xlsx"'
        return response
    t = services.five_tables(center, month)
    chart = json.dumps(
        {
            "x": [r["day"].strftime("%m-%d") for r in t["table4"]],
            "actual": [r["actual"] for r in t["table4"]],
            "forecast": [r["forecast"] for r in t["table4"]],
            "x2": [r["day"].strftime("%m-%d") for r in t["table2"]],
            "forecast2": [r["forecast"] for r in t["table2"]],
            "capacity": [r["capacity"] for r in t["table2"]],
        }
    )
    for r in t["table4"]:
        r["error_shown"] = pct(r["error"])
    chart_labels = {"forecast": _("预测话务量"), "capacity": _("可承受话务量"), "actual": _("实际话务量")}
    return render(
        request,
        "wfm/five_tables.html",
        {"t": t, "month": month, "chart": chart, "chart_labels": chart_labels, "wape_shown": pct(t["last_month_wape"])},
    )


def _floor_context(request):
    center = center_of(request)
    snap = services.floor_snapshot(center)
    snap["can_decide"] = allowed(request.user, "wfm.floor_decide")
    snap["can_observe"] = allowed(request.user, "wfm.floor_observe")
    for g in snap["signed_in"]:
        g["label_shown"] = shown_label(g["label"])
    for step in [snap["pending"], *snap["log"]]:
        if step is not None:
            step.label_shown, step.reason_shown = shown_label(step.label), shown_reason(step.reason)
    return snap


@require("page.wfm.floor")
def floor_page(request):
    return render(request, "wfm/floor.html", _floor_context(request))


@require("page.wfm.floor")
def floor_panel(request):
    return render(request, "wfm/_floor_panel.html", _floor_context(request))


@require("page.wfm.floor")
@require_POST
def floor_observe(request):
    if not allowed(request.user, "wfm.floor_observe"):
        return HttpResponse(_("当前角色无权录入等待人数"), status=403)
    try:
        waiting = int(request.POST.get("waiting", ""))
        services.observe_floor(center_of(request), waiting, by=getattr(request.user, "staff", None))
    except ValueError:
        messages.error(request, _("等待人数应为整数"))
    except RuleViolation as exc:
        _errors(request, exc)
    return _panel_or_redirect(request)


@require("page.wfm.floor")
@require_POST
def floor_decide(request, step_id: int):
    if not allowed(request.user, "wfm.floor_decide"):
        return HttpResponse(_("只有值班长（现场主管）可以确认应急签入/签出"), status=403)
    staff_nos = [s for s in request.POST.get("staff_nos", "").replace("，", ",").replace(" ", ",").split(",") if s]
    try:
        step = services.decide_step(
            center_of(request),
            step_id,
            by=request.user.staff,
            confirm=request.POST.get("decision") == "confirm",
            staff_nos=staff_nos,
            note=request.POST.get("note", ""),
        )
    except RuleViolation as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("%(status)s：%(action)s%(group)s")
            % {
                "status": step.get_status_display(),
                "action": step.get_action_display(),
                "group": shown_label(step.label),
            },
        )
    return _panel_or_redirect(request)


def _panel_or_redirect(request):
    if request.headers.get("HX-Request"):
        return render(
            request, "wfm/_floor_panel.html", {**_floor_context(request), "flash": list(messages.get_messages(request))}
        )
    return redirect("wfm:floor")
