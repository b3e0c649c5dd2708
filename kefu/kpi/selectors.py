"""Reads for the KPI pages, API and CLI: raw records as Polars frames, rollups summed per period, rows for display."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from kefu.kpi import engine
from kefu.kpi.definitions import BY_CODE, METRICS, PEOPLE_BREAKDOWNS, QUEUE_LEVEL, Metric, judged_on
from kefu.kpi.models import Rollup
from kefu.org.models import Staff, Team
from kefu.org.policy import policy_for

DAY_BREAKDOWNS = ("center", "team", "agent", "call_type", "vip", "queue")
HALF_HOUR_BREAKDOWNS = ("center",)


def spec_for(center) -> dict:
    """The kpi policy of the center plus its time zone: the engine's `spec`."""
    return {**policy_for("kpi", center), "time_zone": center.time_zone or "Asia/Shanghai"}


def tz_of(center) -> ZoneInfo:
    return ZoneInfo(center.time_zone or "Asia/Shanghai")


def local_midnight(center, day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz_of(center))


def local_today(center) -> date:
    return timezone.now().astimezone(tz_of(center)).date()


def _optional(module: str):
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            return None
        raise


# ---------------------------------------------------------------- raw records


def team_map(center) -> dict[str, str]:
    return {
        no: str(team)
        for no, team in Staff.objects.filter(center=center, team__isnull=False).values_list("staff_no", "team_id")
    }


CALL_FIELDS = (
    "call_id",
    "offered_at",
    "outcome",
    "requested_agent",
    "queued",
    "is_vip",
    "call_type",
    "queue",
    "wait_seconds",
    "rings",
    "talk_seconds",
    "hold_seconds",
    "acw_seconds",
    "transferred",
    "first_call_resolved",
    "agent_staff_no",
    "team_id",
    "caller_digest",
)


def load_calls(center, start: datetime, end: datetime) -> pl.DataFrame:
    models = _optional("kefu.telephony.models")
    if models is None:
        return engine.frame([], engine.CALL_COLUMNS)
    query = models.Call.objects.filter(center=center, offered_at__gte=start, offered_at__lt=end).values_list(
        *CALL_FIELDS
    )
    if connection.vendor == "sqlite":
        # the stored values as they are, times parsed by Polars: Django's per-value converters (a datetime parsed in
        # Python per call) took most of an import's rollup refresh on a month of a million calls
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows:
            return engine.frame([], engine.CALL_COLUMNS)
        data = dict(zip(CALL_FIELDS, zip(*rows)))
        df = pl.DataFrame(
            {name: list(col) for name, col in data.items()},
            strict=False,
            schema_overrides={"offered_at": pl.String, "rings": pl.Float64, "team_id": pl.Int64},
        )
        df = df.with_columns(
            pl.col("offered_at").str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="us", time_zone="UTC"),
            *(
                pl.col(c).cast(pl.Boolean)
                for c in ("requested_agent", "queued", "is_vip", "transferred", "first_call_resolved")
            ),
        )
    else:
        rows = list(query.iterator(chunk_size=20000))
        if not rows:
            return engine.frame([], engine.CALL_COLUMNS)
        data = {name: list(col) for name, col in zip(CALL_FIELDS, zip(*rows))}
        df = pl.DataFrame(data, schema_overrides={"rings": pl.Float64, "first_call_resolved": pl.Boolean}, strict=False)
    df = df.with_columns(pl.col("team_id").cast(pl.String))
    return engine.frame(df, engine.CALL_COLUMNS)


def _stored(model, center, start, end) -> list[tuple]:
    return list(
        model.objects.filter(center=center, start__lt=end, end__gt=start).values_list("agent_staff_no", "start", "end")
    )


def _interval_frame(rows, teams: dict[str, str]) -> pl.DataFrame:
    return engine.frame(
        [{"agent_staff_no": a, "team_id": teams.get(a), "start": s, "end": e} for a, s, e, *_ in rows],
        engine.INTERVAL_COLUMNS,
    )


def _scheduled(models, center, start, end) -> list[tuple]:
    """Scheduled on-phone time (004:L1345): imported schedule rows plus the published kefu roster."""
    rows = _stored(models.ScheduledShift, center, start, end)
    roster = _optional("kefu.roster.selectors")
    if roster is not None and hasattr(roster, "scheduled_intervals"):
        rows += roster.scheduled_intervals(center, start, end)
    return rows


