"""Roster pages: the list with the generator, one roster (agents × days, cover chart, rule report, HTMX edits)."""
from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.access import allowed, require
from kefu.errors import RuleViolation
from kefu.roster import center as center_model
from kefu.roster import engine, services
from kefu.roster.models import Roster, RosterEdit, RosterRequest

WEEKDAYS = "一二三四五六日"


def _visible(request):
    qs = Roster.objects.filter(center=request.user.staff.center)
    if not allowed(request.user, "page.roster.plan"):
        qs = qs.filter(status=Roster.Status.PUBLISHED)
    return qs


def _errors(request, exc: RuleViolation):
    for p in exc.problems:
        messages.error(request, p.message)


@require("page.roster.view")
def index(request):
    staff = request.user.staff
    today = timezone.localdate()
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return render(request, "roster/index.html", {
        "rosters": _visible(request)[:30],
        "can_plan": allowed(request.user, "page.roster.plan"),
        "templates": services.ensure_templates(staff.center),
        "requests": RosterRequest.objects.filter(staff=staff, day__gte=today)[:30],
        "kinds": RosterRequest.Kind.choices,
        "default_start": next_month,
    })


@require("page.roster.plan")
@require_POST
def generate(request):
    try:
        start = date.fromisoformat(request.POST.get("start", ""))
        days = int(request.POST.get("days", "28"))
    except ValueError:
        messages.error(request, "请填写开始日期（YYYY-MM-DD）和天数")
        return redirect("roster:index")
    try:
        roster = services.generate(request.user.staff.center, start=start, days=days, actor=request.user.staff)
    except RuleViolation as exc:
        _errors(request, exc)
        return redirect("roster:index")
    messages.success(request, f"已生成排班草稿（{roster.get_status_display()}，求解状态 {roster.solver_status}）")
    return redirect("roster:detail", roster_id=roster.id)


@require("page.roster.view")
@require_POST
def submit_request(request):
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        messages.error(request, "请填写日期（YYYY-MM-DD）")
        return redirect("roster:index")
    try:
        services.submit_request(request.user.staff, day=day, kind=request.POST.get("kind", ""),
                                shift_code=request.POST.get("shift_code", ""), note=request.POST.get("note", ""))
        messages.success(request, "排班请求已提交，下次生成排班时会尽量满足")
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
            cells.append({"day": days[d], "index": d, "code": code or "", "template": templates.get(code),
                          "bad": (a.id, d) in hard_cells})
        worked = sum(1 for c in cells if c["code"])
        nights = sum(1 for c in cells if c["template"] and c["template"].night)
        rows.append({"staff_no": a.id, "skills": sorted(a.skills), "cells": cells, "worked": worked, "nights": nights})
    # required vs scheduled per interval
    per_day = 1440 // problem.interval_minutes
    required = [r for row in center_model.adjusted_requirement(inputs["policy"], services.center_input(inputs)) for r in row]
    scheduled = [0] * (roster.days * per_day)
    for (agent, d), code in rmap.items():
        for t in engine.intervals_of(problem.shift(code), d, problem.interval_minutes):
            if t < len(scheduled):
                scheduled[t] += 1
    labels = [f"{days[t // per_day]:%m-%d} {(t % per_day) * problem.interval_minutes // 60:02d}:"
              f"{(t % per_day) * problem.interval_minutes % 60:02d}" for t in range(len(scheduled))]
    report = roster.report
    req_total = report.get("required_intervals") or 0
    under_pct = (100 * report.get("under_intervals", 0) / req_total) if req_total else None
    return {
        "roster": roster,
        "days": [{"date": d, "weekday": WEEKDAYS[d.weekday()], "holiday": i in holidays, "weekend": d.weekday() >= 5}
                 for i, d in enumerate(days)],
        "rows": rows,
        "templates": list(templates.values()),
        "codes": [s.code for s in problem.shifts],
        "can_edit": allowed(request.user, "page.roster.plan"),
        "chart": {"labels": labels, "required": required, "scheduled": scheduled},
        "report": report,
        "under_pct": under_pct,
        "soft_labels": engine.SOFT_FAMILIES,
        "edits": RosterEdit.objects.filter(roster=roster).select_related("staff", "by")[:20],
        "policy": inputs["policy"],
    }


@require("page.roster.view")
def detail(request, roster_id: int):
    roster = _visible(request).filter(pk=roster_id).first()
    if roster is None:
        raise Http404("排班表不存在")
    return render(request, "roster/detail.html", _context(request, roster))


@require("page.roster.plan")
@require_POST
def edit_cell(request, roster_id: int):
    roster = _visible(request).filter(pk=roster_id).first()
    if roster is None:
        raise Http404("排班表不存在")
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
        edit = services.edit_assignment(roster, staff_no=request.POST.get("staff_no", ""), day=day,
                                        code=request.POST.get("code") or None, actor=request.user.staff)
        if edit.warnings:
            messages.warning(request, "已修改，但有软性规则警告：" + "；".join(
                f"{w['label']}（代价 +{w['delta']}）" for w in edit.warnings))
        else:
            messages.success(request, f"已将 {edit.staff.staff_no} 在 {edit.day:%m-%d} 的班次改为 {edit.new_code or '休息'}")
    except ValueError:
        messages.error(request, "日期格式错误")
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
        raise Http404("排班表不存在")
    try:
        services.publish(roster, request.user.staff)
        messages.success(request, "排班表已发布")
    except RuleViolation as exc:
        _errors(request, exc)
    return redirect("roster:detail", roster_id=roster.id)
