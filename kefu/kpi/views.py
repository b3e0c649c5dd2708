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

from kefu.access import require
from kefu.kpi import engine, export as xlsx, periods, selectors
from kefu.kpi.access import WIDE_ROLES
from kefu.kpi.definitions import BREAKDOWNS, BY_CODE, PEOPLE_BREAKDOWNS, QUEUE_LEVEL
from kefu.org.models import Center
from kefu.org.roles import roles_of

SCOPES = {"center": "全中心", "team": "班组", "agent": "话务员"}
GROUPS = [("K", "服务标准（K1–K14，004:L1289-1337）"), ("M", "运营指标（M1–M22，004:L1339-1757）"), ("N", "话务量构成与误拨")]


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
        raise Http404("尚未建立中心")
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
            raise PermissionDenied("只能查看本人指标")
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
    return render(request, "kpi/dashboard.html", {
        "q": q, "groups": _grouped(rows), "counts": counts, "scopes": SCOPES, "kinds": periods.KINDS,
        "teams": selectors.teams(q.center) if q.wide else [], "key_label": selectors.key_label(q.center, q.scope, q.key or ""),
        "querystring": request.GET.urlencode(),
        "status_labels": xlsx.STATUS_LABELS,
    })


@require("page.kpi.metric")
def metric_page(request, code: str):
    metric = BY_CODE.get(code)
    if metric is None:
        raise Http404("指标不存在")
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
            items = [(selectors.key_label(q.center, by, k), k, selectors.rows_for(vals, k, q.spec, codes={code}, by=by)[0])
                     for k in selectors.keys_of(vals)]
            items = [i for i in items if i[2].status != "na" or i[2].num]
            order = {"bad": 0, "warn": 1, "ok": 2, "info": 3, "na": 4}
            items.sort(key=lambda i: (order[i[2].status], i[0]))
            breakdowns.append((BREAKDOWNS[by], by, items))
    target = engine.band_for(code, q.spec) or {}
    chart = {
        "days": [d.isoformat() for d, _ in series],
        "values": [None if v is None else round(float(v), 4) for _, v in series],
        "kind": target.get("kind"), "low": _f(target.get("low")), "high": _f(target.get("high")), "value": _f(target.get("value")),
        "t_low": _f(target.get("t_low")), "t_high": _f(target.get("t_high")), "unit": metric.unit, "name": metric.name,
    }
    return render(request, "kpi/metric.html", {
        "q": q, "metric": metric, "row": row, "chart": chart, "breakdowns": breakdowns, "scopes": SCOPES, "kinds": periods.KINDS,
        "show_hints": row is not None and row.status in ("bad", "warn") and metric.hints, "key_label": selectors.key_label(q.center, q.scope, q.key or ""),
        "teams": selectors.teams(q.center) if q.wide else [], "querystring": request.GET.urlencode(),
        "status_labels": xlsx.STATUS_LABELS,
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
