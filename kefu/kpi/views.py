"""KPI pages: dashboard (today live and history) for center, team and agent; a page per metric; the floor wallboard;
Excel export. Aggregates only: no customer data leaves these pages (so no record_read); agents shown by 工号."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kefu.access import require
from kefu.errors import RuleViolation
from kefu.kpi import engine, periods, selectors
from kefu.kpi import export as xlsx
from kefu.kpi.access import WIDE_ROLES
from kefu.kpi.definitions import BREAKDOWNS, BY_CODE, PEOPLE_BREAKDOWNS, QUEUE_LEVEL
from kefu.org.models import Center
from kefu.org.roles import roles_of
from kefu.web.inputs import parse_day, parse_month

SCOPES = {"center": _("全中心"), "team": _("班组"), "agent": _("话务员")}
GROUPS = [
    ("K", _("服务标准（K1–K14）")),
    ("M", _("运营指标（M1–M22）")),
    ("N", _("话务量构成与误拨")),
]  # seeds: 004:L1289-1337, L1339-1757

# What the kpi modules (definitions, periods, engine, selectors, export: Chinese-only, pure or shared) label,
# in the user's language.
METRIC_NAMES = {
    "K1": _("热线系统接通率"),
    "K2": _("人工台应答率"),
    "K3": _("VIP人工台应答率"),
    "K4": _("人工台应答超时率"),
    "K5": _("VIP人工台应答超时率"),
    "K6": _("客户咨询回复率"),
    "K7": _("客户投诉回复率"),
    "K8": _("客户咨询回复及时率"),
    "K9": _("客户投诉回复及时率"),
    "K10": _("客户重复投诉率"),
    "K11": _("客户咨询满意率"),
    "K12": _("客户投诉满意率"),
    "K13": _("客户跨省投诉满意率"),
    "K14": _("大客户投诉满意率"),
    "M1": _("实际工作率"),
    "M2": _("事后处理时间"),
    "M3": _("平均放弃时间"),
    "M4": _("平均处理时间"),
    "M5": _("平均持线时间"),
    "M6": _("平均振铃次数"),
    "M7": _("平均排队时间"),
    "M8": _("平均应答速度"),
    "M9": _("平均交谈时间"),
    "M10": _("每小时呼叫次数"),
    "M11": _("监听分值"),
    "M12": _("占线率"),
    "M13": _("呼叫放弃率"),
    "M14": _("出勤率"),
    "M15": _("忙音率"),
    "M16": _("首次解决率"),
    "M17": _("队列放置率"),
    "M18": _("转接呼叫率"),
    "M19": _("已复电话百分比"),
    "M20": _("服务水平"),
    "M21": _("总呼叫数"),
    "M22": _("话务员流动率"),
    "MISDIAL": _("疑似误拨占比"),
    "N_ANSWERED": _("人工应答数"),
    "N_ABANDONED": _("放弃数"),
    "N_BLOCKED": _("受阻数"),
    "N_TIMEOUT": _("排队超时退出数"),
    "N_EMPTY": _("空队列退出数"),
    "N_EXIT_KEY": _("按键退出数"),
    "N_IVR": _("IVR自助完成数"),
    "N_SHORT_ABANDON": _("短时放弃数"),
}
UNITS = {
    "%": "%",
    "分": _("分"),
    "分钟": _("分钟"),
    "次": pgettext_lazy("unit of counted calls", "次"),
    "秒": _("秒"),
    "通/小时": _("通/小时"),
}
# 次 counts calls everywhere but in M6, where it counts rings.
UNIT_BY_CODE = {
    code: (pgettext_lazy("unit of rings", "次") if code == "M6" else UNITS.get(m.unit, m.unit))
    for code, m in BY_CODE.items()
}
PERIOD_KINDS = {"today": _("今日（实时）"), "day": _("日"), "week": _("周"), "month": _("月"), "range": _("自定义区间")}
STATUS_LABELS = {"ok": _("达标"), "bad": _("未达标"), "warn": _("预警"), "na": _("无数据"), "info": _("参考")}
BREAKDOWN_NAMES = {
    "center": _("全中心"),
    "team": _("班组"),
    "agent": _("话务员"),
    "call_type": _("呼叫类型"),
    "vip": "VIP",
    "queue": _("队列"),
}
KEY_NAMES = {"全中心": _("全中心"), "（未分配）": _("（未分配）"), "普通": _("普通")}
# Words inside engine.target_text, longest first so that 分钟 is not read as 分.
TARGET_UNITS = [("通/小时", _("通/小时")), ("分钟", _("分钟")), ("秒", _("秒")), ("分", _("分"))]
TARGET_WORDS = [("参考", _("参考")), ("（", _("（")), ("）", _("）")), ("：", pgettext_lazy("label colon", "："))]

# The textbook texts of kpi.definitions (formulas, reporting periods, definition notes, corrective actions), marked
# for the catalogue here because definitions.py stays Chinese-only; shown through gettext(text) by _quoted().
TEXTBOOK_TEXTS = (
    gettext_noop("当月客户拨通热线的次数 ÷ 当月客户拨打热线的总次数 × 100%"),
    gettext_noop("月"),
    gettext_noop("拨通 = 未遇忙音受阻（outcome ≠ blocked）"),
    gettext_noop("当月人工应答的次数 ÷ 当月要求人工应答的呼入次数 × 100%；等待超过60秒未应答视为未应答"),
    gettext_noop("等待正好 60 秒仍算应答；超过 60 秒才算未应答"),
    gettext_noop("同 K2，限 VIP 客户"),
    gettext_noop("人工应答超时次数 ÷ 人工应答次数 × 100%；应答时限 15 秒"),
    gettext_noop(
        "口径 A（默认）：分母 = 全部人工应答（含 60 秒后应答）；口径 B：只计 60 秒内应答。等待正好 15 秒不算超时"
    ),
    gettext_noop("同 K4，限 VIP 客户"),
    gettext_noop("当月对客户咨询回复的数量 ÷ 当月客户咨询的总数量 × 100%"),
    gettext_noop("按受理月份归集（cohort），回复可在次月"),
    gettext_noop("当月客户投诉回复的数量 ÷ 当月客户投诉的总数量 × 100%"),
    gettext_noop("当月在规定时间内对客户咨询回复的数量 ÷ 当月客户咨询的总数量 × 100%"),
    gettext_noop("规定时间 = 工单的回复时限；工单没有时限时取制度参数 consultation_reply_hours"),
    gettext_noop("当月在规定时间内客户投诉回复的数量 ÷ 当月客户投诉的总数量 × 100%"),
    gettext_noop("规定时间 = 投诉等级时限"),
    gettext_noop("当月重复投诉事件总和 ÷ (当月投诉事件总和 − 当月重复投诉事件总和) × 100%"),
    gettext_noop("分母为投诉事件总数减去重复投诉数（照教材原式）"),
    gettext_noop("当月咨询客户满意的数量 ÷ 当月客户咨询的总数量 × 100%"),
    gettext_noop("分母为全部咨询，而非参与调查的客户"),
    gettext_noop("当月投诉客户满意的数量 ÷ 当月客户投诉的总数量 × 100%"),
    gettext_noop("当月跨省投诉客户满意的数量 ÷ 当月客户跨省投诉的总数量 × 100%"),
    gettext_noop("当月投诉的大客户满意的数量 ÷ 当月大客户投诉的总数量 × 100%"),
    gettext_noop("话务员联入系统准备回答电话的实际时间 ÷ 按计划应当回答电话的总时间 × 100%"),
    gettext_noop("日报，周、月跟踪"),
    gettext_noop("准备时间 = 登录时间（多队列合并）− 小休时间；按午夜切分"),
    gettext_noop("培训不足"),
    gettext_noop("督导人员太少"),
    gettext_noop("员工误解规定"),
    gettext_noop("缺勤率高"),
    gettext_noop("脱机工作过多"),
    gettext_noop("更好地使用排班管理系统软件"),
    gettext_noop("每通电话结束后完成事后处理的平均时间"),
    gettext_noop("日、周、月，按班组或个人"),
    gettext_noop("每小时张贴目标直到改善"),
    gettext_noop("调整设备"),
    gettext_noop("复查事后处理步骤"),
    gettext_noop("通话中录入数据"),
    gettext_noop("用监听找出需再培训的话务员"),
    gettext_noop("新员工较慢属正常"),
    gettext_noop("质疑新增数据项"),
    gettext_noop("排查技术原因"),
    gettext_noop("放弃电话的等待时间之和 ÷ 放弃电话数"),
    gettext_noop("日、周"),
    gettext_noop("参考值 60 秒，不判定达标；教材建议追踪放弃率"),
    gettext_noop("(通话时间 + 事后处理时间) ÷ 应答电话数"),
    gettext_noop("日算，周、月汇总"),
    gettext_noop("目标 T（默认 6 分钟）±15% 为达标；3–10 分钟之内但超出 T±15% 为预警"),
    gettext_noop("持线时间之和 ÷ 有持线的应答电话数"),
    gettext_noop("日、周、月"),
    gettext_noop("分母为有持线的电话"),
    gettext_noop("信息查找不便"),
    gettext_noop("系统响应慢"),
    gettext_noop("缺少访问权限"),
    gettext_noop("应答前振铃次数之和 ÷ 应答（人工或IVR）电话数"),
    gettext_noop("日"),
    gettext_noop("排队后被应答电话的排队时间之和 ÷ 排队后被应答的电话数"),
    gettext_noop("日、周、月，按呼叫类型"),
    gettext_noop("排队时间为零意味着话务员空等，不经济"),
    gettext_noop("总排队时间 ÷ 所回答的总电话数"),
    gettext_noop("每半小时"),
    gettext_noop("默认只计应答电话的排队时间；比值为总和之比"),
    gettext_noop("事后处理时间超标"),
    gettext_noop("持线时间超标"),
    gettext_noop("话务预测不准"),
    gettext_noop("计划遵守度不足"),
    gettext_noop("通话时间之和 ÷ 应答电话数（含转接）"),
    gettext_noop("周、月"),
    gettext_noop("话务员应答电话数 ÷ 登录电话系统的小时数"),
    gettext_noop("日，按话务员"),
    gettext_noop("质检员监听评分的平均分"),
    gettext_noop("每人每月 4–5 通"),
    gettext_noop("(通话时间 + 持线时间) ÷ (通话时间 + 持线时间 + 闲置时间) × 100%"),
    gettext_noop("按班组、话务员"),
    gettext_noop("闲置 = 准备时间 − 通话 − 持线 − 事后处理（不小于 0）；事后处理不计入公式"),
    gettext_noop("放弃电话数 ÷ 全部接通电话数 × 100%（剔除短时放弃）"),
    gettext_noop("日、周、月，每天张贴数次"),
    gettext_noop("短时放弃（≤20 秒）从分子分母同时剔除；超时/空队列/按键退出不算放弃"),
    gettext_noop("等待时间过长"),
    gettext_noop("持线过长"),
    gettext_noop("溢出人员安排"),
    gettext_noop("每天多次张贴"),
    gettext_noop("1–5 秒挂机多为误拨"),
    gettext_noop("班组实际工作的人数 ÷ 计划工作的人数 × 100%"),
    gettext_noop("按人·日计"),
    gettext_noop("遇忙音受阻的电话数 ÷ 全部拨打次数 × 100%（重拨去重）"),
    gettext_noop("每小时"),
    gettext_noop("同一号码在去重窗口内再次受阻的重拨，从分子分母同时剔除"),
    gettext_noop("溢出到其他服务商"),
    gettext_noop("增加人员"),
    gettext_noop("再培训"),
    gettext_noop("调查受阻客户"),
    gettext_noop("一次解决的应答电话数 ÷ 有处理结果的应答电话数 × 100%"),
    gettext_noop("日，按话务员和中心"),
    gettext_noop("列入排队的电话数 ÷ 中心接到的所有电话数 × 100%"),
    gettext_noop("周"),
    gettext_noop("被转接的电话数 ÷ 应答电话数 × 100%"),
    gettext_noop("采用技能路由软件"),
    gettext_noop("督导报告并制定计划"),
    gettext_noop("回答过的电话数 ÷ 所有接入的电话数 × 100%"),
    gettext_noop("接入 = 进入人工排队（不含受阻和 IVR 自助）"),
    gettext_noop("人员不足"),
    gettext_noop("预测不准"),
    gettext_noop("排班不当"),
    gettext_noop("遵守度低"),
    gettext_noop("处理时间长"),
    gettext_noop("回答时间少于X秒的电话数 ÷ 接入电话总数 × 100%（剔除短时放弃）"),
    gettext_noop("持续监控"),
    gettext_noop("严格少于 X 秒（默认 20 秒），正好 20 秒不计"),
    gettext_noop("低于目标：预测、遵守度、排班、午餐时间安排"),
    gettext_noop("高于目标过多：可能人员过剩"),
    gettext_noop("进入中心的全部电话，含受阻、放弃和应答"),
    gettext_noop("小时、日、周、月"),
    gettext_noop("期内离职的话务员数 ÷ 期初全职话务员总数 × 100%"),
    gettext_noop("月、季、年"),
    gettext_noop(
        "15–30% 为年度目标，只在一年（365 或 366 天）的统计周期上判定；较短的周期显示期内流动率（期内离职数 ÷ 期初人数），只作参考"
    ),
    gettext_noop("离职面谈"),
    gettext_noop("关注督导、环境和压力而非工资"),
    gettext_noop("流动率过低也是警示"),
    gettext_noop("等待 1–5 秒即挂机的放弃电话 ÷ 放弃电话数 × 100%"),
    gettext_noop("大量 1–5 秒挂机属误拨问题，不是排队问题"),
    gettext_noop("人工应答数（M21 的组成）"),
    gettext_noop("放弃数（M21 的组成）"),
    gettext_noop("受阻数（M21 的组成）"),
    gettext_noop("排队超时退出数（M21 的组成）"),
    gettext_noop("空队列退出数（M21 的组成）"),
    gettext_noop("按键退出数（M21 的组成）"),
    gettext_noop("IVR自助完成数（M21 的组成）"),
    gettext_noop("短时放弃数（M21 的组成）"),
)


def _quoted(text: str) -> str:
    return gettext(text) if text else text


def _key_name(label: str) -> str:
    return str(KEY_NAMES.get(label, label))


def _target(text: str, code: str) -> str:
    for zh, shown in TARGET_UNITS + [("次", UNIT_BY_CODE.get(code, "次"))]:
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
    return gettext("%(start)s 至 %(end)s") % {
        "start": f"{period.start:%Y-%m-%d}",
        "end": f"{period.end - timedelta(days=1):%Y-%m-%d}",
    }


def _labels(q) -> dict:
    """The labels every KPI page passes to its templates."""
    return {
        "scopes": SCOPES,
        "kinds": PERIOD_KINDS,
        "status_labels": STATUS_LABELS,
        "metric_names": METRIC_NAMES,
        "units": UNIT_BY_CODE,
        "period_label": _period_label(q.period),
    }


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


def check_period_dates(params) -> None:
    """The dates of a period query (date, start, end, month), each named in the error if impossible."""
    parse_day(params.get("date"), gettext("日期"), field="date")
    parse_day(params.get("start"), gettext("开始日期"), field="start")
    parse_day(params.get("end"), gettext("结束日期"), field="end")
    parse_month(params.get("month"), gettext("月份"), field="month")


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
    check_period_dates(get)  # a bad date is named on a 400 page, never replaced by the default period (issue 12)
    try:
        period = periods.parse(
            get.get("period") or "month",
            today=today,
            on=get.get("date"),
            month=get.get("month"),
            start=get.get("start"),
            end=get.get("end"),
        )
    except periods.PeriodError as exc:
        raise RuleViolation(str(exc), field=exc.field, rule="period") from None
    return Query(center, scope, key, period, selectors.spec_for(center), wide, own)


def _grouped(rows):
    return [(label, [r for r in rows if r.metric.group == g]) for g, label in GROUPS]


STATUS_ORDER = {"bad": 0, "warn": 1, "ok": 2, "info": 3, "na": 4}
CHAT_BLOCK = "kpi/_chat_block.html"  # the chat KPIs, when that block is installed


def _worst_first(rows):
    """Off-target metrics first (未达标, then 预警), each kind in the catalogue's order."""
    return sorted(rows, key=lambda r: STATUS_ORDER[r.status])


