"""Pure rules of the manager's scheduled reports (no Django): which reports are due at a local time, and the
center's main order figures of a period. Plain data in, plain data out (tests/test_reports.py).

- daily: yesterday's figures, from `daily_report_hour` local time;
- weekly: last week's (Monday to Sunday), from `weekly_report_weekday` (1 = Monday) at `weekly_report_hour`
  (002:L261 "回访工位每周一18:00前将回访客户的满意度情况进行分析汇总并上报客服主任": Monday, before 18:00).
A report is due for the rest of its period once its moment has passed, so a timer that was down at the hour still
sends it later; each is sent once (the caller keeps one row per center, kind and first day).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

DAILY, WEEKLY = "daily", "weekly"


@dataclass(frozen=True)
class Due:
    kind: str
    first: date  # the period's first local day
    last: date  # its last local day (inclusive)


def due_reports(local_now: datetime, pol: dict) -> list[Due]:
    """The reports whose moment has passed at `local_now` (a naive or aware local time)."""
    today = local_now.date()
    found = []
    if pol.get("reports_daily") and local_now.hour >= pol["daily_report_hour"]:
        found.append(Due(DAILY, today - timedelta(days=1), today - timedelta(days=1)))
    if pol.get("reports_weekly"):
        monday = today - timedelta(days=today.weekday())
        send_day = monday + timedelta(days=pol["weekly_report_weekday"] - 1)
        if (today, local_now.hour) >= (send_day, pol["weekly_report_hour"]):
            found.append(Due(WEEKLY, monday - timedelta(days=7), monday - timedelta(days=1)))
    return found


@dataclass(frozen=True)
class OrderFigures:
    """The center's main order figures of a period: orders accepted (by kind), replied, replied by their deadline
    (the reply timeliness K6-K8 counts), and the satisfaction recorded (K11-K14)."""

    accepted: int
    by_kind: tuple[tuple[str, int], ...]
    replied: int
    replied_on_time: int
    satisfied: int
    rated: int


def order_figures(rows: Iterable[dict]) -> OrderFigures:
    """rows: kefu.tickets.selectors.kpi_order_rows (one per order accepted in the period)."""
    accepted = replied = on_time = satisfied = rated = 0
    kinds: dict[str, int] = {}
    for r in rows:
        accepted += 1
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
        if r["replied_at"] is not None:
            replied += 1
            on_time += r["reply_due"] is not None and r["replied_at"] <= r["reply_due"]
        if r["satisfaction"]:
            rated += 1
            satisfied += r["satisfaction"] == "satisfied"
    return OrderFigures(accepted, tuple(sorted(kinds.items())), replied, on_time, satisfied, rated)
