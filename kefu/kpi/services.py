"""Writes of the KPI app: (re)computing the stored rollups.

`refresh_rollups(center, start, end)` is called by the telephony importer after each import (and by the
tickets app or the CLI when orders change). It recomputes whole local days, then the month rollups of
every month touched, as sums of their days (every metric is a ratio of sums).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
from django.db import transaction
from django.db.models import Sum

from kefu.errors import RuleViolation
from kefu.kpi import engine, selectors
from kefu.kpi.models import Rollup

MAX_DAYS = 400


def _as_date(value, center, field: str) -> date:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise RuleViolation("时间必须带时区", field=field, rule="aware_datetime")
        return value.astimezone(selectors.tz_of(center)).date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise RuleViolation(f"{field} 不是有效日期（YYYY-MM-DD）", field=field, rule="date")


def refresh_rollups(center, start, end, *, frames: dict | None = None) -> int:
    """Recompute the rollups of the local days touching [start, end] (dates or aware datetimes). Returns rows written.

    `frames` (calls, sessions, pauses, scheduled, orders, qa) may be given instead of reading the database
    (tests, the bench); otherwise the records are loaded with a redial look-back window.
    """
    first = _as_date(start, center, "start")
    last = _as_date(end, center, "end")
    if isinstance(end, datetime) and end == datetime.combine(last, datetime.min.time(), tzinfo=end.tzinfo) and last > first:
        last -= timedelta(days=1)  # an exclusive midnight end does not touch that day
    if last < first:
        raise RuleViolation("结束日期不能早于开始日期", field="end", rule="range_order")
    if (last - first).days + 1 > MAX_DAYS:
        raise RuleViolation(f"一次最多重算 {MAX_DAYS} 天", field="end", rule="range_too_long")
    spec = selectors.spec_for(center)
    lo = selectors.local_midnight(center, first)
    hi = selectors.local_midnight(center, last + timedelta(days=1))
    if frames is None:
        frames = selectors.load_frames(center, lo, hi, lookback=timedelta(days=spec["redial_window_days"]))
    lo_naive = lo.replace(tzinfo=None)
    hi_naive = hi.replace(tzinfo=None)
    runs = [("day", by) for by in selectors.DAY_BREAKDOWNS] + [("half_hour", by) for by in selectors.HALF_HOUR_BREAKDOWNS]
    computed = engine.compute_runs(frames.get("calls"), frames.get("sessions"), frames.get("pauses"), frames.get("scheduled"),
                                   frames.get("orders"), spec, runs=runs, qa=frames.get("qa"))
    results: list[tuple[str, str, pl.DataFrame]] = []
    for (kind, by), out in computed.items():
        out = out.filter((pl.col("period") >= lo_naive) & (pl.col("period") < hi_naive)
                         & ((pl.col("num") != 0) | (pl.col("den") != 0)))
        results.append((kind, by, out))
    tz = selectors.tz_of(center)
    rows = [Rollup(center=center, metric=m, period_kind=kind, period_start=p.replace(tzinfo=tz), breakdown=by, key=k or "",
                   numerator=n, denominator=d)
            for kind, by, out in results for m, p, k, n, d in out.iter_rows()]
    with transaction.atomic():
        Rollup.objects.filter(center=center, period_kind__in=["day", "half_hour"], period_start__gte=lo, period_start__lt=hi).delete()
        Rollup.objects.bulk_create(rows, batch_size=5000)
        written = len(rows) + _refresh_months(center, first, last)
    return written


def _refresh_months(center, first: date, last: date) -> int:
    """Month rollups = sums of the month's day rollups."""
    written = 0
    month = first.replace(day=1)
    while month <= last:
        nxt = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        lo, hi = selectors.local_midnight(center, month), selectors.local_midnight(center, nxt)
        Rollup.objects.filter(center=center, period_kind="month", period_start=lo).delete()
        sums = (Rollup.objects.filter(center=center, period_kind="day", period_start__gte=lo, period_start__lt=hi)
                .values("metric", "breakdown", "key").annotate(n=Sum("numerator"), d=Sum("denominator")).order_by())
        rows = [Rollup(center=center, metric=s["metric"], period_kind="month", period_start=lo, breakdown=s["breakdown"],
                       key=s["key"], numerator=s["n"], denominator=s["d"]) for s in sums]
        Rollup.objects.bulk_create(rows, batch_size=5000)
        written += len(rows)
        month = nxt
    return written