def _trend_days(period) -> list:
    """The days a trend covers: the period's days, or the 30 days up to a single day."""
    if period.kind in ("today", "day"):
        return [period.start - timedelta(days=i) for i in range(29, -1, -1)]
    return period.days


def _marks(code: str, spec: dict) -> dict:
    """The target of a metric as numbers for a chart: a line (≥ / ≤ / =) or a band (low–high, M4's T±15 %)."""
    target = engine.band_for(code, spec) or {}
    kind = target.get("kind")
    if kind not in ("ge", "le", "eq", "band"):
        return {"kind": None}
    return {
        "kind": kind,
        "low": _f(target.get("low")),
        "high": _f(target.get("high")),
        "value": _f(target.get("value")),
        "t_low": _f(target.get("t_low")),
        "t_high": _f(target.get("t_high")),
    }


def _metric_label(code: str) -> str:
    return str(METRIC_NAMES.get(code, BY_CODE[code].name))


def _breakdown(request, q: Query, rows) -> dict | None:
    """Bars of one metric by team (center view) or by agent (team view), worst first; the metric is chosen on the
    page, by default the first off-target one that teams and agents have."""
    if not q.wide or q.scope == "agent":
        return None
    by = "team" if q.scope == "center" else "agent"
    choices = [
        r.code
        for r in _worst_first(rows)
        if r.status in ("bad", "warn", "ok")
        and r.code not in QUEUE_LEVEL
        and not (by == "agent" and r.metric.source == "hr")
    ]
    if not choices:
        return None
    code = request.GET.get("bm") if request.GET.get("bm") in choices else choices[0]
    values = selectors.period_values(q.center, q.period, by, spec=q.spec)
    keys = selectors.keys_of(values)
    if by == "agent":
        members = set(selectors.agents(q.center, int(q.key) if (q.key or "").isdigit() else None))
        keys = [k for k in keys if k in members]
    bars = []
    for k in keys:
        row = selectors.rows_for(values, k, q.spec, codes={code}, by=by)[0]
        if row.value is None:
            continue
        bars.append(
            {
                "label": _key_name(selectors.key_label(q.center, by, k)),
                "key": k,
                "value": round(float(row.value), 2),
                "status": row.status,
                "shown": row.shown,
            }
        )
    bars.sort(key=lambda b: (STATUS_ORDER[b["status"]], b["label"]))
    return {
        "by": by,
        "by_label": str(BREAKDOWN_NAMES[by]),
        "code": code,
        "name": _metric_label(code),
        "unit": str(UNIT_BY_CODE.get(code, "")),
        "bars": bars,
        "target": _marks(code, q.spec),
        "choices": [(c, _metric_label(c)) for c in choices],
    }