def load_orders(center, start: datetime, end: datetime) -> pl.DataFrame | None:
    """Work orders accepted in [start, end) as the engine's orders frame (K6–K14); None without the tickets app."""
    tickets = _optional("kefu.tickets.selectors")
    if tickets is None or not hasattr(tickets, "kpi_order_rows"):
        return None
    rows = tickets.kpi_order_rows(center, start, end)
    for r in rows:
        r["team_id"] = None if r.get("team_id") is None else str(r["team_id"])
    return engine.frame(rows, engine.ORDER_COLUMNS)


def load_frames(center, start: datetime, end: datetime, *, lookback: timedelta = timedelta(0)) -> dict:
    """Every record the engine reads for [start, end); calls from `lookback` earlier for redial de-duplication."""
    teams = team_map(center)
    frames = {"calls": load_calls(center, start - lookback, end)}
    models = _optional("kefu.telephony.models")
    if models is not None:
        frames["sessions"] = _interval_frame(_stored(models.AgentSession, center, start, end), teams)
        frames["pauses"] = _interval_frame(_stored(models.AgentPause, center, start, end), teams)
        frames["scheduled"] = _interval_frame(_scheduled(models, center, start, end), teams)
    orders = load_orders(center, start, end)
    if orders is not None:
        frames["orders"] = orders
    quality = _optional("kefu.quality.models")
    if quality is not None and hasattr(quality, "Evaluation"):
        qa = (
            quality.Evaluation.objects.filter(
                center=center, scored_at__gte=start, scored_at__lt=end, total__isnull=False
            )
            .exclude(source="calibration")
            .values_list("agent__staff_no", "team_id", "scored_at", "total")
        )
        frames["qa"] = engine.frame(
            [
                {"agent_staff_no": a, "team_id": None if t is None else str(t), "scored_at": s, "score": float(v)}
                for a, t, s, v in qa
            ],
            engine.QA_COLUMNS,
        )
    return frames


def compute_raw(
    center,
    start: datetime,
    end: datetime,
    *,
    period: str,
    by: str,
    spec: dict | None = None,
    range_start: datetime | None = None,
    now: datetime | None = None,
) -> pl.DataFrame:
    """The engine on raw records of [start, end) (used for today's live view and as the bench baseline), as of `now`
    (default: the current time; see engine.compute_runs)."""
    spec = spec or spec_for(center)
    frames = load_frames(center, start, end, lookback=timedelta(days=spec["redial_window_days"]))
    calls = frames["calls"]
    out = engine.compute(
        calls,
        frames.get("sessions"),
        frames.get("pauses"),
        frames.get("scheduled"),
        frames.get("orders"),
        spec,
        period=period,
        by=by,
        qa=frames.get("qa"),
        range_start=range_start,
        now=now or timezone.now(),
    )
    lo = start.astimezone(tz_of(center)).replace(tzinfo=None)
    if period == "range":
        return out
    # Drop the look-back days (they were loaded only to recognise redials).
    return out.filter(pl.col("period") >= pl.lit(lo).dt.truncate(engine.TRUNCATE[period]))


# ---------------------------------------------------------------- rollups


def rollups(
    center, kind: str, start: datetime, end: datetime, by: str, *, metric: str | None = None, key: str | None = None
) -> pl.DataFrame:
    """Stored rollups of one kind in [start, end) as an engine result frame (period in local naive time)."""
    qs = Rollup.objects.filter(
        center=center, period_kind=kind, breakdown=by, period_start__gte=start, period_start__lt=end
    )
    if metric:
        qs = qs.filter(metric=metric)
    if key is not None:
        qs = qs.filter(key=key)
    rows = list(qs.values_list("metric", "period_start", "key", "numerator", "denominator"))
    if not rows:
        return pl.DataFrame(schema=engine.RESULT_SCHEMA)
    tz = tz_of(center)
    return pl.DataFrame(
        {
            "metric": [r[0] for r in rows],
            "period": [r[1].astimezone(tz).replace(tzinfo=None) for r in rows],
            "key": [r[2] for r in rows],
            "num": [r[3] for r in rows],
            "den": [r[4] for r in rows],
        },
        schema=engine.RESULT_SCHEMA,
    )


