"""Writes of the KPI app: (re)computing the stored rollups.

`refresh_rollups(center, start, end)` is called by the telephony importer after each import (and by the
tickets app or the CLI when orders change). It recomputes whole local days, then the month rollups of
every month touched, as sums of their days (every metric is a ratio of sums).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from kefu.errors import RuleViolation
from kefu.kpi import engine, selectors
from kefu.kpi.definitions import METRICS
from kefu.kpi.models import Rollup
from kefu.web.inputs import parse_day

MAX_DAYS = 400


def _as_date(value, center, field: str) -> date:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise RuleViolation("时间必须带时区", field=field, rule="aware_datetime")
        return value.astimezone(selectors.tz_of(center)).date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return parse_day(value, {"start": "开始日期", "end": "结束日期"}.get(field, field), field=field, required=True)
    raise RuleViolation(f"{field} 不是有效日期（YYYY-MM-DD）", field=field, rule="date")


def refresh_rollups(center, start, end, *, frames: dict | None = None, now: datetime | None = None) -> int:
    """Recompute the rollups of the local days touching [start, end] (dates or aware datetimes). Returns rows written.

    `frames` (calls, sessions, pauses, scheduled, orders, qa) may be given instead of reading the database
    (tests, the bench); otherwise the records are loaded with a redial look-back window. The figures are as of `now`
    (default: the current time): today's rostered time counts up to now, orders not yet due are left out.
    """
    first = _as_date(start, center, "start")
    last = _as_date(end, center, "end")
    if (
        isinstance(end, datetime)
        and end == datetime.combine(last, datetime.min.time(), tzinfo=end.tzinfo)
        and last > first
    ):
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
    runs = [("day", by) for by in selectors.DAY_BREAKDOWNS] + [
        ("half_hour", by) for by in selectors.HALF_HOUR_BREAKDOWNS
    ]
    computed = engine.compute_runs(
        frames.get("calls"),
        frames.get("sessions"),
        frames.get("pauses"),
        frames.get("scheduled"),
        frames.get("orders"),
        spec,
        runs=runs,
        qa=frames.get("qa"),
        now=now or timezone.now(),
    )
    results: list[tuple[str, str, pl.DataFrame]] = []
    for (kind, by), out in computed.items():
        out = out.filter(
            (pl.col("period") >= lo_naive)
            & (pl.col("period") < hi_naive)
            & ((pl.col("num") != 0) | (pl.col("den") != 0))
        )
        results.append((kind, by, out))
    rows = _rollup_rows(center, results)
    with transaction.atomic():
        Rollup.objects.filter(
            center=center, period_kind__in=["day", "half_hour"], period_start__gte=lo, period_start__lt=hi
        ).delete()
        _insert_rollups(rows)
        written = len(rows) + _refresh_months(center, first, last)
    return written


ORDER_METRICS = [m.code for m in METRICS if m.source == "orders"]
ORDER_BREAKDOWNS = ("center", "team", "agent")


def refresh_order_rollups(
    center, first: date, last: date, *, orders: pl.DataFrame | None = None, now: datetime | None = None
) -> int:
    """Recompute only the work-order metrics (K6–K14) of the local days first..last, as of `now` (default: the current
    time), and the month rollups they are part of. Returns rows written.

    An order is counted by the day it was accepted (cohort, 004:L1309-1337) but is left out while it is not yet due;
    its reply, its deadline and its satisfaction come days later, so the timer recomputes these days after the day's
    own refresh. Orders are few: this reads no calls and no agent time.
    """
    if last < first:
        return 0
    spec = selectors.spec_for(center)
    lo = selectors.local_midnight(center, first)
    hi = selectors.local_midnight(center, last + timedelta(days=1))
    if orders is None:
        orders = selectors.load_orders(center, lo, hi)
    if orders is None:
        return 0
    runs = [("day", by) for by in ORDER_BREAKDOWNS]
    computed = engine.compute_runs(orders=orders, spec=spec, runs=runs, now=now or timezone.now())
    lo_naive, hi_naive = lo.replace(tzinfo=None), hi.replace(tzinfo=None)
    results = [
        (
            kind,
            by,
            out.filter(
                pl.col("metric").is_in(ORDER_METRICS)
                & (pl.col("period") >= lo_naive)
                & (pl.col("period") < hi_naive)
                & ((pl.col("num") != 0) | (pl.col("den") != 0))
            ),
        )
        for (kind, by), out in computed.items()
    ]
    rows = _rollup_rows(center, results)
    with transaction.atomic():
        Rollup.objects.filter(
            center=center,
            period_kind="day",
            breakdown__in=ORDER_BREAKDOWNS,
            metric__in=ORDER_METRICS,
            period_start__gte=lo,
            period_start__lt=hi,
        ).delete()
        _insert_rollups(rows)
        written = len(rows) + _refresh_months(center, first, last)
    return written


def _rollup_rows(center, results: list[tuple[str, str, pl.DataFrame]]) -> list[tuple]:
    """Rows of the rollup table as the database takes them: (center, metric, kind, period_start, breakdown, key, num, den).

    A period is a naive local time; it becomes aware the way datetime.replace(tzinfo=) does it (once per distinct
    period, a month has ~1,500), then what Django would store: UTC text on SQLite, the aware value elsewhere."""
    tz = selectors.tz_of(center)
    rows = []
    for kind, by, out in results:
        if out.height == 0:
            continue
        stored = {p: _stored_datetime(p.replace(tzinfo=tz)) for p in out.get_column("period").unique().to_list()}
        keys = out.get_column(out.columns[2]).fill_null("").to_list()
        rows += [
            (center.pk, m, kind, stored[p], by, k, float(n), float(d))
            for (m, p, _, n, d), k in zip(out.iter_rows(), keys)
        ]
    return rows


def _stored_datetime(aware: datetime):
    """An aware datetime as Django stores it: UTC text on SQLite (str() of the naive UTC value), as is elsewhere."""
    return str(aware.astimezone(UTC).replace(tzinfo=None)) if connection.vendor == "sqlite" else aware


def _insert_rollups(rows: list[tuple]) -> None:
    """One executemany on the database cursor: a month of agent and half-hour rollups is 100,000+ rows, which as model
    instances through bulk_create took ~25 s of CPU (nine fields prepared per row by the ORM) — the bulk of an import's
    refresh."""
    if not rows:
        return
    q = connection.ops.quote_name
    computed_at = _stored_datetime(timezone.now())
    cols = [
        "center_id",
        "metric",
        "period_kind",
        "period_start",
        "breakdown",
        "key",
        "numerator",
        "denominator",
        "computed_at",
    ]
    sql = (
        f"INSERT INTO {q(Rollup._meta.db_table)} ({', '.join(q(c) for c in cols)}) "
        f"VALUES ({', '.join(['%s'] * len(cols))})"
    )
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 20_000):
            cursor.executemany(sql, [r + (computed_at,) for r in rows[i : i + 20_000]])


def _refresh_months(center, first: date, last: date) -> int:
    """Month rollups = sums of the month's day rollups."""
    written = 0
    month = first.replace(day=1)
    while month <= last:
        nxt = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        lo, hi = selectors.local_midnight(center, month), selectors.local_midnight(center, nxt)
        Rollup.objects.filter(center=center, period_kind="month", period_start=lo).delete()
        sums = (
            Rollup.objects.filter(center=center, period_kind="day", period_start__gte=lo, period_start__lt=hi)
            .values("metric", "breakdown", "key")
            .annotate(n=Sum("numerator"), d=Sum("denominator"))
            .order_by()
        )
        start = _stored_datetime(lo)
        rows = [(center.pk, s["metric"], "month", start, s["breakdown"], s["key"], s["n"], s["d"]) for s in sums]
        _insert_rollups(rows)
        written += len(rows)
        month = nxt
    return written
