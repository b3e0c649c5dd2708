"""Traffic forecast per interval (pure, no Django): day-type × interval profile, month-start peak, holidays.

Method (004:L749-761):
- days are typed: a normal day by its weekday (0 = Monday … 6 = Sunday), a public holiday "holiday", a
  make-up working day on a weekend (调休) "makeup";
- a day's level is the mean total of the same weekday in the history, measured on days outside the month
  start; its shape is that weekday's share per interval;
- month-start peak (004:L761 "每个月月初由于传统出帐日的影响话量会有增长"): days 1..N of a month get the
  ratio actual ÷ weekday level observed on the month-start days of the history;
- holidays (004:L787) use the holidays of the history when there are any, otherwise the Sunday profile;
  make-up days use the mean of Monday–Friday;
- AHT per interval of the day = Σ handle seconds ÷ Σ answered calls, falling back to the overall mean;
- manual adjustments for events multiply and/or add calls to the intervals they cover.
Accuracy: WAPE = Σ|actual − forecast| ÷ Σ actual (None when there is no actual traffic).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

DayKind = Callable[[date], str]  # "0".."6" | "holiday" | "makeup"
WEEKDAYS = [str(i) for i in range(7)]


@dataclass(frozen=True)
class Observation:
    start: datetime  # local wall-clock start of the interval (naive or aware, used as given)
    calls: float  # offered calls (demand)
    answered: int = 0
    handle_seconds: float = 0.0  # Σ talk + hold + ACW of the answered calls


@dataclass(frozen=True)
class Adjustment:
    start: datetime
    end: datetime
    factor: float = 1.0
    extra_calls: float = 0.0

    def covers(self, t: datetime) -> bool:
        return self.start <= t < self.end


@dataclass(frozen=True)
class IntervalValue:
    start: datetime
    calls: float
    aht: float


@dataclass
class Model:
    minutes: int
    level: dict[str, float] = field(default_factory=dict)  # day kind → expected daily total
    shape: dict[str, list[float]] = field(default_factory=dict)  # day kind → share per interval (sums to 1)
    month_start_days: int = 0
    month_start_factor: float = 1.0
    aht: list[float] = field(default_factory=list)
    overall_aht: float = 0.0


def slots_per_day(minutes: int) -> int:
    if minutes <= 0 or 1440 % minutes:
        raise ValueError("interval minutes must divide a day")
    return 1440 // minutes


def slot_of(t: datetime, minutes: int) -> int:
    return (t.hour * 60 + t.minute) // minutes


def _norm(values: list[float]) -> list[float]:
    total = sum(values)
    return [v / total for v in values] if total > 0 else [1.0 / len(values)] * len(values)


def fit(
    history: Iterable[Observation],
    minutes: int,
    day_kind: DayKind,
    month_start_days: int = 0,
    default_aht: float = 180.0,
) -> Model:
    slots = slots_per_day(minutes)
    per_day: dict[date, list[float]] = defaultdict(lambda: [0.0] * slots)
    answered = [0] * slots
    handle = [0.0] * slots
    for o in history:
        per_day[o.start.date()][slot_of(o.start, minutes)] += o.calls
        answered[slot_of(o.start, minutes)] += o.answered
        handle[slot_of(o.start, minutes)] += o.handle_seconds
    by_kind: dict[str, list[date]] = defaultdict(list)
    for d in per_day:
        by_kind[day_kind(d)].append(d)

    def in_month_start(d: date) -> bool:
        return d.day <= month_start_days

    model = Model(minutes=minutes, month_start_days=month_start_days)
    for kind in WEEKDAYS:
        days = by_kind.get(kind, [])
        plain = [d for d in days if not in_month_start(d)] or days
        if days:
            model.level[kind] = sum(sum(per_day[d]) for d in plain) / len(plain)
            model.shape[kind] = _norm([sum(per_day[d][i] for d in days) for i in range(slots)])
    # month-start factor: actual ÷ weekday level over the month-start days whose weekday has a plain level
    peak_actual = peak_expected = 0.0
    for kind in WEEKDAYS:
        plain = [d for d in by_kind.get(kind, []) if not in_month_start(d)]
        if not plain:
            continue
        for d in by_kind[kind]:
            if in_month_start(d):
                peak_actual += sum(per_day[d])
                peak_expected += model.level[kind]
    if month_start_days and peak_expected > 0:
        model.month_start_factor = peak_actual / peak_expected
    weekdays_known = [k for k in WEEKDAYS[:5] if k in model.level]
    if weekdays_known:
        model.level["makeup"] = sum(model.level[k] for k in weekdays_known) / len(weekdays_known)
        model.shape["makeup"] = _norm([sum(model.shape[k][i] for k in weekdays_known) for i in range(slots)])
    if by_kind.get("makeup"):  # observed make-up days win
        days = by_kind["makeup"]
        model.level["makeup"] = sum(sum(per_day[d]) for d in days) / len(days)
        model.shape["makeup"] = _norm([sum(per_day[d][i] for d in days) for i in range(slots)])
    if by_kind.get("holiday"):
        days = by_kind["holiday"]
        model.level["holiday"] = sum(sum(per_day[d]) for d in days) / len(days)
        model.shape["holiday"] = _norm([sum(per_day[d][i] for d in days) for i in range(slots)])
    elif "6" in model.level:
        model.level["holiday"], model.shape["holiday"] = model.level["6"], model.shape["6"]
    total_answered = sum(answered)
    model.overall_aht = sum(handle) / total_answered if total_answered else default_aht
    model.aht = [handle[i] / answered[i] if answered[i] else model.overall_aht for i in range(slots)]
    return model


def predict(
    model: Model, start: date, days: int, day_kind: DayKind, adjustments: Iterable[Adjustment] = (), tzinfo=None
) -> list[IntervalValue]:
    """Forecast every interval of `days` days from `start` (interval starts carry `tzinfo` when given)."""
    slots = slots_per_day(model.minutes)
    adjustments = list(adjustments)
    out: list[IntervalValue] = []
    for offset in range(days):
        d = start + timedelta(days=offset)
        kind = day_kind(d)
        if kind not in model.level:
            kind = str(d.weekday()) if str(d.weekday()) in model.level else None
        level = model.level.get(kind, 0.0) if kind else 0.0
        shape = model.shape.get(kind) if kind else None
        if kind != "holiday" and model.month_start_days and d.day <= model.month_start_days:
            level *= model.month_start_factor
        for i in range(slots):
            t = datetime.combine(d, time(0), tzinfo) + timedelta(minutes=i * model.minutes)
            calls = level * shape[i] if shape else 0.0
            for adj in adjustments:
                if adj.covers(t):
                    calls = calls * adj.factor + adj.extra_calls
            out.append(IntervalValue(t, max(calls, 0.0), model.aht[i] if model.aht else model.overall_aht))
    return out


def wape(actual: list[float], forecast: list[float]) -> float | None:
    """Weighted absolute percentage error Σ|a − f| ÷ Σ a; None when Σ a = 0 (SPEC: zero denominator → "—")."""
    if len(actual) != len(forecast):
        raise ValueError("actual and forecast must have the same length")
    total = sum(actual)
    if total <= 0:
        return None
    return sum(abs(a - f) for a, f in zip(actual, forecast)) / total


def backtest(
    history: list[Observation], minutes: int, day_kind: DayKind, month_start_days: int = 0, holdout_days: int = 7
) -> tuple[float | None, list[tuple[datetime, float, float]]]:
    """Fit on all but the last `holdout_days` days, forecast those days, compare. Returns (WAPE, rows)."""
    if not history:
        return None, []
    last = max(o.start.date() for o in history)
    cutoff = last - timedelta(days=holdout_days - 1)
    train = [o for o in history if o.start.date() < cutoff]
    test = [o for o in history if o.start.date() >= cutoff]
    if not train:
        return None, []
    model = fit(train, minutes, day_kind, month_start_days)
    tz = history[0].start.tzinfo
    predicted = predict(model, cutoff, holdout_days, day_kind, tzinfo=tz)
    actual: dict[datetime, float] = defaultdict(float)
    for o in test:
        actual[o.start.replace(minute=o.start.minute - o.start.minute % minutes, second=0, microsecond=0)] += o.calls
    rows = [(p.start, actual.get(p.start, 0.0), p.calls) for p in predicted]
    return wape([a for _, a, _ in rows], [f for _, _, f in rows]), rows