def summed(
    center, start: date, end: date, by: str, *, key: str | None = None
) -> dict[tuple[str, str], tuple[float, float]]:
    """(metric, key) -> (num, den) over whole local days [start, end): month rollups where whole months fit, else days."""
    totals: dict[tuple[str, str], list[float]] = {}

    def add(qs):
        for metric, k, n, d in (
            qs.values_list("metric", "key")
            .annotate(n=Sum("numerator"), d=Sum("denominator"))
            .values_list("metric", "key", "n", "d")
        ):
            slot = totals.setdefault((metric, k), [0.0, 0.0])
            slot[0] += n or 0.0
            slot[1] += d or 0.0

    base = Rollup.objects.filter(center=center, breakdown=by)
    if key is not None:
        base = base.filter(key=key)
    months, day_ranges = split_months(start, end)
    if months:
        add(base.filter(period_kind="month", period_start__in=[local_midnight(center, m) for m in months]).order_by())
    for a, b in day_ranges:
        add(
            base.filter(
                period_kind="day",
                period_start__gte=local_midnight(center, a),
                period_start__lt=local_midnight(center, b),
            ).order_by()
        )
    return {k: (v[0], v[1]) for k, v in totals.items()}


def split_months(start: date, end: date) -> tuple[list[date], list[tuple[date, date]]]:
    """Whole calendar months inside [start, end) and the leftover day ranges."""
    months, ranges = [], []
    cursor = start
    while cursor < end:
        month_end = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
        if cursor.day == 1 and month_end <= end:
            months.append(cursor)
            cursor = month_end
        else:
            stop = min(month_end, end)
            ranges.append((cursor, stop))
            cursor = stop
    return months, ranges


def has_rollups(center, start: date, end: date) -> bool:
    return Rollup.objects.filter(
        center=center,
        period_kind="day",
        breakdown="center",
        period_start__gte=local_midnight(center, start),
        period_start__lt=local_midnight(center, end),
    ).exists()


# ---------------------------------------------------------------- display rows


@dataclass
class Row:
    metric: Metric
    num: float | None
    den: float | None
    value: object
    shown: str
    status: str
    target: str

    @property
    def code(self) -> str:
        return self.metric.code


class PeriodValues(dict):
    """(metric, key) -> (num, den) of one report period, knowing the period's length in days (see rows_for)."""

    def __init__(self, values: dict, days: int):
        super().__init__(values)
        self.days = days


def rows_for(
    values: dict[tuple[str, str], tuple[float, float]], key: str, spec: dict, codes=None, *, by: str = "center"
) -> list[Row]:
    """Display rows of every metric for one key; queue-level metrics are left out for teams and agents.

    Values of a period (PeriodValues, from period_values) judge a yearly target only when the period is a year."""
    out = []
    for metric in METRICS:
        if codes is not None and metric.code not in codes:
            continue
        if by in PEOPLE_BREAKDOWNS and metric.code in QUEUE_LEVEL:
            continue
        if by not in ("center", "team", "agent") and metric.source != "calls":
            continue
        num, den = values.get((metric.code, key), (None, None))
        v = engine.value_of(metric.code, num, den)
        status = engine.status_of(metric.code, v, spec)
        if status in ("ok", "warn", "bad") and not judged_on(metric, getattr(values, "days", None)):
            status = "info"  # a yearly target on a shorter period: shown for reference (M22, 004:L1741-1745)
        out.append(
            Row(metric, num, den, v, engine.display(metric.code, v), status, engine.target_text(metric.code, spec))
        )
    return out


def as_table(result: pl.DataFrame) -> dict[tuple[str, str], tuple[float, float]]:
    """Sum an engine result over its periods: (metric, key) -> (num, den)."""
    if result.height == 0:
        return {}
    g = result.group_by("metric", "key").agg(pl.col("num").sum(), pl.col("den").sum())
    return {(m, k): (n, d) for m, k, n, d in g.iter_rows()}


def turnover_row(center, start: date, end: date, spec: dict, team_id: int | None = None) -> tuple[int, int]:
    """M22 from the staff register (hired_on / left_on), 004:L1739-1745: agents (话务员/业务员) working full time
    (全时工作) only — managers, admins, back-office staff and part-time or temporary agents are not counted."""
    from kefu.org.roles import Role

    qs = Staff.objects.filter(
        center=center,
        employment=Staff.Employment.FULL_TIME,
        user__groups__name__in=(Role.AGENT.value, Role.SENIOR_AGENT.value),
    ).distinct()
    if team_id:
        qs = qs.filter(team_id=team_id)
    staff = list(qs.values("hired_on", "left_on"))
    return engine.turnover(staff, start, end)


def key_label(center, by: str, key: str) -> str:
    """Teams by name, agents by staff number only (工号)."""
    if by == "team":
        name = (
            Team.objects.filter(center=center, pk=int(key)).values_list("name", flat=True).first()
            if key.isdigit()
            else None
        )
        return name or (key or "（未分配）")
    if by == "center":
        return "全中心"
    return key or "（未分配）"