def _chat_block():
    try:
        get_template(CHAT_BLOCK)
    except TemplateDoesNotExist:
        return None
    return CHAT_BLOCK


@require("page.kpi.dashboard")
def dashboard(request):
    q = parse_query(request)
    values = selectors.period_values(q.center, q.period, q.scope, key=q.key, spec=q.spec)
    rows = selectors.rows_for(values, q.key, q.spec, by=q.scope)
    counts = {s: sum(1 for r in rows if r.status == s) for s in ("ok", "warn", "bad", "na")}
    targets = {r.code: _target(r.target, r.code) for r in rows}
    off = [r for r in _worst_first(rows) if r.status in ("bad", "warn")]
    days = _trend_days(q.period)
    series = selectors.trends(q.center, [r.code for r in off if r.metric.source != "hr"], q.scope, q.key or "", days)
    charts = {
        "days": [f"{d:%m-%d}" for d in days],
        "trends": [
            {
                "code": r.code,
                "name": _metric_label(r.code),
                "unit": str(UNIT_BY_CODE.get(r.code, "")),
                "status": r.status,
                "target": _marks(r.code, q.spec),
                "values": [None if v is None else round(float(v), 2) for _, v in series.get(r.code, [])],
            }
            for r in off
            if r.code in series
        ],
        "breakdown": _breakdown(request, q, rows),
        "text": {
            "target": gettext("目标"),
            "band": gettext("目标区间"),
            "missing": gettext("图表组件未加载"),
            "status": {k: str(v) for k, v in STATUS_LABELS.items()},
        },
    }
    return render(
        request,
        "kpi/dashboard.html",
        {
            "q": q,
            "groups": [(label, _worst_first(group)) for label, group in _grouped(rows)],
            "counts": counts,
            "targets": targets,
            "off": off,
            "charts": charts,
            "chat_block": _chat_block(),
            "teams": selectors.teams(q.center) if q.wide else [],
            "key_label": _key_name(selectors.key_label(q.center, q.scope, q.key or "")),
            "querystring": request.GET.urlencode(),
            **_labels(q),
        },
    )


