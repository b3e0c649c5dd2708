"""Reads that more than one caller needs (pages, API, the KPI engine)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from kefu.errors import RuleViolation
from kefu.org.models import Center, Staff, Team
from kefu.org.policy import policy_for
from kefu.org.roles import Role, roles_of
from kefu.quality import machine, scoring, shifts
from kefu.quality.models import Calibration, Evaluation
from kefu.quality.policy import SECTION
from kefu.workcal.selectors import shift_calendar

# States whose score counts: given and not under appeal (an appeal under review is left out until decided).
COUNTED_STATES = (machine.SCORED, machine.ACKNOWLEDGED, machine.UPHELD, machine.REVISED)


def monitoring_scores(center: Center, start: datetime, end: datetime) -> list[dict]:
    """监听分值 (M11, 004:L1525–1537) for the KPI engine: one row per scored monitored call in [start, end).

    Calibration sheets are left out (they measure inspectors, not the agent); a revised appeal counts
    with its revised score; a pending appeal is left out until the team lead decides.
    """
    rows = (
        Evaluation.objects.filter(center=center, scored_at__gte=start, scored_at__lt=end, state__in=COUNTED_STATES)
        .exclude(source=Evaluation.Source.CALIBRATION)
        .select_related("agent")
        .order_by("scored_at", "id")
    )
    return [{"agent_staff_no": e.agent.staff_no, "scored_at": e.scored_at, "score": float(e.total)} for e in rows]


def shift_bounds(center: Center, day: date, shift_code: str) -> tuple[datetime, datetime]:
    for shift in shift_names(center):
        if shift["code"] == shift_code:
            start, end = shifts.window(day, shift["start"], shift["end"])
            tz = ZoneInfo(center.time_zone)
            return start.replace(tzinfo=tz), end.replace(tzinfo=tz)
    raise RuleViolation(f"未知的班次：{shift_code}", field="shift_code", rule="unknown_shift")


def shift_names(center: Center) -> list[dict]:
    """The center's shift calendar (kefu.workcal, shared with the roster and the diary): {code, name, start, end}."""
    return [{"code": t.code, "name": t.name, "start": t.start, "end": t.end} for t in shift_calendar(center)]


def shift_summary(center: Center, team: Team, day: date, shift_code: str) -> dict:
    """The QA results of one team's shift: evaluations scored during the shift (004:L943)."""
    start, end = shift_bounds(center, day, shift_code)
    evaluations = list(
        Evaluation.objects.filter(center=center, team=team, scored_at__gte=start, scored_at__lt=end)
        .exclude(source=Evaluation.Source.CALIBRATION)
        .exclude(state=machine.ASSIGNED)
        .select_related("agent", "inspector")
        .prefetch_related("marks__item")
        .order_by("scored_at")
    )
    calls = []
    for e in evaluations:
        lost = {m.item.label: float(m.item.points - m.awarded) for m in e.marks.all() if not m.item.is_critical}
        lost.update({m.item.label: 0.0 for m in e.marks.all() if m.item.is_critical and m.failed})
        calls.append(shifts.ScoredCall(e.agent.staff_no, float(e.total), e.critical_failed, lost))
    out = shifts.summarize(calls)
    shift = next(s for s in shift_names(center) if s["code"] == shift_code)
    out.update(
        {
            "team": team.name,
            "shift_code": shift_code,
            "shift_name": shift["name"],
            "date": day.isoformat(),
            "start": start.isoformat(),
            "end": end.isoformat(),
            "critical_items": sorted({m.item.label for e in evaluations for m in e.marks.all() if m.failed}),
            "evaluations": [
                {
                    "id": e.id,
                    "call_id": e.call_id,
                    "agent_staff_no": e.agent.staff_no,
                    "inspector_staff_no": e.inspector.staff_no,
                    "total": float(e.total),
                    "critical_failed": e.critical_failed,
                    "notes": e.notes,
                }
                for e in evaluations
            ],
        }
    )
    return out


def calibration_report(calibration: Calibration) -> dict:
    """Inspectors' sheets side by side, and how far they agree (score spread, item-level agreement %)."""
    card = calibration.scorecard
    items = [scoring.FormItem(i.key, i.label, i.points, i.is_critical, i.section) for i in card.items.all()]
    sheets = list(
        calibration.evaluations.select_related("inspector")
        .prefetch_related("marks__item")
        .order_by("inspector__staff_no")
    )
    scored = [e for e in sheets if e.state != machine.ASSIGNED]
    marks = [{m.item.key: scoring.Mark(float(m.awarded), m.failed) for m in e.marks.all()} for e in scored]
    result = scoring.agreement(items, marks)
    warn = policy_for(SECTION, calibration.center)["calibration_spread_warn"]
    rows = []
    for item in items:
        cells = []
        for _e, sheet in zip(scored, marks):
            mark = sheet[item.key]
            cells.append({"awarded": mark.awarded, "failed": mark.failed})
        rows.append(
            {
                "key": item.key,
                "label": item.label,
                "points": item.points,
                "critical": item.critical,
                "cells": cells,
                "agree": item.key not in result.disagreeing_items,
            }
        )
    return {
        "sheets": sheets,
        "scored": scored,
        "rows": rows,
        "agreement": result,
        "item_agreement_pct": None if result.item_agreement is None else round(result.item_agreement * 100, 1),
        "flagged": result.spread is not None and result.spread > warn,
        "spread_warn": warn,
        "pending": [e.inspector.staff_no for e in sheets if e.state == machine.ASSIGNED],
    }


def visible_evaluations(staff: Staff):
    """What a person may list: QA all of the center; team leads their teams; agents their own."""
    roles = roles_of(staff.user)
    qs = Evaluation.objects.filter(center=staff.center).select_related("agent", "inspector", "scorecard", "team")
    if roles & {Role.QA, Role.EDITOR, Role.MANAGER, Role.SUPERVISOR, Role.ADMIN}:
        return qs
    if Role.TEAM_LEAD in roles:
        from django.db.models import Q

        return qs.filter(Q(team__lead=staff) | Q(agent=staff) | Q(calibration__isnull=False, inspector=staff))
    # An agent sees own scores once given: which calls are still to be monitored is not announced.
    return qs.filter(agent=staff).exclude(source=Evaluation.Source.CALIBRATION).exclude(state=machine.ASSIGNED)


def may_see(staff: Staff, evaluation: Evaluation) -> bool:
    return visible_evaluations(staff).filter(pk=evaluation.pk).exists()


def monthly_coverage(center: Center, month: date) -> list[dict]:
    """Per front-line agent: monitored calls scored this month against 4–5 a month (004:L1531), and the average."""
    from kefu.quality.services import front_line, month_bounds

    rules = policy_for(SECTION, center)
    start, end = month_bounds(center, month)
    scores: dict[str, list[float]] = {}
    for row in monitoring_scores(center, start, end):
        scores.setdefault(row["agent_staff_no"], []).append(row["score"])
    out = []
    for agent in front_line(center):
        got = scores.get(agent.staff_no, [])
        out.append(
            {
                "agent_staff_no": agent.staff_no,
                "scored": len(got),
                "minimum": rules["min_samples_per_agent_month"],
                "target": rules["samples_per_agent_month"],
                "short": len(got) < rules["min_samples_per_agent_month"],
                "average": round(sum(got) / len(got), 2) if got else None,
            }
        )
    return out
