from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Router, Schema

from kefu.access import op
from kefu.errors import RuleViolation
from kefu.workcal import services, years
from kefu.workcal.deadlines import DeadlineRule, due_at
from kefu.workcal.messages import warnings_out

router = Router(tags=["工作日历 workcal"])


class DayOut(Schema):
    day: date
    is_working_day: bool
    is_holiday: bool
    is_makeup_workday: bool
    name: str
    overridden: bool
    published: bool


class OverrideIn(Schema):
    is_working_day: bool
    name: str = Field("", max_length=50)


class DeadlineWarningOut(Schema):
    code: str
    params: dict
    message: str


class DueOut(Schema):
    accepted: datetime
    unit: str
    amount: float
    due: datetime
    deadline_warnings: list[DeadlineWarningOut]


@op(router.get, "/days", "workcal.days", response=list[DayOut])
def days(request, start: date, end: date):
    return services.days(start, end)


@op(router.get, "/due", "workcal.due", response=DueOut)
def due(request, accepted: datetime, unit: str, amount: float):
    """Compute a deadline on the center's calendar (levels 3-4: working days; 1-2: clock hours)."""
    if accepted.tzinfo is None:
        raise RuleViolation("受理时间必须带时区（例如 +08:00）", field="accepted", rule="timezone")
    try:
        rule = DeadlineRule(unit, amount)
    except ValueError:
        raise RuleViolation(
            "时限单位应为 hours 或 working_days，工作日数应为非负整数", field="unit", rule="deadline_rule"
        )
    due = due_at(accepted, rule, services.center_calendar())
    return {
        "accepted": accepted,
        "unit": unit,
        "amount": amount,
        "due": due,
        "deadline_warnings": warnings_out(years.deadline_warnings(accepted, due, rule)),
    }


@op(router.put, "/overrides/{day}", "workcal.set_override", response=DayOut)
def set_override(request, day: date, payload: OverrideIn):
    services.set_override(day, is_working_day=payload.is_working_day, name=payload.name)
    return services.days(day, day)[0]


@op(router.delete, "/overrides/{day}", "workcal.remove_override", response={204: None})
def remove_override(request, day: date):
    services.remove_override(day)
    return 204, None
