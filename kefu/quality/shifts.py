"""Shift windows and the per-shift QA summary arithmetic (no Django import). The shifts are the center's shift
calendar (kefu.workcal.shifts), passed in as {code, start, end} mappings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from kefu.workcal.shifts import minutes_of


def window(day: date, start: str, end: str) -> tuple[datetime, datetime]:
    """Naive local start and end of a shift that starts on `day`; an end not after the start is next day
    ("24:00" is the midnight that ends the day)."""
    midnight = datetime.combine(day, time(0))
    begin = midnight + timedelta(minutes=minutes_of(start))
    finish = midnight + timedelta(minutes=minutes_of(end))
    if finish <= begin:
        finish += timedelta(days=1)
    return begin, finish


@dataclass(frozen=True)
class ScoredCall:
    agent_staff_no: str
    total: float
    critical_failed: bool
    lost: Mapping[str, float] = field(default_factory=dict)  # item label -> points not earned


def summarize(calls: Iterable[ScoredCall]) -> dict:
    """Per agent and overall: count, average, lowest, critical failures; items that lost most points."""
    calls = list(calls)
    agents: dict[str, list[ScoredCall]] = {}
    for call in calls:
        agents.setdefault(call.agent_staff_no, []).append(call)
    lost: dict[str, float] = {}
    for call in calls:
        for label, points in call.lost.items():
            if points > 0:
                lost[label] = lost.get(label, 0.0) + points

    def stats(rows: list[ScoredCall]) -> dict:
        totals = [r.total for r in rows]
        return {
            "count": len(rows),
            "average": round(sum(totals) / len(totals), 2) if totals else None,
            "lowest": min(totals) if totals else None,
            "critical_fails": sum(1 for r in rows if r.critical_failed),
        }

    return {
        **stats(calls),
        "agents": [{"agent_staff_no": no, **stats(rows)} for no, rows in sorted(agents.items())],
        "weak_items": [
            {"label": k, "lost": round(v, 2)} for k, v in sorted(lost.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    }


def ended_between(shifts: Iterable[Mapping], start: datetime, end: datetime) -> list[tuple[date, str]]:
    """(start day, shift code) of every shift whose end falls in (start, end]; naive local datetimes."""
    found = []
    day = start.date() - timedelta(days=1)
    while day <= end.date():
        for shift in shifts:
            _, finish = window(day, shift["start"], shift["end"])
            if start < finish <= end:
                found.append((day, shift["code"]))
        day += timedelta(days=1)
    return sorted(found)


# The shifts QA summaries used before they read the center's shift calendar (白班/夜班, 004:L763, L785; hours
# were the old policy's assumption). A report delivered then keeps its code; it is shown under the old name.
FORMER_SHIFTS = {
    "day": {"name": "白班", "start": "08:00", "end": "18:00"},
    "night": {"name": "夜班", "start": "18:00", "end": "08:00"},
}


def former_shift(code: str, stored: Mapping) -> dict | None:
    """{code, name, start, end} of a stored report's shift that is no longer in the calendar: the name the report
    was delivered with, else the former list's; None for a code that never was a shift."""
    former = FORMER_SHIFTS.get(code)
    name = stored.get("shift_name") or (former or {}).get("name")
    if not name:
        return None
    return {"code": code, "name": name, "start": (former or {}).get("start", ""), "end": (former or {}).get("end", "")}
