"""Roster pages: the list with the generator, one roster (agents × days, cover chart, rule report, HTMX edits)."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy
from django.views.decorators.http import require_POST

from kefu.access import allowed, require
from kefu.errors import RuleViolation
from kefu.messages import render as render_msg
from kefu.roster import center as center_model
from kefu.roster import engine, selectors, services
from kefu.roster.models import Roster, RosterEdit, RosterRequest
from kefu.scope import caller
from kefu.web.inputs import parse_day

WEEKDAYS = [
    pgettext_lazy("weekday", "一"),
    pgettext_lazy("weekday", "二"),
    pgettext_lazy("weekday", "三"),
    pgettext_lazy("weekday", "四"),
    pgettext_lazy("weekday", "五"),
    pgettext_lazy("weekday", "六"),
    pgettext_lazy("weekday", "日"),
]

# Labels the roster models and the (Django-free) engine keep in Chinese, shown in the user's language.
# Keyed by code, so a label is translated here without touching models.py or engine.py.
STATUS_LABELS = {"draft": gettext_lazy("草稿"), "published": gettext_lazy("已发布")}
KIND_LABELS = {
    "day_off": gettext_lazy("申请休息"),
    "shift_on": gettext_lazy("希望上某班"),
    "shift_off": gettext_lazy("避开某班"),
}
FAMILY_LABELS = {
    "days_off": gettext_lazy("不可排班日（请假/休息）"),
    "forbidden_successor": gettext_lazy("班次衔接（两班间最短休息）"),
    "max_shifts": gettext_lazy("某类班次次数上限"),
    "max_minutes": gettext_lazy("工时上限（周平均工时）"),
    "min_minutes": gettext_lazy("工时下限"),
    "max_consecutive": gettext_lazy("最多连续上班天数"),
    "min_consecutive": gettext_lazy("最少连续上班天数"),
    "min_consecutive_off": gettext_lazy("最少连续休息天数"),
    "max_weekends": gettext_lazy("周末上班次数上限"),
    "min_days_off": gettext_lazy("周期内最少休息天数"),
    "skill": gettext_lazy("班次技能要求"),
    "fixed": gettext_lazy("已锁定的排班"),
    "shift_day": gettext_lazy("该班次当天不可用"),
    "shift_on_request": gettext_lazy("排班请求未满足"),
    "shift_off_request": gettext_lazy("休息/避班请求未满足"),
    "cover_under": gettext_lazy("人手不足"),
    "cover_over": gettext_lazy("人手过剩"),
    "fair_night": gettext_lazy("夜班分配不均"),
    "fair_weekend": gettext_lazy("周末班分配不均"),
    "repair": gettext_lazy("缺勤重排"),
}
# The preset shift names (kefu.roster.policy); a name a center typed itself stays as typed.
gettext_noop("白班"), gettext_noop("晚班"), gettext_noop("常班"), gettext_noop("大夜班")


def _message_pattern(msgid: str) -> re.Pattern:
    """The msgid with each %(name)s read back as a group: one source for the text and its parser."""
    pieces = re.split(r"%\((\w+)\)s", msgid)
    return re.compile(
        "^" + "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>\\S+?)" for i, p in enumerate(pieces)) + "$"
    )


# The engine's violation messages (engine.check), matched to show them in the user's language.
_MESSAGES = [
    (_message_pattern(msgid), msgid)
    for msgid in [
        gettext_noop("%(a)s 第%(d)s天：未知班次 %(c)s"),
        gettext_noop("%(a)s 第%(d)s天不可排班，却排了 %(c)s"),
        gettext_noop("%(a)s 第%(d)s天不能上 %(c)s"),
        gettext_noop("%(a)s 没有技能 %(s)s，不能上 %(c)s"),
        gettext_noop("%(a)s 第%(d)s天 %(c)s 之后第%(e)s天不能接 %(n)s"),
        gettext_noop("%(a)s 的 %(c)s 班 %(n)s 次，上限 %(m)s"),
        gettext_noop("%(a)s 共 %(h)s 小时，上限 %(m)s 小时"),
        gettext_noop("%(a)s 共 %(h)s 小时，下限 %(m)s 小时"),
        gettext_noop("%(a)s 自第%(d)s天连续上班 %(n)s 天，上限 %(m)s 天"),
        gettext_noop("%(a)s 自第%(d)s天只连续上班 %(n)s 天，至少 %(m)s 天"),
        gettext_noop("%(a)s 自第%(d)s天只连休 %(n)s 天，至少 %(m)s 天"),
        gettext_noop("%(a)s 上了 %(n)s 个周末，上限 %(m)s 个"),
        gettext_noop("%(a)s 只休息 %(n)s 天，至少 %(m)s 天"),
        gettext_noop("%(a)s 第%(d)s天已锁定为 %(c)s"),
    ]
]


def shown_message(message: str) -> str:
    for pattern, msgid in _MESSAGES:
        m = pattern.match(message)
        if m:
            values = m.groupdict()
            if values.get("c") == "休息":
                values["c"] = _("休息")
            return _(msgid) % values
    return message


def family_label(item: dict) -> str:
    return FAMILY_LABELS.get(item.get("family"), item.get("label", ""))


def shift_name(template) -> str:
    """The template as str() shows it ("白班 08:00-17:00"), its preset name in the user's language."""
    return _(template.name) + str(template)[len(template.name) :]


