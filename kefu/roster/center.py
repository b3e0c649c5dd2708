"""kefu's center roster as an engine Problem: the roster policy (plain dict) + agents + requirement.

No Django here. Every number comes from the policy section `roster` (see policy.py for the seed lines).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from kefu.roster import engine


@dataclass(frozen=True)
class AgentSpec:
    staff_no: str
    skills: frozenset[str] = frozenset()
    night_ok: bool = True
    unavailable: frozenset[int] = frozenset()  # day indexes of approved leave


@dataclass(frozen=True)
class RequestSpec:
    staff_no: str
    day: int
    shift: str | None  # None: the whole day
    on: bool  # True: wants that shift; False: wants it off (a day-off request when shift is None)
    weight: int | None = None  # None: the policy's weight for its kind


@dataclass
class CenterInput:
    start: date
    days: int
    agents: list[AgentSpec]
    requirement: list[list[int]]  # per day, seats per interval (len = 1440 / interval_minutes)
    holidays: set[int] = field(default_factory=set)  # day indexes
    requests: list[RequestSpec] = field(default_factory=list)
    fixed: list[tuple[str, int, str | None]] = field(default_factory=list)
    # seats per skill, per day and interval, from a per-skill forecast: replaces the policy's flat skill_cover for
    # those skills (a large center staffs VIP, complaint and English queues by their own traffic)
    skill_requirement: dict[str, list[list[int]]] = field(default_factory=dict)
    # day indexes whose requirement is kefu.wfm's staffing plan: its forecast already carries the month-start peak
    # and the holidays of the history, so the profile's uplifts below are not added again
    forecast_days: frozenset[int] = frozenset()


def minutes_of(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def shift_types(policy: dict, holidays: set[int] = frozenset()) -> list[engine.ShiftType]:
    raw = [
        engine.ShiftType(s["code"], int(round(s["hours"] * 60)), minutes_of(s["start"]), night=bool(s["night"]))
        for s in policy["shifts"]
    ]
    forbidden = engine.forbidden_by_rest(raw, int(policy["min_rest_hours"] * 60))  # 004:L745
    out = [engine.ShiftType(s.code, s.length_minutes, s.start_minute, forbidden[s.code], s.night) for s in raw]
    if policy.get("holiday_reserve_seats"):
        # 应急备班: on call for overtime, not a seat in the cover (004:L787)
        out.append(engine.ShiftType(RESERVE, 0, 0, frozenset(), covers_intervals=False, only_days=frozenset(holidays)))
    return out


RESERVE = "B"


def adjusted_requirement(policy: dict, inp: CenterInput, requirement: list[list[int]] | None = None) -> list[list[int]]:
    """Seats per interval after the seeds' uplifts: slack on holidays (004:L787) and more staff at the
    start of the month (004:L761), on the days the policy's profile stands in for a forecast (a forecast day is
    kefu.wfm's figure as it is). requirement: another table than inp.requirement (a skill's)."""
    out = []
    for d, row in enumerate(inp.requirement if requirement is None else requirement):
        day = inp.start + timedelta(days=d)
        factor = 1.0
        if requirement is None and d in inp.forecast_days:
            out.append(list(row))
            continue
        if d in inp.holidays:
            factor += policy["holiday_slack_ratio"]
        if day.day <= policy["month_start_days"]:
            factor += policy["month_start_uplift"]
        out.append([math.ceil(round(r * factor, 6)) for r in row])
    return out


def max_minutes(policy: dict, days: int) -> int:
    """≤ 40 h a week on average over the period (004:L743): 40 × days / 7 hours."""
    return int(policy["max_week_hours_avg"] * 60 * days // 7)


def min_days_off(policy: dict, days: int) -> int:
    """Rest days of the period, pro rata of the monthly count (000:L189 每月四天休息; 30-day month)."""
    return math.ceil(round(policy["rest_days_per_month"] * days / 30, 6))


def build_problem(policy: dict, inp: CenterInput) -> engine.Problem:
    interval = policy["interval_minutes"]
    per_day = 1440 // interval
    shifts = shift_types(policy, inp.holidays)
    night_codes = {s.code for s in shifts if s.night}
    weekends = engine.weekend_groups(inp.days, inp.start.weekday())
    max_weekends = math.ceil(round(policy["max_weekends_ratio"] * len(weekends), 6)) if weekends else None
    agents = []
    for a in inp.agents:
        limits = {c: 0 for c in night_codes} if not a.night_ok else {}
        agents.append(
            engine.Agent(
                id=a.staff_no,
                skills=a.skills,
                max_shifts=limits,
                max_minutes=max_minutes(policy, inp.days),
                max_consecutive=policy["max_consecutive_days"],
                min_consecutive_off=policy["min_consecutive_days_off"],
                max_weekends=max_weekends,
                min_days_off=min_days_off(policy, inp.days),
                days_off=frozenset(a.unavailable),
            )
        )
    w = policy["weights"]
    cover = []
    for d, row in enumerate(adjusted_requirement(policy, inp)):
        if len(row) != per_day:
            raise ValueError(f"day {d}: {len(row)} intervals, expected {per_day}")
        for i, req in enumerate(row):
            cover.append(engine.IntervalCover(d * per_day + i, req, w["under"], w["over"]))
    for skill, table in sorted(inp.skill_requirement.items()):
        for d, row in enumerate(adjusted_requirement(policy, inp, table)):
            if len(row) != per_day:
                raise ValueError(f"skill {skill} day {d}: {len(row)} intervals, expected {per_day}")
            cover.extend(
                engine.IntervalCover(d * per_day + i, req, w["under"], 0, skill) for i, req in enumerate(row) if req
            )
    for rule in policy.get("skill_cover", []):
        if rule["skill"] in inp.skill_requirement:
            continue
        lo, hi = minutes_of(rule["from"]) // interval, -(-minutes_of(rule["to"]) // interval)
        for d in range(inp.days):
            for i in range(lo, min(hi, per_day)):
                cover.append(engine.IntervalCover(d * per_day + i, rule["seats"], w["under"], 0, rule["skill"]))
    shift_cover = []
    if policy.get("holiday_reserve_seats"):
        for d in sorted(inp.holidays):
            shift_cover.append(engine.ShiftCover(d, RESERVE, policy["holiday_reserve_seats"], w["under"], w["over"]))
    requests = tuple(
        engine.Request(
            r.staff_no,
            r.day,
            r.shift,
            r.weight if r.weight is not None else (w["day_off_request"] if r.shift is None else w["shift_request"]),
            r.on,
        )
        for r in inp.requests
    )
    fixed = list(inp.fixed)
    return engine.Problem(
        days=inp.days,
        shifts=tuple(shifts),
        agents=tuple(agents),
        shift_cover=tuple(shift_cover),
        interval_cover=tuple(cover),
        interval_minutes=interval,
        requests=requests,
        weekends=weekends,
        fair_night_weight=w["fair_night"],
        fair_weekend_weight=w["fair_weekend"],
        fixed=tuple(fixed),
    )