def teams(center) -> list[Team]:
    return list(Team.objects.filter(center=center).order_by("code"))


def agents(center, team_id: int | None = None) -> list[str]:
    qs = Staff.objects.filter(
        center=center, is_active=True, user__groups__name__in=["agent", "senior_agent"]
    ).distinct()
    if team_id:
        qs = qs.filter(team_id=team_id)
    return list(qs.order_by("staff_no").values_list("staff_no", flat=True))


def metric(code: str) -> Metric | None:
    return BY_CODE.get(code)


# ---------------------------------------------------------------- what a dashboard shows


def period_values(center, period, by: str, *, key: str | None = None, spec: dict | None = None) -> PeriodValues:
    """(metric, key) -> (num, den) for a Period: live from raw records for today, else from rollups; plus M22."""
    spec = spec or spec_for(center)
    if period.kind == "today":
        lo = local_midnight(center, period.start)
        out = compute_raw(
            center, lo, lo + timedelta(days=1), period="range", by=by, spec=spec, range_start=lo.replace(tzinfo=None)
        )
        values = as_table(out)
        if key is not None:
            values = {k: v for k, v in values.items() if k[1] == key}
    else:
        values = summed(center, period.start, period.end, by, key=key)
    if by in ("center", "team"):  # M22 turnover from the staff register (004:L1739-1745)
        keys = {k for _, k in values} | ({key} if key else set())
        if by == "center":
            keys = {engine.CENTER_KEY}
        for k in keys:
            team_id = int(k) if by == "team" and k and k.isdigit() else None
            if by == "team" and team_id is None:
                continue
            leavers, headcount = turnover_row(center, period.start, period.end, spec, team_id)
            # the period's own turnover, as the seed defines it for a month, a quarter or a year (004:L1741); its
            # 15–30 % target is annual (004:L1745), so rows_for judges it on a one-year period only
            values[("M22", k)] = (float(leavers), float(headcount))
    return PeriodValues(values, (period.end - period.start).days)


def keys_of(values: dict) -> list[str]:
    return sorted({k for _, k in values})


def wallboard(center, now: datetime | None = None) -> dict:
    """The floor's live numbers: waiting now, longest wait, today's service level and abandon rate, agents by state."""
    now = now or timezone.now()
    spec = spec_for(center)
    today = now.astimezone(tz_of(center)).date()
    lo = local_midnight(center, today)
    data = {
        "now": now,
        "waiting": 0,
        "longest_wait": None,
        "sl": None,
        "abandon": None,
        "answered": 0,
        "offered": 0,
        "agents": {"logged_in": 0, "paused": 0, "talking": 0, "ready": 0},
        "sl_status": "na",
        "abandon_status": "na",
        "sl_x": spec["service_level_seconds"],
        "talking_agents": [],
        "paused_agents": [],
        "ready_agents": [],
    }
    models = _optional("kefu.telephony.models")
    if models is None:
        return data
    open_calls = models.Call.objects.filter(
        center=center, offered_at__gte=lo, offered_at__lte=now, answered_at__isnull=True, ended_at__isnull=True
    ).exclude(outcome="blocked")
    data["waiting"] = open_calls.count()
    first = open_calls.order_by("offered_at").values_list("offered_at", flat=True).first()
    data["longest_wait"] = int((now - first).total_seconds()) if first else None
    frames = {"calls": load_calls(center, lo, now + timedelta(seconds=1))}
    out = engine.compute(frames["calls"], spec=spec, period="range", by="center", range_start=lo.replace(tzinfo=None))
    values = as_table(out)
    k = engine.CENTER_KEY
    for code, name in (("M20", "sl"), ("M13", "abandon")):
        num, den = values.get((code, k), (None, None))
        v = engine.value_of(code, num, den)
        data[name] = engine.display(code, v)
        data[f"{name}_status"] = engine.status_of(code, v, spec)
    data["answered"] = int(values.get(("N_ANSWERED", k), (0, 0))[0])
    data["offered"] = int(values.get(("M21", k), (0, 0))[0])
    logged = set(
        models.AgentSession.objects.filter(center=center, start__lte=now, end__gt=now).values_list(
            "agent_staff_no", flat=True
        )
    )
    paused = set(
        models.AgentPause.objects.filter(center=center, start__lte=now, end__gt=now).values_list(
            "agent_staff_no", flat=True
        )
    )
    # offered_at bounds the scan through the calls' (center, offered_at, ...) index: a call answered today was offered
    # at most a day before (answered_at has no index; without it the whole center's history is read)
    talking = set(
        models.Call.objects.filter(
            center=center,
            offered_at__gte=lo - timedelta(days=1),
            offered_at__lte=now,
            answered_at__lte=now,
            answered_at__gte=lo,
        )
        .filter(models_q_open(now))
        .values_list("agent_staff_no", flat=True)
    ) - {""}
    data["agents"] = {
        "logged_in": len(logged),
        "paused": len(paused & logged),
        "talking": len(talking & logged),
        "ready": len(logged - paused - talking),
    }
    data["talking_agents"] = sorted(talking & logged)
    data["paused_agents"] = sorted(paused & logged)
    data["ready_agents"] = sorted(logged - paused - talking)
    return data


