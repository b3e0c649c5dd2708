"""KPI pages: dashboard (today live and history) for center, team and agent; a page per metric; the floor wallboard;
Excel export. Aggregates only: no customer data leaves these pages (so no record_read); agents shown by 工号."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy as _, pgettext, pgettext_lazy

from kefu.access import require
from kefu.kpi import engine, export as xlsx, periods, selectors
from kefu.kpi.access import WIDE_ROLES
from kefu.kpi.definitions import BREAKDOWNS, BY_CODE, PEOPLE_BREAKDOWNS, QUEUE_LEVEL
from kefu.org.models import Center
from kefu.org.roles import roles_of

SCOPES = {"center": _("全中心"), "team": _("班组"), "agent": _("话务员")}
GROUPS = [("K", _("服务标准（K1–K14，004:L1289-1337）")), ("M", _("运营指标（M1–M22，004:L1339-1757）")), ("N", _("话务量构成与误拨"))]

# What the kpi modules (definitions, periods, engine, selectors, export: Chinese-only, pure or shared) label,
# in the user's language. The metric's formula, hints and seed notes are quoted from the textbooks and stay as written.
METRIC_NAMES = {
    "K1": _("热线系统接通率"), "K2": _("人工台应答率"), "K3": _("VIP人工台应答率"), "K4": _("人工台应答超时率"),
    "K5": _("VIP人工台应答超时率"), "K6": _("客户咨询回复率"), "K7": _("客户投诉回复率"), "K8": _("客户咨询回复及时率"),
    "K9": _("客户投诉回复及时率"), "K10": _("客户重复投诉率"), "K11": _("客户咨询满意率"), "K12": _("客户投诉满意率"),
    "K13": _("客户跨省投诉满意率"), "K14": _("大客户投诉满意率"), "M1": _("实际工作率"), "M2": _("事后处理时间"),
    "M3": _("平均放弃时间"), "M4": _("平均处理时间"), "M5": _("平均持线时间"), "M6": _("平均振铃次数"), "M7": _("平均排队时间"),
    "M8": _("平均应答速度"), "M9": _("平均交谈时间"), "M10": _("每小时呼叫次数"), "M11": _("监听分值"), "M12": _("占线率"),
    "M13": _("呼叫放弃率"), "M14": _("出勤率"), "M15": _("忙音率"), "M16": _("首次解决率"), "M17": _("队列放置率"),
    "M18": _("转接呼叫率"), "M19": _("已复电话百分比"), "M20": _("服务水平"), "M21": _("总呼叫数"), "M22": _("话务员流动率"),
    "MISDIAL": _("疑似误拨占比"), "N_ANSWERED": _("人工应答数"), "N_ABANDONED": _("放弃数"), "N_BLOCKED": _("受阻数"),
    "N_TIMEOUT": _("排队超时退出数"), "N_EMPTY": _("空队列退出数"), "N_EXIT_KEY": _("按键退出数"), "N_IVR": _("IVR自助完成数"),
    "N_SHORT_ABANDON": _("短时放弃数"),
}
UNITS = {"%": "%", "分": _("分"), "分钟": _("分钟"), "次": _("次"), "秒": _("秒"), "通/小时": _("通/小时")}
PERIOD_KINDS = {"today": _("今日（实时）"), "day": _("日"), "week": _("周"), "month": _("月"), "range": _("自定义区间")}
STATUS_LABELS = {"ok": _("达标"), "bad": _("未达标"), "warn": _("预警"), "na": _("无数据"), "info": _("参考")}
BREAKDOWN_NAMES = {"center": _("全中心"), "team": _("班组"), "agent": _("话务员"), "call_type": _("呼叫类型"), "vip": "VIP",
                   "queue": _("队列")}
KEY_NAMES = {"全中心": _("全中心"), "（未分配）": _("（未分配）"), "普通": _("普通")}
# Words inside engine.target_text, longest first so that 分钟 is not read as 分.
TARGET_UNITS = [("通/小时", _("通/小时")), ("分钟", _("分钟")), ("秒", _("秒")), ("次", _("次")), ("分", _("分"))]
TARGET_WORDS = [("参考", _("参考")), ("（", _("（")), ("）", _("）")), ("：", pgettext_lazy("label colon", "："))]


def _key_name(label: str) -> str:
    return str(KEY_NAMES.get(label, label))


def _target(text: str) -> str:
    for zh, shown in TARGET_UNITS:
        shown = str(shown)
        text = text.replace(zh, shown if shown == zh else f" {shown}")  # "3–10分钟" but "3–10 min"
    for zh, shown in TARGET_WORDS:
        text = text.replace(zh, str(shown))
    return text


def _period_label(period) -> str:
    if period.kind == "month":
        return date_format(period.start, pgettext("month format", "Y年m月"))
    if period.kind in ("day", "today"):
        return f"{period.start:%Y-%m-%d}"
    return gettext("%(start)s 至 %(end)s") % {"start": f"{period.start:%Y-%m-%d}", "end": f"{period.end - timedelta(days=1):%Y-%m-%d}"}


def _labels(q) -> dict:
    """The labels every KPI page passes to its templates."""
    return {"scopes": SCOPES, "kinds": PERIOD_KINDS, "status_labels": STATUS_LABELS, "metric_names": METRIC_NAMES,
            "units": UNITS, "period_label": _period_label(q.period)}


@dataclass
class Query:
    center: Center
    scope: str
    key: str | None  # None = every key of the scope (exports, breakdowns)
    period: periods.Period
    spec: dict
    wide: bool
    own_no: str


def center_of(user) -> Center:
    staff = getattr(user, "staff", None)
    center = staff.center if staff else Center.objects.order_by("id").first()
    if center is None:
        raise Http404(gettext("尚未建立中心"))
    return center


def parse_query(request, *, allow_all_keys: bool = False) -> Query:
    """Scope, key and period from the query string; agents only ever see their own staff number."""
    user = request.user
    center = center_of(user)
    wide = bool(roles_of(user) & WIDE_ROLES)
    staff = getattr(user, "staff", None)
    own = staff.staff_no if staff else ""
    get = request.GET
    scope = get.get("scope") or ("center" if wide else "agent")
    if scope not in SCOPES:
        scope = "center"
    key = get.get("key") or None
    if not wide:
        if not own:
            raise PermissionDenied(gettext("只能查看本人指标"))
        scope, key = "agent", own
    elif scope == "center":
        key = engine.CENTER_KEY
    elif key is None and not allow_all_keys:
        if scope == "team":
            first = selectors.teams(center)
            key = str(first[0].pk) if first else ""
        else:
            key = own or (selectors.agents(center) or [""])[0]
    today = selectors.local_today(center)
    try:
        period = periods.parse(get.get("period") or "month", today=today, on=get.get("date"), month=get.get("month"),
                               start=get.get("start"), end=get.get("end"))
    except periods.PeriodError as exc:
        messages.error(request, str(exc))
        period = periods.parse("month", today=today)
    return Query(center, scope, key, period, selectors.spec_for(center), wide, own)


def _grouped(rows):
    return [(label, [r for r in rows if r.metric.group == g]) for g, label in GROUPS]


@require("page.kpi.dashboard")
def dashboard(request):
    q = parse_query(request)
    values = selectors.period_values(q.center, q.period, q.scope, key=q.key, spec=q.spec)
    rows = selectors.rows_for(values, q.key, q.spec, by=q.scope)
    counts = {s: sum(1 for r in rows if r.status == s) for s in ("ok", "warn", "bad", "na")}
    targets = {r.code: _target(r.target) for r in rows}
    return render(request, "kpi/dashboard.html", {
        "q": q, "groups": _grouped(rows), "counts": counts, "targets": targets,
        "teams": selectors.teams(q.center) if q.wide else [], "key_label": _key_name(selectors.key_label(q.center, q.scope, q.key or "")),
        "querystring": request.GET.urlencode(), **_labels(q),
    })


@require("page.kpi.metric")
def metric_page(request, code: str):
    metric = BY_CODE.get(code)
    if metric is None:
        raise Http404(gettext("指标不存在"))
    q = parse_query(request)
    days = q.period.days if q.period.kind not in ("today", "day") else \
        [q.period.start - timedelta(days=i) for i in range(29, -1, -1)]
    series = selectors.trend(q.center, code, q.scope, q.key, days) if metric.source != "hr" else []
    values = selectors.period_values(q.center, q.period, q.scope, key=q.key, spec=q.spec)
    found = selectors.rows_for(values, q.key, q.spec, codes={code}, by=q.scope)
    row = found[0] if found else None  # queue-level metrics have no team/agent value
    breakdowns = []
    if q.wide:
        for by in ("team", "agent", "call_type", "vip", "queue"):
            if by in PEOPLE_BREAKDOWNS and code in QUEUE_LEVEL:
                continue
            if metric.source != "calls" and by not in PEOPLE_BREAKDOWNS:
                continue
            if metric.source == "hr" and by == "agent":
                continue
            vals = selectors.period_values(q.center, q.period, by, spec=q.spec)
            items = [(_key_name(selectors.key_label(q.center, by, k)), k, selectors.rows_for(vals, k, q.spec, codes={code}, by=by)[0])
                     for k in selectors.keys_of(vals)]
            items = [i for i in items if i[2].status != "na" or i[2].num]
            order = {"bad": 0, "warn": 1, "ok": 2, "info": 3, "na": 4}
            items.sort(key=lambda i: (order[i[2].status], i[0]))
            breakdowns.append((BREAKDOWN_NAMES.get(by, BREAKDOWNS[by]), by, items))
    target = engine.band_for(code, q.spec) or {}
    chart = {
        "days": [d.isoformat() for d, _ in series],
        "values": [None if v is None else round(float(v), 4) for _, v in series],
        "kind": target.get("kind"), "low": _f(target.get("low")), "high": _f(target.get("high")), "value": _f(target.get("value")),
        "t_low": _f(target.get("t_low")), "t_high": _f(target.get("t_high")), "unit": str(UNITS.get(metric.unit, metric.unit)),
        "name": str(METRIC_NAMES.get(code, metric.name)),
        "text": {"band": gettext("目标区间"), "target": gettext("目标"), "missing": gettext("图表组件未加载")},
    }
    return render(request, "kpi/metric.html", {
        "q": q, "metric": metric, "row": row, "chart": chart, "breakdowns": breakdowns,
        "metric_name": METRIC_NAMES.get(code, metric.name), "unit": UNITS.get(metric.unit, metric.unit),
        "target": _target(row.target) if row is not None else "",
        "show_hints": row is not None and row.status in ("bad", "warn") and metric.hints,
        "key_label": _key_name(selectors.key_label(q.center, q.scope, q.key or "")),
        "teams": selectors.teams(q.center) if q.wide else [], "querystring": request.GET.urlencode(), **_labels(q),
    })


def _f(x):
    return None if x is None else float(x)


@require("page.kpi.wallboard")
def wallboard(request):
    center = center_of(request.user)
    return render(request, "kpi/wallboard.html", {"board": selectors.wallboard(center), "center": center})


@require("page.kpi.wallboard")
def wallboard_panel(request):
    center = center_of(request.user)
    return render(request, "kpi/_wallboard_panel.html", {"board": selectors.wallboard(center), "center": center})


@require("page.kpi.export")
def export(request):
    """The dashboard (one key) or the whole breakdown (no key: every team / agent) as an Excel file."""
    q = parse_query(request, allow_all_keys=True)
    code = request.GET.get("code")
    codes = {code} if code in BY_CODE else None
    values = selectors.period_values(q.center, q.period, q.scope, key=q.key, spec=q.spec)
    keys = [q.key] if q.key else selectors.keys_of(values)
    blocks = [(selectors.key_label(q.center, q.scope, k), selectors.rows_for(values, k, q.spec, codes=codes, by=q.scope)) for k in keys]
    title = f"{q.center.name} 指标报表（{SCOPES[q.scope]}）"
    data = xlsx.workbook(title, blocks, period_label=q.period.label,
                         notes=[f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}", "分母为 0 的指标显示“—”；达标判断在四舍五入之前。"])
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename=kpi-{q.scope}-{q.period.start:%Y%m%d}.xlsx"
    return response