def solver_label(status: str) -> str:
    """The solver's status as staff read it ("已找到可行排班"), never the solver's own word (FEASIBLE)."""
    code = f"roster.solver.{(status or 'none').lower()}"
    return render_msg(code if code in SOLVER_CODES else "roster.solver.unknown")


SOLVER_CODES = {
    "roster.solver.optimal",
    "roster.solver.feasible",
    "roster.solver.infeasible",
    "roster.solver.unknown",
    "roster.solver.none",
}


def _visible(request):
    qs = Roster.objects.filter(center=request.user.staff.center)
    if not allowed(request.user, "page.roster.plan"):
        qs = qs.filter(status=Roster.Status.PUBLISHED)
    return qs


# services._problem words an edit refused by a hard rule as 违反规则「label」（mm-dd）：message.
_PROBLEM = re.compile(r"^违反规则「.*?」(?:（(?P<when>\d\d-\d\d)）)?：(?P<message>.*)$", re.S)


# The services' fixed messages reachable from these pages, marked so that they read in the user's language;
# a message built with values (an f-string in services.py) stays Chinese.
SERVICE_MESSAGES = (
    gettext_noop("只能为自己提交排班请求"),
    gettext_noop("请求类型应为 申请休息/希望上某班/避开某班"),
    gettext_noop("不能为过去的日期提交排班请求"),
    gettext_noop("同一天已有相同的排班请求"),
    gettext_noop("中心没有可排班的话务员"),
    gettext_noop("在时限内没有找到任何排班方案，请放宽规则或延长求解时间"),
    gettext_noop("该排班表已发布"),
    gettext_noop("日期不在排班周期内"),
    gettext_noop("班次没有变化"),
    gettext_noop("请至少填写一条缺勤"),
    gettext_noop("排班已被修改，请重新预览后再应用"),
    gettext_noop("在时限内没有找到修复方案，请延长求解时间"),
)


def shown_problem(problem) -> str:
    m = _PROBLEM.match(problem.message) if problem.rule in FAMILY_LABELS else None
    if not m:
        return _(problem.message)
    values = {
        "rule": FAMILY_LABELS[problem.rule],
        "when": m.group("when"),
        "message": shown_message(m.group("message")),
    }
    if values["when"]:
        return _("违反规则「%(rule)s」（%(when)s）：%(message)s") % values
    return _("违反规则「%(rule)s」：%(message)s") % values


def _errors(request, exc: RuleViolation):
    for p in exc.problems:
        messages.error(request, shown_problem(p))


@require("page.roster.view")
def index(request):
    staff = request.user.staff
    today = timezone.localdate()
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    rosters = list(_visible(request)[:30])
    for r in rosters:
        r.status_label = STATUS_LABELS.get(r.status, r.get_status_display())
        r.solver_label = solver_label(r.solver_status)
    templates = services.ensure_templates(staff.center)
    for t in templates:
        t.shown = shift_name(t)
    requests = list(RosterRequest.objects.filter(staff=staff, day__gte=today)[:30])
    for r in requests:
        r.kind_label = KIND_LABELS.get(r.kind, r.get_kind_display())
    return render(
        request,
        "roster/index.html",
        {
            "rosters": rosters,
            "can_plan": allowed(request.user, "page.roster.plan"),
            "templates": templates,
            "requests": requests,
            "kinds": [(code, KIND_LABELS.get(code, label)) for code, label in RosterRequest.Kind.choices],
            "default_start": next_month,
        },
    )