@require("page.kpi.metric")
def metric_page(request, code: str):
    metric = BY_CODE.get(code)
    if metric is None:
        raise Http404(gettext("指标不存在"))
    q = parse_query(request)
    days = (
        q.period.days
        if q.period.kind not in ("today", "day")
        else [q.period.start - timedelta(days=i) for i in range(29, -1, -1)]
    )
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
            items = [
                (
                    _key_name(selectors.key_label(q.center, by, k)),
                    k,
                    selectors.rows_for(vals, k, q.spec, codes={code}, by=by)[0],
                )
                for k in selectors.keys_of(vals)
            ]
            items = [i for i in items if i[2].status != "na" or i[2].num]
            order = {"bad": 0, "warn": 1, "ok": 2, "info": 3, "na": 4}
            items.sort(key=lambda i: (order[i[2].status], i[0]))
            breakdowns.append((BREAKDOWN_NAMES.get(by, BREAKDOWNS[by]), by, items))
    target = engine.band_for(code, q.spec) or {}
    chart = {
        "days": [d.isoformat() for d, _ in series],
        "values": [None if v is None else round(float(v), 4) for _, v in series],
        "kind": target.get("kind"),
        "low": _f(target.get("low")),
        "high": _f(target.get("high")),
        "value": _f(target.get("value")),
        "t_low": _f(target.get("t_low")),
        "t_high": _f(target.get("t_high")),
        "unit": str(UNIT_BY_CODE.get(code, metric.unit)),
        "name": str(METRIC_NAMES.get(code, metric.name)),
        "text": {"band": gettext("目标区间"), "target": gettext("目标"), "missing": gettext("图表组件未加载")},
    }
    return render(
        request,
        "kpi/metric.html",
        {
            "q": q,
            "metric": metric,
            "row": row,
            "chart": chart,
            "breakdowns": breakdowns,
            "metric_name": METRIC_NAMES.get(code, metric.name),
            "unit": UNIT_BY_CODE.get(code, metric.unit),
            "formula": _quoted(metric.formula),
            "periods": _quoted(metric.periods),
            "decision": _quoted(metric.decision),
            "hints": [_quoted(h) for h in metric.hints],
            "target": _target(row.target, code) if row is not None else "",
            "show_hints": row is not None and row.status in ("bad", "warn") and metric.hints,
            "key_label": _key_name(selectors.key_label(q.center, q.scope, q.key or "")),
            "teams": selectors.teams(q.center) if q.wide else [],
            "querystring": request.GET.urlencode(),
            **_labels(q),
        },
    )


