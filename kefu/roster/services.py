"""Roster use cases: templates, requests, generating (CP-SAT in-process), publishing, manual edits.

Every write runs inside transaction.atomic and raises RuleViolation (Chinese message, field, rule) on bad
input, changing nothing. The rules themselves live in the `roster` policy (policy.py cites the seeds).
"""

from __future__ import annotations

import copy
from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from kefu.errors import Conflict, NotAllowed, NotFound, RuleViolation
from kefu.notify.services import notify
from kefu.org.models import Center, Staff
from kefu.org.policy import policy_for
from kefu.org.roles import LEADS, Role, roles_of
from kefu.roster import center as center_model
from kefu.roster import engine, repair
from kefu.roster.models import Assignment, Roster, RosterEdit, RosterRequest, ShiftTemplate
from kefu.workcal.selectors import shift_calendar

ROSTER_ROLES = (Role.AGENT.value, Role.SENIOR_AGENT.value)
MAX_DAYS = 62


def roster_policy(center: Center) -> dict:
    return policy_for("roster", center)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@transaction.atomic
def ensure_templates(center: Center) -> list[ShiftTemplate]:
    """The center's active shift templates, kept in step with its shift calendar (kefu.workcal.selectors):
    a calendar shift is created or brought up to date; one the calendar no longer has is deactivated (the
    assignments that name it keep it)."""
    calendar = shift_calendar(center)
    rows = {t.code: t for t in ShiftTemplate.objects.filter(center=center)}
    for t in calendar:
        want = {
            "name": t.name,
            "start": time(t.start_minute // 60, t.start_minute % 60),
            "minutes": t.minutes,
            "night": t.night,
            "color": t.color,
            "active": True,
        }
        row = rows.get(t.code)
        if row is None:
            ShiftTemplate.objects.create(center=center, code=t.code, **want)
        elif any(getattr(row, k) != v for k, v in want.items()):
            for k, v in want.items():
                setattr(row, k, v)
            row.save()
    codes = {t.code for t in calendar}
    ShiftTemplate.objects.filter(center=center, active=True).exclude(code__in=codes).update(active=False)
    return list(ShiftTemplate.objects.filter(center=center, active=True))


def roster_agents(center: Center) -> list[Staff]:
    """Front-line staff the roster covers (话务员 and 高级座席), by staff number."""
    return list(
        Staff.objects.filter(center=center, is_active=True, user__groups__name__in=ROSTER_ROLES)
        .distinct()
        .prefetch_related("skills")
        .order_by("staff_no")
    )


def _policy_with_templates(center: Center) -> dict:
    pol = copy.deepcopy(roster_policy(center))
    pol["shifts"] = [
        {
            "code": t.code,
            "name": t.name,
            "start": f"{t.start:%H:%M}",
            "hours": t.minutes / 60,
            "night": t.night,
            "color": t.color,
        }
        for t in ensure_templates(center)
    ]
    return pol


def holidays_between(center: Center, *, start: date, days: int, pol: dict) -> list[int]:
    """Day indexes that are public holidays (workcal) or special dates such as 5.17 (004:L787)."""
    from kefu.workcal.services import center_calendar

    cal = center_calendar()
    special = set(pol.get("special_dates", []))
    out = []
    for d in range(days):
        day = start + timedelta(days=d)
        if cal.is_holiday(day) or day.strftime("%m-%d") in special:
            out.append(d)
    return out


def _leave_days(staff_no: str, start: date, days: int) -> set[int]:
    """Approved or pending leave from kefu.attendance, when that app is installed."""
    try:
        from kefu.attendance.services import leave_dates
    except ImportError:
        return set()
    end = start + timedelta(days=days - 1)
    return {(d - start).days for d in leave_dates(staff_no, start=start, end=end)}


def default_requirement(pol: dict, *, days: int, n_agents: int) -> list[list[int]]:
    """Seats per interval when no forecast is given: the policy's profile, scaled to the team's size
    (the profile is written for 40 agents)."""
    profile = pol["default_profile"]
    return [[round(v * n_agents / 40) for v in profile] for _ in range(days)]


def wfm_requirement(center: Center, *, start: date, days: int, interval_minutes: int = 30) -> list[dict | None]:
    """kefu.wfm's staffing plan per roster interval, for each day of the period that has a forecast (None for a
    day without one): {"seats": 需排班 (agents to schedule: the agents on the phones the targets need, the occupancy
    cap included, grossed up by shrinkage — the figure of the staffing page), "on_phones": 需在线, "occupancy": True
    where the occupancy cap set the figure}. A forecast hour covers both of its half hours."""
    from kefu.wfm.services import staffing_plan

    out: list[dict | None] = []
    for d in range(days):
        try:
            plan = staffing_plan(center, start + timedelta(days=d))
        except RuleViolation:  # no forecast for that day
            out.append(None)
            continue
        rows = [(r["start"].hour * 60 + r["start"].minute, r) for r in plan["rows"]]
        if not rows:
            out.append(None)
            continue
        day = {"seats": [], "on_phones": [], "occupancy": []}
        for i in range(1440 // interval_minutes):
            minute = i * interval_minutes
            covering = [r for begin, r in rows if begin <= minute]
            r = covering[-1] if covering else rows[0][1]
            day["seats"].append(int(r["scheduled_needed"]))
            day["on_phones"].append(int(r.get("required", r["scheduled_needed"])))
            day["occupancy"].append(r.get("binding") == "occupancy")
        out.append(day)
    return out


def requirement_from_wfm(
    center: Center, *, start: date, days: int, interval_minutes: int = 30
) -> list[list[int] | None] | None:
    """Seats per interval from kefu.wfm (wfm_requirement) for each day with a forecast, None for a day without one;
    None when no day of the period has a forecast."""
    planned = wfm_requirement(center, start=start, days=days, interval_minutes=interval_minutes)
    if not any(planned):
        return None
    return [p["seats"] if p else None for p in planned]


def _validate_requirement(requirement, days: int, per_day: int) -> list[list[int]]:
    if not isinstance(requirement, list) or len(requirement) != days:
        raise RuleViolation(f"需求数组应有 {days} 天", field="requirement", rule="shape")
    out = []
    for d, row in enumerate(requirement):
        if not isinstance(row, list) or len(row) != per_day:
            raise RuleViolation(f"第{d + 1}天的需求应有 {per_day} 个时段", field="requirement", rule="shape")
        if any((not isinstance(v, int)) or v < 0 for v in row):
            raise RuleViolation(f"第{d + 1}天的需求应为非负整数", field="requirement", rule="non_negative")
        out.append(list(row))
    return out


# ------------------------------------------------------------------------------------------- requests


@transaction.atomic
def submit_request(
    actor: Staff,
    *,
    day: date,
    kind: str,
    shift_code: str = "",
    staff_no: str | None = None,
    weight: int | None = None,
    note: str = "",
) -> RosterRequest:
    """An agent asks for a day off or a shift (soft, weighted); leads may file for anyone."""
    staff = actor
    if staff_no and staff_no != actor.staff_no:
        if not roles_of(actor.user) & LEADS:
            raise NotAllowed("只能为自己提交排班请求", rule="own_request")
        staff = Staff.objects.filter(center=actor.center, staff_no=staff_no).first()
        if staff is None:
            raise NotFound(f"工号 {staff_no}", field="staff_no")
    if kind not in RosterRequest.Kind.values:
        raise RuleViolation("请求类型应为 申请休息/希望上某班/避开某班", field="kind", rule="choice")
    if kind == RosterRequest.Kind.DAY_OFF:
        shift_code = ""
    else:
        codes = {t.code for t in ensure_templates(staff.center)}
        if shift_code not in codes:
            raise RuleViolation(f"班次代码应为 {'、'.join(sorted(codes))} 之一", field="shift_code", rule="choice")
    if day < timezone.localdate():
        raise RuleViolation("不能为过去的日期提交排班请求", field="day", rule="future_only")
    if weight is not None and not 1 <= weight <= 100:
        raise RuleViolation("权重应在 1-100 之间", field="weight", rule="range")
    if RosterRequest.objects.filter(staff=staff, day=day, kind=kind, shift_code=shift_code).exists():
        raise Conflict("同一天已有相同的排班请求", field="day", rule="duplicate")
    return RosterRequest.objects.create(
        center=staff.center, staff=staff, day=day, kind=kind, shift_code=shift_code, weight=weight, note=note[:200]
    )


# ------------------------------------------------------------------------------------------- generate


def _inputs(center: Center, start: date, days: int, requirement, holidays, pol: dict) -> dict:
    staff = roster_agents(center)
    if not staff:
        raise RuleViolation("中心没有可排班的话务员", field="center", rule="no_agents")
    per_day = 1440 // pol["interval_minutes"]
    basis: dict = {"forecast_days": []}
    if requirement is None:
        # The staffing page's 需排班 for every day with a forecast, the policy's profile for the others; the page
        # says which (issue 13: the two pages showed 12 and 4 for the same half hour).
        planned = wfm_requirement(center, start=start, days=days, interval_minutes=pol["interval_minutes"])
        profile = default_requirement(pol, days=days, n_agents=len(staff))
        requirement = [p["seats"] if p else profile[d] for d, p in enumerate(planned)]
        basis = {
            "forecast_days": [d for d, p in enumerate(planned) if p],
            "on_phones": {str(d): p["on_phones"] for d, p in enumerate(planned) if p},
            "occupancy": {
                str(d): [i for i, bound in enumerate(p["occupancy"]) if bound] for d, p in enumerate(planned) if p
            },
        }
        if basis["forecast_days"]:
            targets = policy_for("wfm", center)["targets"]
            basis.update(shrinkage=targets["shrinkage"], occupancy_cap=targets.get("occupancy_cap"))
    requirement = _validate_requirement(requirement, days, per_day)
    if holidays is None:
        holidays = holidays_between(center, start=start, days=days, pol=pol)
    agents = [
        {
            "staff_no": s.staff_no,
            "skills": sorted(k.code for k in s.skills.all()),
            "night_ok": True,
            "unavailable": sorted(_leave_days(s.staff_no, start, days)),
        }
        for s in staff
    ]
    end = start + timedelta(days=days - 1)
    requests = []
    for r in RosterRequest.objects.filter(center=center, day__range=(start, end)).select_related("staff"):
        requests.append(
            {
                "staff_no": r.staff.staff_no,
                "day": (r.day - start).days,
                "shift": r.shift_code or None,
                "on": r.kind == RosterRequest.Kind.SHIFT_ON,
                "weight": r.weight,
            }
        )
    return {
        "policy": pol,
        "start": start.isoformat(),
        "days": days,
        "agents": agents,
        "requirement": requirement,
        "holidays": sorted(holidays),
        "requests": requests,
        "requirement_basis": basis,
    }


def center_input(inputs: dict, fixed=()) -> center_model.CenterInput:
    return center_model.CenterInput(
        start=date.fromisoformat(inputs["start"]),
        days=inputs["days"],
        agents=[
            center_model.AgentSpec(a["staff_no"], frozenset(a["skills"]), a["night_ok"], frozenset(a["unavailable"]))
            for a in inputs["agents"]
        ],
        requirement=inputs["requirement"],
        holidays=set(inputs["holidays"]),
        forecast_days=frozenset((inputs.get("requirement_basis") or {}).get("forecast_days", [])),
        requests=[
            center_model.RequestSpec(r["staff_no"], r["day"], r["shift"], r["on"], r["weight"])
            for r in inputs["requests"]
        ],
        fixed=list(fixed),
    )


def problem_of(inputs: dict) -> engine.Problem:
    return center_model.build_problem(inputs["policy"], center_input(inputs))


def _report(
    problem: engine.Problem, roster: engine.Roster, extra: dict | None = None, start: date | None = None
) -> dict:
    ev = engine.evaluate(problem, roster)
    return {
        "hard": [
            {
                "family": v.family,
                "label": v.label,
                "agent": v.agent,
                "day": v.day,
                "amount": v.amount,
                "date": (start + timedelta(days=v.day)).isoformat() if start and v.day is not None else None,
                "message": v.message,
            }
            for v in ev.hard
        ],
        "costs": ev.costs,
        "soft_cost": ev.soft_cost,
        "under_intervals": ev.under_intervals,
        "required_intervals": ev.required_intervals,
        **(extra or {}),
    }


def generate(
    center: Center,
    *,
    start: date,
    days: int,
    actor: Staff | None = None,
    requirement=None,
    holidays=None,
    time_limit: float | None = None,
) -> Roster:
    """Build a draft roster with CP-SAT. The solve runs outside the transaction; the write is atomic."""
    if not 1 <= days <= MAX_DAYS:
        raise RuleViolation(f"排班天数应在 1-{MAX_DAYS} 天之间", field="days", rule="range")
    pol = _policy_with_templates(center)
    inputs = _inputs(center, start, days, requirement, holidays, pol)
    problem = problem_of(inputs)
    limit = float(time_limit if time_limit is not None else pol["time_limit_seconds"])
    solution = engine.solve(problem, time_limit=limit)
    if solution.evaluation is None:
        raise RuleViolation(
            "在时限内没有找到任何排班方案，请放宽规则或延长求解时间", field="time_limit", rule="no_solution"
        )
    return _save(center, start, days, actor, inputs, problem, solution)


@transaction.atomic
def _save(center, start, days, actor, inputs, problem, solution) -> Roster:
    report = _report(
        problem,
        solution.roster,
        {
            "conflicts": solution.conflicts,
            "relaxed": solution.relaxed,
            "bound": solution.bound,
            "seconds": round(solution.wall_seconds, 2),
        },
        start,
    )
    roster = Roster.objects.create(
        center=center,
        start=start,
        days=days,
        inputs=inputs,
        report=report,
        solver_status=solution.status,
        objective=solution.objective,
        created_by=actor,
    )
    staff = {s.staff_no: s for s in Staff.objects.filter(center=center, staff_no__in=[a.id for a in problem.agents])}
    templates = {t.code: t for t in ShiftTemplate.objects.filter(center=center)}
    Assignment.objects.bulk_create(
        [
            Assignment(
                roster=roster, staff=staff[agent], day=start + timedelta(days=d), shift=templates.get(code), code=code
            )
            for (agent, d), code in sorted(solution.roster.items())
        ]
    )
    return roster


def roster_map(roster: Roster) -> engine.Roster:
    return {(a.staff.staff_no, (a.day - roster.start).days): a.code for a in roster.assignments.select_related("staff")}


# ------------------------------------------------------------------------------------------- publish


@transaction.atomic
def publish(roster: Roster, actor: Staff | None) -> Roster:
    roster = Roster.objects.select_for_update().get(pk=roster.pk)
    if roster.status == Roster.Status.PUBLISHED:
        raise Conflict("该排班表已发布", field="status", rule="already_published")
    problem = problem_of(roster.inputs)
    report = _report(
        problem,
        roster_map(roster),
        {k: v for k, v in roster.report.items() if k in ("conflicts", "relaxed", "bound", "seconds")},
        roster.start,
    )
    if report["hard"]:
        labels = sorted({h["label"] for h in report["hard"]})
        raise RuleViolation(f"排班违反硬性规则，不能发布：{'、'.join(labels)}", field="roster", rule="hard_rules")
    end = roster.start + timedelta(days=roster.days - 1)
    for other in Roster.objects.filter(center=roster.center, status=Roster.Status.PUBLISHED).exclude(pk=roster.pk):
        if other.start <= end and roster.start <= other.start + timedelta(days=other.days - 1):
            raise Conflict(
                f"与已发布的排班表（{other.start} 起 {other.days} 天）时间重叠", field="start", rule="overlap"
            )
    roster.status = Roster.Status.PUBLISHED
    roster.published_at = timezone.now()
    roster.published_by = actor
    roster.report = report
    roster.save(update_fields=["status", "published_at", "published_by", "report"])
    return roster


# ------------------------------------------------------------------------------------------- edits


@transaction.atomic
def edit_assignment(roster: Roster, *, staff_no: str, day: date, code: str | None, actor: Staff) -> RosterEdit:
    """Change one cell. A change that breaks a hard rule is refused, naming the rule; one that only costs
    soft rules (cover, requests, fairness) is saved with its warnings recorded."""
    roster = Roster.objects.select_for_update().get(pk=roster.pk)
    staff = Staff.objects.filter(center=roster.center, staff_no=staff_no).first()
    if staff is None or staff_no not in {a["staff_no"] for a in roster.inputs["agents"]}:
        raise NotFound(f"排班表中的工号 {staff_no}", field="staff_no")
    index = (day - roster.start).days
    if not 0 <= index < roster.days:
        raise RuleViolation("日期不在排班周期内", field="day", rule="range")
    code = code or None
    templates = {t.code: t for t in ShiftTemplate.objects.filter(center=roster.center)}
    problem = problem_of(roster.inputs)
    known = {s.code for s in problem.shifts}
    if code is not None and code not in known:
        raise RuleViolation(f"未知班次：{code}", field="code", rule="choice")
    before = roster_map(roster)
    old = before.get((staff_no, index))
    if old == code:
        raise RuleViolation("班次没有变化", field="code", rule="unchanged")
    after = dict(before)
    if code is None:
        after.pop((staff_no, index), None)
    else:
        after[(staff_no, index)] = code
    ev_before, ev_after = engine.evaluate(problem, before), engine.evaluate(problem, after)
    new_hard = _new_violations(ev_before.hard, ev_after.hard)
    if new_hard:
        raise RuleViolation.many([_problem(v, roster.start) for v in new_hard])
    warnings = [
        {"family": fam, "label": engine.SOFT_FAMILIES[fam], "delta": ev_after.costs[fam] - ev_before.costs[fam]}
        for fam in engine.SOFT_FAMILIES
        if ev_after.costs[fam] > ev_before.costs[fam]
    ]
    Assignment.objects.filter(roster=roster, staff=staff, day=day).delete()
    if code is not None:
        Assignment.objects.create(roster=roster, staff=staff, day=day, shift=templates.get(code), code=code)
    roster.report = _report(
        problem,
        after,
        {k: v for k, v in roster.report.items() if k in ("conflicts", "relaxed", "bound", "seconds")},
        roster.start,
    )
    roster.objective = ev_after.soft_cost
    roster.save(update_fields=["report", "objective"])
    return RosterEdit.objects.create(
        roster=roster, staff=staff, day=day, old_code=old or "", new_code=code or "", warnings=warnings, by=actor
    )


def _totals(violations: list[engine.Violation]) -> dict[tuple[str, str | None], int]:
    out: dict[tuple[str, str | None], int] = {}
    for v in violations:
        out[(v.family, v.agent)] = out.get((v.family, v.agent), 0) + v.amount
    return out


def _new_violations(before: list[engine.Violation], after: list[engine.Violation]) -> list[engine.Violation]:
    """Violations of a rule and agent that the edit made worse (an existing breach may shift but not grow)."""
    old, new = _totals(before), _totals(after)
    worse = {k for k, n in new.items() if n > old.get(k, 0)}
    return [v for v in after if (v.family, v.agent) in worse]


def _problem(v: engine.Violation, start: date):
    from kefu.errors import Problem

    when = f"（{start + timedelta(days=v.day):%m-%d}）" if v.day is not None else ""
    return Problem("code", v.family, f"违反规则「{v.label}」{when}：{v.message}")


# ------------------------------------------------------------------------------------------- repair

REPAIR_TIME_LIMIT = 15  # seconds, when the roster's policy does not say (it is solved while the planner waits)
MOVE_COST = 50  # a changed cell, when the roster's policy predates the "move" weight


def _parse_absences(roster: Roster, absences) -> list[tuple[str, date, date]]:
    """[(staff_no, first day, last day)] inside the roster's period, for agents of the roster."""
    known = {a["staff_no"] for a in roster.inputs["agents"]}
    end = roster.start + timedelta(days=roster.days - 1)
    out = []
    for staff_no, first, last in absences:
        if staff_no not in known:
            raise NotFound(f"排班表中的工号 {staff_no}", field="absences")
        if last < first:
            raise RuleViolation(f"{staff_no} 的缺勤结束日期早于开始日期", field="absences", rule="order")
        if last < roster.start or first > end:
            raise RuleViolation(f"{staff_no} 的缺勤不在排班周期内", field="absences", rule="range")
        out.append((staff_no, max(first, roster.start), min(last, end)))
    if not out:
        raise RuleViolation("请至少填写一条缺勤", field="absences", rule="required")
    return out


def _inputs_with_absences(roster: Roster, absences: list[tuple[str, date, date]]) -> dict:
    inputs = copy.deepcopy(roster.inputs)
    extra: dict[str, set[int]] = {}
    for staff_no, first, last in absences:
        extra.setdefault(staff_no, set()).update(range((first - roster.start).days, (last - roster.start).days + 1))
    for a in inputs["agents"]:
        if a["staff_no"] in extra:
            a["unavailable"] = sorted(set(a["unavailable"]) | extra[a["staff_no"]])
    return inputs


def repair_preview(
    roster: Roster,
    *,
    absences,
    confirmed_through: date | None = None,
    today: date | None = None,
    time_limit: float | None = None,
) -> dict:
    """What re-rostering after these absences would change (kefu.roster.repair): the moved cells, who is affected,
    the share of the other assignments kept and the cover before and after. Writes nothing. Days before today and
    through confirmed_through are confirmed: their shifts stay unless the absence itself removes them."""
    absences = _parse_absences(roster, absences)
    inputs = _inputs_with_absences(roster, absences)
    problem = problem_of(inputs)
    pol = inputs["policy"]
    before = roster_map(roster)
    today = today or timezone.localdate()
    last_confirmed = max(today - timedelta(days=1), confirmed_through or today - timedelta(days=1))
    confirmed = {
        (a.id, d)
        for a in problem.agents
        for d in range(roster.days)
        if roster.start + timedelta(days=d) <= last_confirmed
    }
    limit = float(time_limit if time_limit is not None else pol.get("repair_time_limit_seconds", REPAIR_TIME_LIMIT))
    result = repair.repair(
        problem,
        before,
        move_cost=pol["weights"].get("move", MOVE_COST),
        confirmed=confirmed,
        time_limit=limit,
        workers=1,
    )
    if result.evaluation is None:
        raise RuleViolation("在时限内没有找到修复方案，请延长求解时间", field="time_limit", rule="no_solution")
    was = engine.evaluate(problem, {c: s for c, s in before.items() if c not in result.required})
    return {
        "absences": [[no, first.isoformat(), last.isoformat()] for no, first, last in absences],
        "moves": [
            {
                "staff_no": m.agent,
                "day": (roster.start + timedelta(days=m.day)).isoformat(),
                "before": m.before or "",
                "after": m.after or "",
                "required": m.required,
            }
            for m in result.moves
        ],
        "affected": result.affected,
        "kept": result.kept,
        "keepable": result.keepable,
        "under_without_repair": was.under_intervals,
        "under_after": result.evaluation.under_intervals,
        "required_intervals": result.evaluation.required_intervals,
        "hard": [v.message for v in result.evaluation.hard],
        "status": result.status,
        "seconds": round(result.wall_seconds, 1),
    }


@transaction.atomic
def apply_repair(roster: Roster, *, absences, moves: list[dict], actor: Staff | None) -> int:
    """Apply a previewed repair: the absences go into the roster's inputs (later edits are checked with them), the moved
    cells are written with an edit record each, and the agents affected are notified. Refused, changing nothing,
    when the roster changed since the preview or the result breaks a hard rule. Returns the cells changed."""
    roster = Roster.objects.select_for_update().get(pk=roster.pk)
    absences = _parse_absences(roster, absences)
    inputs = _inputs_with_absences(roster, absences)
    problem = problem_of(inputs)
    current = roster_map(roster)
    after = dict(current)
    for m in moves:
        index = (date.fromisoformat(m["day"]) - roster.start).days
        cell = (m["staff_no"], index)
        if not 0 <= index < roster.days or (current.get(cell) or "") != m["before"]:
            raise Conflict("排班已被修改，请重新预览后再应用", field="moves", rule="stale")
        if m["after"]:
            after[cell] = m["after"]
        else:
            after.pop(cell, None)
    ev_before, ev_after = engine.evaluate(problem, current), engine.evaluate(problem, after)
    bad = _new_violations(ev_before.hard, ev_after.hard) + [v for v in ev_after.hard if v.family == "days_off"]
    if bad:
        raise RuleViolation.many([_problem(v, roster.start) for v in dict.fromkeys(bad)])
    staff = {
        s.staff_no: s for s in Staff.objects.filter(center=roster.center, staff_no__in={m["staff_no"] for m in moves})
    }
    templates = {t.code: t for t in ShiftTemplate.objects.filter(center=roster.center)}
    for m in moves:
        day = date.fromisoformat(m["day"])
        Assignment.objects.filter(roster=roster, staff=staff[m["staff_no"]], day=day).delete()
        if m["after"]:
            Assignment.objects.create(
                roster=roster, staff=staff[m["staff_no"]], day=day, shift=templates.get(m["after"]), code=m["after"]
            )
        RosterEdit.objects.create(
            roster=roster,
            staff=staff[m["staff_no"]],
            day=day,
            old_code=m["before"],
            new_code=m["after"],
            warnings=[{"family": "repair", "label": "缺勤重排", "delta": 0}],
            by=actor,
        )
    roster.inputs = inputs
    roster.report = _report(
        problem,
        after,
        {k: v for k, v in roster.report.items() if k in ("conflicts", "relaxed", "bound", "seconds")},
        roster.start,
    )
    roster.objective = ev_after.soft_cost
    roster.save(update_fields=["inputs", "report", "objective"])
    _notify_repaired(roster, [staff[no] for no in dict.fromkeys(m["staff_no"] for m in moves)], moves)
    return len(moves)


def _notify_repaired(roster: Roster, people: list[Staff], moves: list[dict]) -> None:
    """Tell each affected agent through the notification service (in-app, and the channels each person chose), in
    the same transaction as the moves: the key names the roster, the moment and the person, so one repair notifies each
    person once."""
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    for person in people:
        days = sorted({m["day"] for m in moves if m["staff_no"] == person.staff_no})
        notify(
            [person],
            "roster.repair.changed",
            key=f"roster.{roster.pk}.repair.{stamp}.{person.staff_no}",
            params={"start": roster.start.isoformat(), "days": [d[5:] for d in days]},
            link=f"/roster/{roster.pk}/",
        )