@require("page.roster.plan")
@require_POST
def generate(request):
    try:
        start = parse_day(request.POST.get("start", ""), _("开始日期"), field="start", required=True)
        days = int(request.POST.get("days", "28"))
    except ValueError:
        messages.error(request, _("请填写开始日期（YYYY-MM-DD）和天数"))
        return redirect("roster:index")
    except RuleViolation as exc:
        _errors(request, exc)
        return redirect("roster:index")
    try:
        roster = services.generate(request.user.staff.center, start=start, days=days, actor=request.user.staff)
    except RuleViolation as exc:
        _errors(request, exc)
        return redirect("roster:index")
    messages.success(
        request,
        _("已生成排班草稿（%(status)s，%(solver)s）")
        % {
            "status": STATUS_LABELS.get(roster.status, roster.get_status_display()),
            "solver": solver_label(roster.solver_status),
        },
    )
    return redirect("roster:detail", roster_id=roster.id)


@require("page.roster.view")
@require_POST
def submit_request(request):
    try:
        day = parse_day(request.POST.get("day", ""), _("日期"), field="day", required=True)
        services.submit_request(
            request.user.staff,
            day=day,
            kind=request.POST.get("kind", ""),
            shift_code=request.POST.get("shift_code", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("排班请求已提交，下次生成排班时会尽量满足"))
    except RuleViolation as exc:
        _errors(request, exc)
    return redirect("roster:index")


def _context(request, roster: Roster) -> dict:
    inputs = roster.inputs
    problem = services.problem_of(inputs)
    rmap = services.roster_map(roster)
    templates = {t.code: t for t in services.ensure_templates(roster.center)}
    days = [roster.start + timedelta(days=d) for d in range(roster.days)]
    holidays = set(inputs["holidays"])
    hard_cells = {(h["agent"], h["day"]) for h in roster.report.get("hard", []) if h.get("day") is not None}
    rows = []
    for a in problem.agents:
        cells = []
        for d in range(roster.days):
            code = rmap.get((a.id, d))
            cells.append(
                {
                    "day": days[d],
                    "index": d,
                    "code": code or "",
                    "template": templates.get(code),
                    "bad": (a.id, d) in hard_cells,
                }
            )
        worked = sum(1 for c in cells if c["code"])
        nights = sum(1 for c in cells if c["template"] and c["template"].night)
        rows.append({"staff_no": a.id, "skills": sorted(a.skills), "cells": cells, "worked": worked, "nights": nights})
    # required vs scheduled per interval
    per_day = 1440 // problem.interval_minutes
    required = [
        r for row in center_model.adjusted_requirement(inputs["policy"], services.center_input(inputs)) for r in row
    ]
    scheduled = [0] * (roster.days * per_day)
    for (_agent, d), code in rmap.items():
        for t in engine.intervals_of(problem.shift(code), d, problem.interval_minutes):
            if t < len(scheduled):
                scheduled[t] += 1
    labels = [
        f"{days[t // per_day]:%m-%d} {(t % per_day) * problem.interval_minutes // 60:02d}:"
        f"{(t % per_day) * problem.interval_minutes % 60:02d}"
        for t in range(len(scheduled))
    ]
    basis = inputs.get("requirement_basis") or {}
    forecast_days = set(basis.get("forecast_days", []))
    # 需在线 (on the phones) where the requirement is the staffing page's: shrinkage turns it into the seats required
    on_phones = [v for d in range(roster.days) for v in (basis.get("on_phones", {}).get(str(d)) or [None] * per_day)]
    occupancy_bound = sum(len(v) for v in basis.get("occupancy", {}).values())
    profile_days = [days[d] for d in range(roster.days) if d not in forecast_days]
    report = dict(roster.report)
    report["hard"] = [
        {**h, "label": family_label(h), "message": shown_message(h.get("message", ""))} for h in report.get("hard", [])
    ]
    roster.status_label = STATUS_LABELS.get(roster.status, roster.get_status_display())
    roster.solver_label = solver_label(roster.solver_status)
    template_list = list(templates.values())
    for t in template_list:
        t.shown = shift_name(t)
    edits = list(RosterEdit.objects.filter(roster=roster).select_related("staff", "by")[:20])
    for e in edits:
        e.warnings_shown = [{**w, "label": family_label(w)} for w in e.warnings]
    req_total = report.get("required_intervals") or 0
    under_pct = (100 * report.get("under_intervals", 0) / req_total) if req_total else None
    return {
        "roster": roster,
        "days": [
            {"date": d, "weekday": WEEKDAYS[d.weekday()], "holiday": i in holidays, "weekend": d.weekday() >= 5}
            for i, d in enumerate(days)
        ],
        "rows": rows,
        "templates": template_list,
        "codes": [s.code for s in problem.shifts],
        "can_edit": allowed(request.user, "page.roster.plan"),
        "chart": {
            "labels": labels,
            "required": required,
            "scheduled": scheduled,
            "on_phones": on_phones if forecast_days else None,
        },
        "basis": {
            "forecast_days": len(forecast_days),
            "profile_days": profile_days,
            "all_profile": not forecast_days,
            "shrinkage": basis.get("shrinkage"),
            "occupancy_cap": basis.get("occupancy_cap"),
            "occupancy_bound": occupancy_bound,
            "known": "forecast_days" in basis,
        },
        "report": report,
        "under_pct": under_pct,
        "soft_labels": {family: FAMILY_LABELS.get(family, label) for family, label in engine.SOFT_FAMILIES.items()},
        "edits": edits,
        "chart_labels": {
            "required": _("需求座席"),
            "scheduled": _("已排座席"),
            "agents": _("人"),
            "on_phones": _("需在线（未计缺勤）"),
        },
        "policy": inputs["policy"],
    }


@require("page.roster.mine")
def mine(request):
    """我的排班: the caller's own published shifts for this month and the next, swaps applied."""
    scope = caller(request)
    today = timezone.localdate()
    first = today.replace(day=1)
    last = ((first + timedelta(days=62)).replace(day=1)) - timedelta(days=1)
    days = selectors.my_shifts(scope.staff, first, last)
    months = []
    for d in days:
        d["weekday"] = WEEKDAYS[d["day"].weekday()]
        d["today"] = d["day"] == today
        d["name"] = _(d["name"]) if d["name"] else ""
        if not months or months[-1]["first"].month != d["day"].month:
            months.append({"first": d["day"], "days": []})
        months[-1]["days"].append(d)
    for m in months:
        m["worked"] = sum(1 for d in m["days"] if d["code"])
        m["published"] = any(d["published"] for d in m["days"])
    return render(request, "roster/mine.html", {"months": months, "staff": scope.staff})


@require("page.roster.view")
def detail(request, roster_id: int):
    roster = _visible(request).filter(pk=roster_id).first()
    if roster is None:
        raise Http404(_("排班表不存在"))
    return render(request, "roster/detail.html", _context(request, roster))


@require("page.roster.plan")
@require_POST
def edit_cell(request, roster_id: int):
    roster = _visible(request).filter(pk=roster_id).first()
    if roster is None:
        raise Http404(_("排班表不存在"))
    try:
        day = parse_day(request.POST.get("day", ""), _("日期"), field="day", required=True)
        edit = services.edit_assignment(
            roster,
            staff_no=request.POST.get("staff_no", ""),
            day=day,
            code=request.POST.get("code") or None,
            actor=request.user.staff,
        )
        if edit.warnings:
            messages.warning(
                request,
                _("已修改，但有软性规则警告：")
                + _("；").join(
                    _("%(label)s（代价 +%(delta)s）") % {"label": family_label(w), "delta": w["delta"]}
                    for w in edit.warnings
                ),
            )
        else:
            messages.success(
                request,
                _("已将 %(no)s 在 %(day)s 的班次改为 %(code)s")
                % {"no": edit.staff.staff_no, "day": f"{edit.day:%m-%d}", "code": edit.new_code or _("休息")},
            )
    except ValueError:
        messages.error(request, _("日期格式错误"))
    except RuleViolation as exc:
        _errors(request, exc)
    roster.refresh_from_db()
    template = "roster/_body.html" if request.headers.get("HX-Request") else "roster/detail.html"
    return render(request, template, _context(request, roster))


@require("page.roster.plan")
@require_POST
def publish(request, roster_id: int):
    roster = _visible(request).filter(pk=roster_id).first()
    if roster is None:
        raise Http404(_("排班表不存在"))
    try:
        services.publish(roster, request.user.staff)
        messages.success(request, _("排班表已发布"))
    except RuleViolation as exc:
        _errors(request, exc)
    return redirect("roster:detail", roster_id=roster.id)


def _absences(request) -> list[tuple[str, date, date]]:
    """Lines of "工号 开始日期 [结束日期]" (one absence a line) from the repair form."""
    out = []
    for n, line in enumerate(request.POST.get("absences", "").splitlines(), 1):
        parts = line.replace(",", " ").replace("，", " ").split()
        if not parts:
            continue
        if len(parts) not in (2, 3):
            raise RuleViolation(
                _("第 %(n)s 行应为：工号 开始日期 [结束日期]") % {"n": n}, field="absences", rule="format"
            )
        first = parse_day(parts[1], _("开始日期"), field="absences", required=True)
        last = parse_day(parts[2], _("结束日期"), field="absences", required=True) if len(parts) == 3 else first
        out.append((parts[0], first, last))
    return out


@require("page.roster.plan")
@require_POST
def repair_preview(request, roster_id: int):
    """Re-rostering after absences: who would be affected and how, before anything is written."""
    roster = _visible(request).filter(pk=roster_id).first()
    if roster is None:
        raise Http404(_("排班表不存在"))
    context = _context(request, roster)
    context["absences_text"] = request.POST.get("absences", "")
    context["confirmed_through"] = request.POST.get("confirmed_through", "")
    try:
        confirmed = parse_day(request.POST.get("confirmed_through", ""), _("锁定至"), field="confirmed_through")
        preview = services.repair_preview(roster, absences=_absences(request), confirmed_through=confirmed)
    except ValueError:
        messages.error(request, _("日期格式错误"))
        return render(request, "roster/detail.html", context)
    except RuleViolation as exc:
        _errors(request, exc)
        return render(request, "roster/detail.html", context)
    by_agent: dict[str, list[dict]] = {}
    for m in preview["moves"]:
        by_agent.setdefault(m["staff_no"], []).append(m)
    preview["by_agent"] = [
        {"staff_no": no, "moves": ms, "absent": any(m["required"] for m in ms)} for no, ms in by_agent.items()
    ]
    preview["kept_pct"] = 100 * preview["kept"] / preview["keepable"] if preview["keepable"] else 100.0
    preview["payload"] = json.dumps({"absences": preview["absences"], "moves": preview["moves"]})
    context["preview"] = preview
    return render(request, "roster/detail.html", context)


@require("page.roster.plan")
@require_POST
def repair_apply(request, roster_id: int):
    roster = _visible(request).filter(pk=roster_id).first()
    if roster is None:
        raise Http404(_("排班表不存在"))
    try:
        payload = json.loads(request.POST.get("payload", ""))
        absences = [
            (no, date.fromisoformat(first), date.fromisoformat(last)) for no, first, last in payload["absences"]
        ]
        moves = [
            {k: str(m[k]) for k in ("staff_no", "day", "before", "after")} | {"required": bool(m.get("required"))}
            for m in payload["moves"]
        ]
    except (ValueError, KeyError, TypeError):
        messages.error(request, _("重排方案无效，请重新预览"))
        return redirect("roster:detail", roster_id=roster.id)
    try:
        n = services.apply_repair(roster, absences=absences, moves=moves, actor=request.user.staff)
        messages.success(request, _("已按缺勤重排，调整了 %(n)s 个班次，并已通知相关人员") % {"n": n})
    except RuleViolation as exc:
        _errors(request, exc)
    return redirect("roster:detail", roster_id=roster.id)