def _f(x):
    return None if x is None else float(x)


def _wallboard_context(center) -> dict:
    board = selectors.wallboard(center)
    day = selectors.wallboard_day(center, board["now"])
    day["agents"] = [
        {"name": str(label), "value": board["agents"][k], "state": k}
        for k, label in (("ready", _("空闲")), ("talking", _("通话中")), ("paused", _("小休")))
    ]
    day["text"] = {
        "waiting": gettext("排队等待（每半小时最多同时）"),
        "sl": gettext("服务水平"),
        "target": gettext("目标"),
        "agents": gettext("座席状态"),
        "missing": gettext("图表组件未加载"),
    }
    return {"board": board, "day": day, "center": center}


@require("page.kpi.wallboard")
def wallboard(request):
    center = center_of(request.user)
    return render(request, "kpi/wallboard.html", _wallboard_context(center))


@require("page.kpi.wallboard")
def wallboard_panel(request):
    center = center_of(request.user)
    return render(request, "kpi/_wallboard_panel.html", _wallboard_context(center))


EXPORT_BREAKDOWNS = ("call_type", "vip", "queue")  # the metric page's breakdowns besides teams and agents


@require("page.kpi.export")
def export(request):
    """The dashboard (one key) or the whole breakdown (no key: every team / agent; on a metric page also every call
    type, VIP class or queue) as an Excel file."""
    from dataclasses import replace

    q = parse_query(request, allow_all_keys=True)
    if q.wide and request.GET.get("scope") in EXPORT_BREAKDOWNS:  # parse_query knows only the people scopes
        q = replace(q, scope=request.GET["scope"], key=None)
    code = request.GET.get("code")
    codes = {code} if code in BY_CODE else None
    values = selectors.period_values(q.center, q.period, q.scope, key=q.key, spec=q.spec)
    keys = [q.key] if q.key else selectors.keys_of(values)
    blocks = [
        (selectors.key_label(q.center, q.scope, k), selectors.rows_for(values, k, q.spec, codes=codes, by=q.scope))
        for k in keys
    ]
    title = f"{q.center.name} 指标报表（{BREAKDOWN_NAMES[q.scope]}）"
    data = xlsx.workbook(
        title,
        blocks,
        period_label=q.period.label,
        notes=[
            f"导出时间：{timezone.localtime(timezone.now(), selectors.tz_of(q.center)):%Y-%m-%d %H:%M}",
            "分母为 0 的指标数值留空、状态为“无数据”；达标判断在四舍五入之前。",
        ],
    )
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename=kpi-{q.scope}-{q.period.start:%Y%m%d}.xlsx"
    return response
