"""Deadlines on a working-day calendar (pure). SPEC "Decisions":

- Complaint levels 1-2 count clock hours (the hotline is 24x7): 2 h, 48 h (004:L1295).
- Levels 3-4 count working days: the same clock time on the N-th working day after the acceptance
  day (004:L1297-1299); acceptance on a non-working day counts from 00:00 of the next working day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from kefu.workcal.calendar import WorkCalendar

HOURS = "hours"
WORKING_DAYS = "working_days"
# A working-day deadline counted across a year whose holidays the calendar does not know (issue 12).
YEAR_NOT_COVERED = "workcal.year_not_covered"
# A stored deadline that today's calendar would put elsewhere: the calendar changed after it was counted.
DEADLINE_OUTDATED = "workcal.deadline_outdated"


@dataclass(frozen=True)
class DeadlineRule:
    unit: str  # "hours" or "working_days"
    amount: float

    def __post_init__(self):
        if self.unit not in (HOURS, WORKING_DAYS):
            raise ValueError(f"unknown deadline unit {self.unit!r}")
        if self.amount < 0 or (self.unit == WORKING_DAYS and int(self.amount) != self.amount):
            raise ValueError(f"bad deadline amount {self.amount!r}")

    @classmethod
    def parse(cls, data: dict) -> DeadlineRule:
        return cls(data["unit"], data["amount"])

    def label(self) -> str:
        amount = int(self.amount) if float(self.amount).is_integer() else self.amount
        return f"{amount}小时" if self.unit == HOURS else f"{amount}个工作日"


def due_at(accepted: datetime, rule: DeadlineRule, cal: WorkCalendar, tz: str = "Asia/Shanghai") -> datetime:
    """The deadline of an order accepted at `accepted` (timezone-aware) under `rule`."""
    if accepted.tzinfo is None:
        raise ValueError("accepted must be timezone-aware")
    if rule.unit == HOURS:
        return accepted + timedelta(hours=rule.amount)
    zone = ZoneInfo(tz)
    local = accepted.astimezone(zone)
    day, clock = local.date(), local.timetz().replace(tzinfo=None)
    if not cal.is_working_day(day):
        day, clock = cal.next_working_day(day), time(0, 0)
    due_day = cal.add_working_days(day, int(rule.amount))
    return datetime.combine(due_day, clock, tzinfo=zone)


@dataclass(frozen=True)
class DeadlineWarning:
    """A doubt about a computed deadline: a code and its parameters; the words are chosen where it is shown
    (kefu.workcal.messages)."""

    code: str
    params: dict = field(default_factory=dict, hash=False)


def due_warnings(
    accepted: datetime, due: datetime, rule: DeadlineRule, cal: WorkCalendar, tz: str = "Asia/Shanghai"
) -> list[DeadlineWarning]:
    """Why the deadline `due` (counted by `due_at(accepted, rule, ...)`) may be wrong: each year it was counted
    across without holiday data, and, for a stored deadline, a calendar that has changed since (an arrangement
    entered later), with the deadline today's calendar gives. Clock hours do not read the calendar: never a warning."""
    if rule.unit == HOURS:
        return []
    zone = ZoneInfo(tz)
    fresh = due_at(accepted, rule, cal, tz)
    years = cal.uncovered_years(accepted.astimezone(zone).date(), max(due, fresh).astimezone(zone).date())
    warnings = [DeadlineWarning(YEAR_NOT_COVERED, {"year": year}) for year in years]
    if fresh != due:
        warnings.append(DeadlineWarning(DEADLINE_OUTDATED, {"due": fresh.astimezone(zone).strftime("%Y-%m-%d %H:%M")}))
    return warnings


def remaining_seconds(due: datetime, now: datetime) -> float:
    return (due - now).total_seconds()
