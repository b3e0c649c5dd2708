"""Reads: call history per interval (kefu.telephony), scheduled agents (kefu.roster when installed)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps

from kefu.wfm.forecast import Observation

# Demand = every call that asked for an agent, blocked attempts included (004:L1723-1731 M21); IVR self-service is not.
DEMAND_OUTCOMES = ("answered", "abandoned", "blocked", "timeout", "empty", "exit_key")


def local_bounds(center, start: date, end: date) -> tuple[datetime, datetime]:
    tz = ZoneInfo(center.time_zone)
    return datetime.combine(start, time(0), tz), datetime.combine(end + timedelta(days=1), time(0), tz)


def interval_history(center, start: date, end: date, minutes: int) -> list[Observation]:
    """Offered calls, answered calls and handle seconds per local interval of [start, end] (inclusive days)."""
    if not apps.is_installed("kefu.telephony"):
        return []
    Call = apps.get_model("telephony", "Call")
    tz = ZoneInfo(center.time_zone)
    lo, hi = local_bounds(center, start, end)
    rows = Call.objects.filter(
        center=center, offered_at__gte=lo, offered_at__lt=hi, outcome__in=DEMAND_OUTCOMES
    ).values_list("offered_at", "outcome", "talk_seconds", "hold_seconds", "acw_seconds")
    calls: dict[datetime, float] = defaultdict(float)
    answered: dict[datetime, int] = defaultdict(int)
    handle: dict[datetime, float] = defaultdict(float)
    for offered_at, outcome, talk, hold, acw in rows.iterator():
        t = offered_at.astimezone(tz)
        key = (
            t.replace(minute=t.minute - t.minute % minutes, second=0, microsecond=0)
            if minutes < 60
            else t.replace(hour=t.hour - t.hour % (minutes // 60), minute=0, second=0, microsecond=0)
        )
        key = key.replace(tzinfo=None)
        calls[key] += 1
        if outcome == "answered":
            answered[key] += 1
            handle[key] += (talk or 0) + (hold or 0) + (acw or 0)
    return [Observation(k, calls[k], answered[k], handle[k]) for k in sorted(calls)]


def daily_actuals(center, start: date, end: date) -> dict[date, dict]:
    """Per local day: offered, answered, agents who answered (by staff number) — for the 五表 ③④⑤."""
    out: dict[date, dict] = {}
    if not apps.is_installed("kefu.telephony"):
        return out
    Call = apps.get_model("telephony", "Call")
    tz = ZoneInfo(center.time_zone)
    lo, hi = local_bounds(center, start, end)
    rows = Call.objects.filter(
        center=center, offered_at__gte=lo, offered_at__lt=hi, outcome__in=DEMAND_OUTCOMES
    ).values_list("offered_at", "outcome", "agent_staff_no")
    agents: dict[date, set] = defaultdict(set)
    for offered_at, outcome, staff_no in rows.iterator():
        d = offered_at.astimezone(tz).date()
        row = out.setdefault(d, {"offered": 0, "answered": 0, "agents": 0})
        row["offered"] += 1
        if outcome == "answered":
            row["answered"] += 1
            if staff_no:
                agents[d].add(staff_no)
    for d, row in out.items():
        row["agents"] = len(agents[d])
    return out


def scheduled_per_interval(center, start: date, end: date, minutes: int) -> dict[datetime, int] | None:
    """Agents on a published roster per local interval (naive local keys); None when kefu.roster is absent."""
    if not apps.is_installed("kefu.roster"):
        return None
    try:
        from kefu.roster.selectors import scheduled_intervals
    except ImportError:
        return None
    tz = ZoneInfo(center.time_zone)
    lo, hi = local_bounds(center, start, end)
    counts: dict[datetime, int] = defaultdict(int)
    step = timedelta(minutes=minutes)
    for _staff_no, s, e, _code in scheduled_intervals(center, lo, hi):
        t = max(s, lo).astimezone(tz)
        t = t.replace(minute=t.minute - t.minute % minutes if minutes < 60 else 0, second=0, microsecond=0)
        while t < min(e, hi):
            if t + step > s:  # the shift covers some of the interval; count agents present at its start
                if s <= t:
                    counts[t.replace(tzinfo=None)] += 1
            t = (t + step).astimezone(tz)
    return dict(counts)