def models_q_open(now):
    from django.db.models import Q

    return Q(ended_at__isnull=True) | Q(ended_at__gt=now)


def trend(center, code: str, by: str, key: str, days: list[date]) -> list[tuple[date, object]]:
    """Daily values of one metric for one breakdown key (from day rollups)."""
    if not days:
        return []
    out = rollups(
        center,
        "day",
        local_midnight(center, days[0]),
        local_midnight(center, days[-1] + timedelta(days=1)),
        by,
        metric=code,
        key=key,
    )
    got = {r["period"].date(): (r["num"], r["den"]) for r in out.iter_rows(named=True)}
    return [(d, engine.value_of(code, *got[d]) if d in got else None) for d in days]


def trends(center, codes, by: str, key: str, days: list[date]) -> dict[str, list[tuple[date, object]]]:
    """Daily values of several metrics for one breakdown key (from day rollups), in one read."""
    if not days or not codes:
        return {}
    qs = Rollup.objects.filter(
        center=center,
        period_kind="day",
        breakdown=by,
        key=key,
        metric__in=list(codes),
        period_start__gte=local_midnight(center, days[0]),
        period_start__lt=local_midnight(center, days[-1] + timedelta(days=1)),
    )
    tz = tz_of(center)
    got = {
        (m, p.astimezone(tz).date()): (n, d)
        for m, p, n, d in qs.values_list("metric", "period_start", "numerator", "denominator")
    }
    return {
        code: [(d, engine.value_of(code, *got[(code, d)]) if (code, d) in got else None) for d in days]
        for code in codes
    }


def wallboard_day(center, now: datetime | None = None) -> dict:
    """Today's curves for the wall screen, per half hour up to now: peak callers waiting at once and service level."""
    from kefu.kpi import floor

    now = now or timezone.now()
    spec = spec_for(center)
    tz = tz_of(center)
    lo = local_midnight(center, now.astimezone(tz).date())
    step = timedelta(minutes=30)
    buckets = max(1, int((now - lo) / step) + 1)
    labels = [f"{(lo + step * b).astimezone(tz):%H:%M}" for b in range(buckets)]
    out = {"labels": labels, "waiting": [0] * buckets, "sl": [None] * buckets, "sl_target": None}
    target = (spec.get("targets") or {}).get("M20") or {}
    if target.get("value") is not None:
        out["sl_target"] = float(target["value"])
    models = _optional("kefu.telephony.models")
    if models is None:
        return out
    rows = models.Call.objects.filter(center=center, offered_at__gte=lo, offered_at__lte=now, queued=True).values_list(
        "offered_at", "answered_at", "ended_at", "wait_seconds"
    )
    waits = []
    for offered, answered, ended, wait in rows:
        left = answered or (offered + timedelta(seconds=wait) if wait else None) or ended or now
        waits.append((offered, min(left, now)))
    out["waiting"] = floor.peak_waiting(waits, lo, step, buckets)
    calls = load_calls(center, lo, now + timedelta(seconds=1))
    if calls.height:
        result = engine.compute(calls, spec=spec, period="half_hour", by="center")
        for r in result.filter(pl.col("metric") == "M20").iter_rows(named=True):
            b = int((r["period"].replace(tzinfo=tz) - lo) / step)
            v = engine.value_of("M20", r["num"], r["den"])
            if 0 <= b < buckets and v is not None:
                out["sl"][b] = round(float(v), 1)
    return out


BREAKDOWN_LABELS = {
    "center": "全中心",
    "team": "班组",
    "agent": "话务员",
    "call_type": "呼叫类型",
    "vip": "VIP",
    "queue": "队列",
}
