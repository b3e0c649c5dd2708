"""Deadlines on a working-day calendar (pure). SPEC "Decisions":

- Complaint levels 1-2 count clock hours (the hotline is 24x7): 2 h, 48 h (004:L1295).
- Levels 3-4 count working days: the same clock time on the N-th working day after the acceptance
  day (004:L1297-1299); acceptance on a non-working day counts from 00:00 of the next working day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from kefu.workcal.calendar import WorkCalendar

HOURS = "hours"
WORKING_DAYS = "working_days"


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
    def parse(cls, data: dict) -> "DeadlineRule":
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


def remaining_seconds(due: datetime, now: datetime) -> float:
    return (due - now).total_seconds()
