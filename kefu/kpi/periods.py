"""Report periods (pure): a period kind and a date to a half-open range of local dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

KINDS = {"today": "今日（实时）", "day": "日", "week": "周", "month": "月", "range": "自定义区间"}


class PeriodError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # exclusive

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y年%m月}"
        if self.kind in ("day", "today"):
            return f"{self.start:%Y-%m-%d}"
        return f"{self.start:%Y-%m-%d} 至 {self.end - timedelta(days=1):%Y-%m-%d}"

    @property
    def last(self) -> date:
        """The last day inside the period (end is exclusive)."""
        return self.end - timedelta(days=1)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days)]


def next_month(d: date) -> date:
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1)


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise PeriodError(field, f"{field} 不是有效日期（YYYY-MM-DD）：{text}") from None


def parse(
    kind: str,
    *,
    today: date,
    on: str | None = None,
    month: str | None = None,
    start: str | None = None,
    end: str | None = None,
    max_days: int = 400,
) -> Period:
    kind = kind or "month"
    if kind not in KINDS:
        raise PeriodError("period", f"统计周期只能是 {'/'.join(KINDS)}")
    if kind == "today":
        return Period("today", today, today + timedelta(days=1))
    if kind == "month":
        if month:
            try:
                y, m = (int(x) for x in month.split("-"))
                first = date(y, m, 1)
            except (ValueError, TypeError):
                raise PeriodError("month", f"月份格式应为 YYYY-MM：{month}") from None
        else:
            first = (_date(on, "date") if on else today).replace(day=1)
        return Period("month", first, next_month(first))
    if kind == "day":
        d = _date(on, "date") if on else today
        return Period("day", d, d + timedelta(days=1))
    if kind == "week":
        d = _date(on, "date") if on else today
        monday = d - timedelta(days=d.weekday())
        return Period("week", monday, monday + timedelta(days=7))
    a, b = _date(start, "start"), _date(end, "end")
    if b < a:
        raise PeriodError("end", "结束日期不能早于开始日期")
    if (b - a).days + 1 > max_days:
        raise PeriodError("end", f"区间最长 {max_days} 天")
    return Period("range", a, b + timedelta(days=1))
