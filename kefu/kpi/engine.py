"""The KPI engine: plain Polars frames in, one long frame of exact numerators and denominators out.

No Django import. Every metric is a ratio of sums (or a count), so results for a longer period or a
wider breakdown are the sums of the parts: rollups of days add up to months, and computing on two
halves of the data then adding gives the same as computing on the whole (tested).

Input frames (datetimes aware, any zone; converted to the center's zone, SPEC "Decisions"):
- calls: call_id, offered_at, outcome, requested_agent, queued, is_vip, call_type, queue, wait_seconds, rings,
  talk_seconds, hold_seconds, acw_seconds, transferred, first_call_resolved, agent_staff_no, team_id, caller_digest
- sessions / pauses / scheduled: agent_staff_no, team_id, start, end (a pause's end may be null: it ends at logoff)
- orders: id, kind, accepted_at, replied_at, reply_due, satisfaction, is_repeat, is_cross_province, is_key_account,
  team_id, agent_staff_no
- qa: agent_staff_no, team_id, scored_at, score
Output: metric, period (local naive datetime), key (breakdown value as text), num, den (floats).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import polars as pl

from kefu.kpi.definitions import BY_CODE, COUNTS, PEOPLE_BREAKDOWNS, QUEUE_LEVEL

TRUNCATE = {"half_hour": "30m", "hour": "1h", "day": "1d", "week": "1w", "month": "1mo"}
CENTER_KEY = "全中心"
RESULT_SCHEMA = {
    "metric": pl.String,
    "period": pl.Datetime("us"),
    "key": pl.String,
    "num": pl.Float64,
    "den": pl.Float64,
}

CALL_COLUMNS = {
    "call_id": pl.String,
    "offered_at": pl.Datetime("us", "UTC"),
    "outcome": pl.String,
    "requested_agent": pl.Boolean,
    "queued": pl.Boolean,
    "is_vip": pl.Boolean,
    "call_type": pl.String,
    "queue": pl.String,
    "wait_seconds": pl.Float64,
    "rings": pl.Float64,
    "talk_seconds": pl.Float64,
    "hold_seconds": pl.Float64,
    "acw_seconds": pl.Float64,
    "transferred": pl.Boolean,
    "first_call_resolved": pl.Boolean,
    "agent_staff_no": pl.String,
    "team_id": pl.String,
    "caller_digest": pl.String,
}
INTERVAL_COLUMNS = {
    "agent_staff_no": pl.String,
    "team_id": pl.String,
    "start": pl.Datetime("us", "UTC"),
    "end": pl.Datetime("us", "UTC"),
}
ORDER_COLUMNS = {
    "id": pl.Int64,
    "kind": pl.String,
    "accepted_at": pl.Datetime("us", "UTC"),
    "replied_at": pl.Datetime("us", "UTC"),
    "reply_due": pl.Datetime("us", "UTC"),
    "satisfaction": pl.String,
    "is_repeat": pl.Boolean,
    "is_cross_province": pl.Boolean,
    "is_key_account": pl.Boolean,
    "team_id": pl.String,
    "agent_staff_no": pl.String,
}
QA_COLUMNS = {
    "agent_staff_no": pl.String,
    "team_id": pl.String,
    "scored_at": pl.Datetime("us", "UTC"),
    "score": pl.Float64,
}


def frame(rows, columns: dict) -> pl.DataFrame:
    """A frame with exactly these columns and types, from a list of dicts (or a frame); missing columns are null.

    One time-zone convention: every datetime column comes out in UTC. Aware values of any zone keep their instant
    (the database gives UTC, the roster gives the center's zone, both in one column); naive values are taken as UTC.
    """
    if isinstance(rows, pl.DataFrame):
        df = rows
    else:
        # each value to UTC before Polars sees it: it refuses a column whose values carry different zones
        zoned = {name for name, dtype in columns.items() if isinstance(dtype, pl.Datetime)}
        df = pl.DataFrame(
            [{k: (_as_utc(v) if k in zoned else v) for k, v in r.items()} for r in rows or ()], infer_schema_length=None
        )
    exprs = []
    for name, dtype in columns.items():
        if name not in df.columns:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
        elif isinstance(dtype, pl.Datetime):
            col = pl.col(name)
            current = df.schema[name]
            if isinstance(current, pl.Datetime) and current.time_zone is None:
                col = col.dt.replace_time_zone("UTC")  # naive datetimes are taken as UTC
            elif isinstance(current, pl.Datetime) and current.time_zone != dtype.time_zone:
                col = col.dt.convert_time_zone(dtype.time_zone)  # the same instant, shown in the declared zone
            exprs.append(col.cast(dtype).alias(name))
        elif dtype == pl.String:
            exprs.append(pl.col(name).cast(pl.String).alias(name))
        else:
            exprs.append(pl.col(name).cast(dtype).alias(name))
    if df.height == 0:
        return pl.DataFrame(schema=columns)
    return df.select(exprs)


def _as_utc(value):
    """An aware datetime in UTC (the same instant); a naive one taken as UTC; anything else as it is."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def _local(name: str, tz: str) -> pl.Expr:
    return pl.col(name).dt.convert_time_zone(tz).dt.replace_time_zone(None)


def _bucket(expr: pl.Expr, period: str, range_start: datetime | None) -> pl.Expr:
    if period == "range":
        return pl.lit(range_start or datetime(1970, 1, 1), dtype=pl.Datetime("us"))
    return expr.dt.truncate(TRUNCATE[period])


def _key(by: str) -> pl.Expr:
    if by == "center":
        return pl.lit(CENTER_KEY)
    if by == "team":
        return pl.col("team_id").fill_null("")
    if by == "agent":
        return pl.col("agent_staff_no").fill_null("")
    if by == "vip":
        return pl.when(pl.col("is_vip").fill_null(False)).then(pl.lit("VIP")).otherwise(pl.lit("普通"))
    if by in ("call_type", "queue"):
        return pl.col(by).fill_null("")
    raise ValueError(f"未知的分组维度：{by}")


def _long(wide: pl.DataFrame, codes: list[str]) -> pl.DataFrame:
    """Wide sums (CODE|n, CODE|d) to the long result frame."""
    if wide.height == 0 or not codes:
        return pl.DataFrame(schema=RESULT_SCHEMA)
    nums = wide.unpivot(on=[f"{c}|n" for c in codes], index=["period", "key"], variable_name="metric", value_name="num")
    dens = wide.unpivot(on=[f"{c}|d" for c in codes], index=["period", "key"], value_name="den")
    return nums.with_columns(metric=pl.col("metric").str.replace(r"\|n$", ""), den=dens["den"]).select(
        pl.col("metric"),
        pl.col("period"),
        pl.col("key"),
        pl.col("num").cast(pl.Float64),
        pl.col("den").cast(pl.Float64),
    )


# ---------------------------------------------------------------- calls


def call_flags(calls: pl.DataFrame, spec: dict) -> pl.DataFrame:
    """The per-call facts every call metric is a sum of (boolean columns become 0/1 when summed)."""
    short = float(spec["short_abandon_seconds"])
    outcome = pl.col("outcome")
    wait = pl.col("wait_seconds").fill_null(0.0)
    df = calls.with_columns(
        blocked=outcome == "blocked",
        answered=outcome == "answered",
        abandoned=outcome == "abandoned",
        wait=wait,
        talk=pl.col("talk_seconds").fill_null(0.0),
        hold=pl.col("hold_seconds").fill_null(0.0),
        acw=pl.col("acw_seconds").fill_null(0.0),
        # a blocked attempt never reached the IVR, so it cannot have asked for an agent (K2/K3 denominators)
        requested=pl.col("requested_agent").fill_null(False) & (outcome != "blocked"),
        vip=pl.col("is_vip").fill_null(False),
        queued_=pl.col("queued").fill_null(False),
        every=pl.lit(True),  # a column, so that summing it counts rows
    ).with_columns(
        connected=~pl.col("blocked"),
        acd=~pl.col("blocked") & (outcome != "ivr"),  # offered to the agent queue (M13, M19, M20)
        short_ab=pl.col("abandoned") & (pl.col("wait") <= short),  # 004:L1555
    )
    return df.with_columns(redial=_blocked_redials(df, spec))


def _blocked_redials(df: pl.DataFrame, spec: dict) -> pl.Series:
    """Blocked attempts from a number already blocked within the window: not extra customers (004:L1617-1621)."""
    if not spec.get("dedup_blocked_redials", True) or df.height == 0:
        return pl.Series("redial", [False] * df.height, dtype=pl.Boolean)
    window_us = int(spec["redial_window_days"] * 86400 * 1_000_000)
    blocked = (
        df.with_row_index("_row")
        .filter(pl.col("blocked") & pl.col("caller_digest").is_not_null() & (pl.col("caller_digest") != ""))
        .select("_row", "caller_digest", "offered_at", "call_id")
        .sort("caller_digest", "offered_at", "call_id")
        .with_columns(prev=pl.col("offered_at").shift(1).over("caller_digest"))
        .filter(
            pl.col("prev").is_not_null()
            & ((pl.col("offered_at") - pl.col("prev")).dt.total_microseconds() <= window_us)
        )
    )
    flags = pl.Series("redial", [False] * df.height, dtype=pl.Boolean)
    if blocked.height:
        flags = flags.scatter(blocked["_row"].to_list(), True)
    return flags


def _call_sums(spec: dict) -> dict[str, tuple[pl.Expr, pl.Expr]]:
    """Metric code -> (numerator, denominator) per call; the engine sums them per group."""
    unanswered_after = float(spec["unanswered_after_seconds"])  # 004:L1305
    limit = float(spec["answer_time_limit_seconds"])  # 004:L1307
    sl_x = float(spec["service_level_seconds"])  # 004:L1709
    c = pl.col
    ans, ab, blk, wait = c("answered"), c("abandoned"), c("blocked"), c("wait")
    in_time = ans & c("requested") & (wait <= unanswered_after)
    if spec.get("timeout_reading", "A") == "B":
        k4_base = ans & (wait <= unanswered_after)
    else:
        k4_base = ans
    misdial = ab & (wait >= float(spec["misdial_min_seconds"])) & (wait <= float(spec["misdial_max_seconds"]))
    held = ans & (c("hold") > 0)
    rung = (ans | (c("outcome") == "ivr")) & c("rings").is_not_null()
    asa_num = c("wait") * (ans | ab) if spec.get("asa_include_abandoned_wait") else c("wait") * ans
    fcr_known = ans & c("first_call_resolved").is_not_null()
    sums = {
        "K1": (c("connected"), c("every")),
        "K2": (in_time, c("requested")),
        "K3": (in_time & c("vip"), c("requested") & c("vip")),
        "K4": (k4_base & (wait > limit), k4_base),
        "K5": (k4_base & c("vip") & (wait > limit), k4_base & c("vip")),
        "M2": (c("acw") * ans, ans),
        "M3": (wait * ab, ab),
        "M4": ((c("talk") + c("acw")) * ans, ans),
        "M5": (c("hold") * held, held),
        "M6": (c("rings").fill_null(0.0) * rung, rung),
        "M7": (wait * (ans & c("queued_")), ans & c("queued_")),
        "M8": (asa_num, ans),
        "M9": (c("talk") * ans, ans),
        "M13": (ab & ~c("short_ab"), c("acd") & ~c("short_ab")),
        "M15": (blk & ~c("redial"), ~c("redial")),
        "M16": (fcr_known & c("first_call_resolved").fill_null(False), fcr_known),
        "M17": (c("connected") & c("queued_"), c("connected")),
        "M18": (ans & c("transferred").fill_null(False), ans),
        "M19": (ans, c("acd")),
        "M20": (ans & (wait < sl_x), c("acd") & ~c("short_ab")),
        "M21": (c("every"), c("every")),
        "MISDIAL": (misdial, ab),
    }
    for code, _name, outcome in COUNTS:
        flag = c("short_ab") if outcome is None else (c("outcome") == outcome)
        sums[code] = (flag, flag)
    return sums


def call_terms(calls_flagged: pl.DataFrame, spec: dict) -> tuple[pl.DataFrame, dict[str, tuple[str, str]]]:
    """Each distinct numerator/denominator term as one column (computed once, summed per group for any run).

    Returns the narrow frame (offered_at, breakdown columns, one column per term) and metric -> (num term, den term).
    """
    sums = _call_sums(spec)
    names: dict[str, str] = {}
    exprs: list[pl.Expr] = []
    plan: dict[str, tuple[str, str]] = {}
    for code, pair in sums.items():
        cols = []
        for expr in pair:
            key = str(expr)  # the expression tree: equal terms (e.g. "answered") are computed and summed once
            if key not in names:
                names[key] = f"t{len(names)}"
                exprs.append(expr.alias(names[key]))
            cols.append(names[key])
        plan[code] = (cols[0], cols[1])
    keep = ["team_id", "agent_staff_no", "is_vip", "call_type", "queue"]
    tz = spec.get("time_zone", "Asia/Shanghai")
    terms = calls_flagged.select(_local("offered_at", tz).alias("local"), *keep, *exprs)
    return terms, plan


GRAIN_ORDER = ["half_hour", "hour", "day"]  # week, month and range are unions of days
BY_COLUMNS = {
    "center": [],
    "team": ["team_id"],
    "agent": ["agent_staff_no"],
    "vip": ["is_vip"],
    "call_type": ["call_type"],
    "queue": ["queue"],
}


def preaggregate(terms, runs: list[tuple[str, str]]):
    """Sum the terms once per (finest bucket the runs need × breakdown columns they need); every run rolls this up.

    When a run needs agent time (center/team/agent), agent and team are kept too: the answered calls per agent
    and bucket that M10/M12 join with come from this same frame.
    """
    frame_, plan = terms
    grains = [p if p in ("half_hour", "hour") else "day" for p, _ in runs]
    finest = min(grains, key=GRAIN_ORDER.index)
    if finest == "hour" and "half_hour" in grains:
        finest = "half_hour"
    cols = {c for _, by in runs for c in BY_COLUMNS[by]}
    if any(by in ("center", "team", "agent") for _, by in runs):
        cols |= {"agent_staff_no", "team_id"}
    cols = sorted(cols)
    used = sorted({c for pair in plan.values() for c in pair})
    agg = (
        frame_.lazy()
        .group_by(pl.col("local").dt.truncate(TRUNCATE[finest]).alias("local"), *cols)
        .agg([pl.col(c).sum().cast(pl.Float64) for c in used])
        .collect()
    )
    return agg, plan


def call_metrics(terms, period: str, by: str, range_start=None) -> pl.DataFrame:
    """Call metrics of one run, rolled up from the pre-aggregated terms (see preaggregate)."""
    frame_, plan = terms
    if by in PEOPLE_BREAKDOWNS:  # unanswered calls belong to no team or agent
        plan = {k: v for k, v in plan.items() if k not in QUEUE_LEVEL}
    used = sorted({c for pair in plan.values() for c in pair})
    wide = (
        frame_.lazy()
        .group_by(_bucket(pl.col("local"), period, range_start).alias("period"), _key(by).alias("key"))
        .agg([pl.col(c).cast(pl.Float64).sum() for c in used])
        .collect()
    )
    wide = wide.select(
        "period",
        "key",
        *[pl.col(n).alias(f"{code}|n") for code, (n, _) in plan.items()],
        *[pl.col(d).alias(f"{code}|d") for code, (_, d) in plan.items()],
    )
    return _long(wide, list(plan))


# ---------------------------------------------------------------- agent time


def merge_intervals(df: pl.DataFrame) -> pl.DataFrame:
    """Overlapping intervals of one agent (several queues) merged into one: time merged, not added (SPEC)."""
    if df.height == 0:
        return df.select("agent_staff_no", "team_id", "start", "end")
    return (
        df.filter(pl.col("end") > pl.col("start"))
        .sort("agent_staff_no", "start", "end")
        .with_columns(prev_end=pl.col("end").cum_max().shift(1).over("agent_staff_no"))
        .with_columns(
            grp=(pl.col("prev_end").is_null() | (pl.col("start") > pl.col("prev_end")))
            .cast(pl.Int32)
            .cum_sum()
            .over("agent_staff_no")
        )
        .group_by("agent_staff_no", "grp")
        .agg(pl.col("team_id").first(), pl.col("start").min(), pl.col("end").max())
        .drop("grp")
    )


def close_pauses(pauses: pl.DataFrame, sessions: pl.DataFrame) -> pl.DataFrame:
    """A pause ends at its UNPAUSE, or at logoff when there is none (SPEC); it counts only while logged in."""
    if pauses.height == 0 or sessions.height == 0:
        return pauses.select("agent_staff_no", "team_id", "start", "end").clear()
    joined = pauses.sort("start").join_asof(
        sessions.select("agent_staff_no", pl.col("start").alias("s_start"), pl.col("end").alias("s_end")).sort(
            "s_start"
        ),
        left_on="start",
        right_on="s_start",
        by="agent_staff_no",
        strategy="backward",
        check_sortedness=False,
    )
    return (
        joined.filter(pl.col("s_end").is_not_null())
        .with_columns(end=pl.min_horizontal(pl.col("end").fill_null(pl.col("s_end")), pl.col("s_end")))
        .filter(pl.col("end") > pl.col("start"))
        .select("agent_staff_no", "team_id", "start", "end")
    )


def cut(df: pl.DataFrame, every: str, value: str) -> pl.DataFrame:
    """Cut local intervals at bucket boundaries (midnight at least): seconds per (agent, team, bucket)."""
    if df.height == 0:
        return pl.DataFrame(
            schema={"agent_staff_no": pl.String, "team_id": pl.String, "bucket": pl.Datetime("us"), value: pl.Float64}
        )
    pieces = (
        df.with_columns(bucket=pl.datetime_ranges(pl.col("start").dt.truncate(every), pl.col("end"), interval=every))
        .explode("bucket")
        .with_columns(
            piece=(
                pl.min_horizontal(pl.col("bucket").dt.offset_by(every), pl.col("end"))
                - pl.max_horizontal(pl.col("bucket"), pl.col("start"))
            ).dt.total_microseconds()
            / 1e6
        )
        .filter(pl.col("piece") > 0)
    )
    return pieces.group_by("agent_staff_no", "bucket").agg(
        pl.col("team_id").first(), pl.col("piece").sum().alias(value)
    )


def _to_local(df: pl.DataFrame, tz: str) -> pl.DataFrame:
    return df.with_columns(start=_local("start", tz), end=_local("end", tz))


def elapsed(df: pl.DataFrame, now: datetime | None) -> pl.DataFrame:
    """The part of each interval before `now` (UTC frames): a rostered shift that has not started yet is not planned
    time so far, and one that is running counts up to now only (004:L1345 "按照计划应当回答电话的总时间", of time
    already passed). `now` None: every interval has passed (a closed period)."""
    if now is None or df.height == 0:
        return df
    cap = pl.lit(_as_utc(now), dtype=pl.Datetime("us", "UTC"))
    return df.with_columns(end=pl.min_horizontal(pl.col("end"), cap)).filter(pl.col("end") > pl.col("start"))


def agent_time(
    sessions: pl.DataFrame,
    pauses: pl.DataFrame,
    scheduled: pl.DataFrame,
    spec: dict,
    every: str,
    now: datetime | None = None,
) -> pl.DataFrame:
    """Per (agent, bucket): logged-in, paused, ready and scheduled seconds (local time, cut at `every`), up to `now`."""
    tz = spec.get("time_zone", "Asia/Shanghai")
    sessions, scheduled = elapsed(sessions, now), elapsed(scheduled.filter(pl.col("end").is_not_null()), now)
    merged = merge_intervals(_to_local(sessions, tz))
    paused = merge_intervals(close_pauses(_to_local(pauses, tz), merged))
    sched = merge_intervals(_to_local(scheduled, tz))
    keys = ["agent_staff_no", "bucket"]
    logged = cut(merged, every, "logged_s")
    out = logged.join(cut(paused, every, "pause_s").drop("team_id"), on=keys, how="left")
    out = out.join(cut(sched, every, "sched_s"), on=keys, how="full", coalesce=True)
    out = out.with_columns(
        team_id=pl.coalesce("team_id", "team_id_right") if "team_id_right" in out.columns else pl.col("team_id"),
        logged_s=pl.col("logged_s").fill_null(0.0),
        pause_s=pl.col("pause_s").fill_null(0.0),
        sched_s=pl.col("sched_s").fill_null(0.0),
    )
    return out.with_columns(ready_s=(pl.col("logged_s") - pl.col("pause_s")).clip(lower_bound=0.0)).select(
        "agent_staff_no", "team_id", "bucket", "logged_s", "pause_s", "ready_s", "sched_s"
    )


def _handled(preagg) -> pl.DataFrame | None:
    """Answered calls per agent and bucket (answered_n, talk, hold, acw), what agent time is joined with (M10, M12),
    read from the pre-aggregated terms: answered = M9's denominator, talk = M9's numerator, ACW = M2's, hold = M5's."""
    frame_, plan = preagg
    if "agent_staff_no" not in frame_.columns:
        return None
    return frame_.filter(
        pl.col("agent_staff_no").is_not_null() & (pl.col("agent_staff_no") != "") & (pl.col(plan["M9"][1]) > 0)
    ).select(
        "local",
        "agent_staff_no",
        "team_id",
        pl.col(plan["M9"][1]).alias("answered_n"),
        pl.col(plan["M9"][0]).alias("talk"),
        pl.col(plan["M5"][0]).alias("hold"),
        pl.col(plan["M2"][0]).alias("acw"),
    )


def agent_metrics(
    handled: pl.DataFrame | None,
    sessions,
    pauses,
    scheduled,
    spec: dict,
    period: str,
    by: str,
    range_start=None,
    cache: dict | None = None,
    now: datetime | None = None,
) -> pl.DataFrame:
    """M1 adherence, M10 calls per hour, M12 occupancy, M14 attendance (agent time joined with answered calls).

    `handled`: answered calls with an agent (see _handled: local, agent_staff_no, team_id, talk, hold, acw).
    `cache` keeps the joined agent time per cut granularity across runs of compute_runs.
    `now`: rostered and logged-in time counts only up to it (today's unfinished day; see `elapsed`).
    """
    if by not in ("center", "team", "agent"):
        return pl.DataFrame(schema=RESULT_SCHEMA)
    every = TRUNCATE[period] if period in ("half_hour", "hour") else "1d"
    cache = {} if cache is None else cache
    if every not in cache:
        cache[every] = _agent_table(handled, sessions, pauses, scheduled, spec, every, now)
    times = cache[every]
    if times.height == 0:
        return pl.DataFrame(schema=RESULT_SCHEMA)
    busy = pl.col("talk") + pl.col("hold")
    idle = (pl.col("ready_s") - busy - pl.col("acw")).clip(lower_bound=0.0)
    planned = pl.col("sched_s") > 0
    day_level = every == "1d"
    times = times.with_columns(period=_bucket(pl.col("bucket"), period, range_start), key=_key(by))
    aggs = [
        pl.col("ready_s").sum().alias("M1|n"),
        pl.col("sched_s").sum().alias("M1|d"),
        pl.col("answered_n").sum().alias("M10|n"),
        (pl.col("logged_s") / 3600.0).sum().alias("M10|d"),
        busy.sum().alias("M12|n"),
        (busy + idle).sum().alias("M12|d"),
    ]
    codes = ["M1", "M10", "M12"]
    if day_level:  # attendance counts people per day (004:L1587)
        aggs += [
            (planned & (pl.col("logged_s") > 0)).cast(pl.Float64).sum().alias("M14|n"),
            planned.cast(pl.Float64).sum().alias("M14|d"),
        ]
        codes.append("M14")
    return _long(times.group_by("period", "key").agg(aggs), codes)


# ---------------------------------------------------------------- orders and QA


def order_metrics(
    orders: pl.DataFrame, spec: dict, period: str, by: str, range_start=None, now: datetime | None = None
) -> pl.DataFrame:
    """K6–K14, cohort by the month (period) the order was accepted (004:L1309-1337).

    An order not replied whose deadline is still after `now` is not yet due: it is neither replied late nor unreplied,
    so it is left out of the numerator and the denominator of K6–K9 and K11–K14 until it is replied or its deadline
    comes (due exactly now counts: unreplied, it is late). A reply at the deadline itself is in time (004:L1317).
    `now` None: every deadline has passed (a closed period).
    """
    if orders.height == 0 or by not in ("center", "team", "agent"):
        return pl.DataFrame(schema=RESULT_SCHEMA)
    tz = spec.get("time_zone", "Asia/Shanghai")
    hours = float(spec["consultation_reply_hours"])
    c = pl.col
    df = orders.with_columns(
        consult=c("kind") == "consultation",
        complaint=c("kind") == "complaint",
        replied=c("replied_at").is_not_null(),
        satisfied=c("satisfaction") == "satisfied",
        repeat=c("is_repeat").fill_null(False),
        cross=c("is_cross_province").fill_null(False),
        key_acct=c("is_key_account").fill_null(False),
        due=pl.coalesce(c("reply_due"), c("accepted_at") + timedelta(hours=hours)),
    ).with_columns(
        timely=c("replied") & (c("replied_at") <= c("due")),
        period=_bucket(_local("accepted_at", tz), period, range_start),
        key=_key(by),
    )
    if now is None:
        df = df.with_columns(counted=pl.lit(True))
    else:
        not_yet_due = ~c("replied") & (c("due") > pl.lit(_as_utc(now), dtype=pl.Datetime("us", "UTC")))
        df = df.with_columns(counted=~not_yet_due.fill_null(False))
    sat = c("satisfied").fill_null(False)
    consult, complaint = c("consult") & c("counted"), c("complaint") & c("counted")
    sums = {
        "K6": (consult & c("replied"), consult),
        "K7": (complaint & c("replied"), complaint),
        "K8": (consult & c("timely"), consult),
        "K9": (complaint & c("timely"), complaint),
        "K10": (
            c("complaint") & c("repeat"),
            c("complaint") & ~c("repeat"),
        ),  # events, not replies: no deadline involved
        "K11": (consult & sat, consult),
        "K12": (complaint & sat, complaint),
        "K13": (complaint & c("cross") & sat, complaint & c("cross")),
        "K14": (complaint & c("key_acct") & sat, complaint & c("key_acct")),
    }
    aggs = [
        e.fill_null(False).cast(pl.Float64).sum().alias(f"{k}|{p}")
        for k, (n, d) in sums.items()
        for p, e in (("n", n), ("d", d))
    ]
    return _long(df.group_by("period", "key").agg(aggs), list(sums))


def qa_metrics(qa: pl.DataFrame, spec: dict, period: str, by: str, range_start=None) -> pl.DataFrame:
    """M11: mean monitoring score (004:L1525-1537)."""
    if qa.height == 0 or by not in ("center", "team", "agent"):
        return pl.DataFrame(schema=RESULT_SCHEMA)
    tz = spec.get("time_zone", "Asia/Shanghai")
    df = qa.with_columns(period=_bucket(_local("scored_at", tz), period, range_start), key=_key(by))
    wide = df.group_by("period", "key").agg(
        pl.col("score").sum().alias("M11|n"), pl.len().cast(pl.Float64).alias("M11|d")
    )
    return _long(wide, ["M11"])


# ---------------------------------------------------------------- the whole set


def compute(
    calls=None,
    sessions=None,
    pauses=None,
    scheduled=None,
    orders=None,
    spec: dict | None = None,
    *,
    period: str = "day",
    by: str = "center",
    qa=None,
    range_start: datetime | None = None,
    now: datetime | None = None,
) -> pl.DataFrame:
    """Every metric for every (period, breakdown key): metric, period, key, num, den."""
    return compute_runs(
        calls, sessions, pauses, scheduled, orders, spec, runs=[(period, by)], qa=qa, range_start=range_start, now=now
    )[(period, by)]


def compute_runs(
    calls=None,
    sessions=None,
    pauses=None,
    scheduled=None,
    orders=None,
    spec: dict | None = None,
    *,
    runs: list[tuple[str, str]],
    qa=None,
    range_start: datetime | None = None,
    now: datetime | None = None,
) -> dict[tuple[str, str], pl.DataFrame]:
    """Several (period, breakdown) runs over the same records; the per-call terms and agent time are built once.

    `now` (aware): the moment the figures are computed at. Orders not yet due then are left out of K6–K9/K11–K14, and
    rostered and logged-in time counts only up to it (M1, M10, M12, M14). None: a closed period, everything has passed.
    """
    if spec is None:
        raise ValueError("spec (the kpi policy) is required")
    for period, _ in runs:
        if period not in TRUNCATE and period != "range":
            raise ValueError(f"未知的统计周期：{period}")
    calls = frame(calls, CALL_COLUMNS)
    flagged = call_flags(calls, spec) if calls.height else None
    terms = preaggregate(call_terms(flagged, spec), runs) if flagged is not None else None
    sessions, pauses, scheduled = (frame(x, INTERVAL_COLUMNS) for x in (sessions, pauses, scheduled))
    orders, qa = frame(orders, ORDER_COLUMNS), frame(qa, QA_COLUMNS)
    handled = _handled(terms) if terms is not None else None
    del flagged
    cache: dict = {}
    out = {}
    for period, by in runs:
        parts = [call_metrics(terms, period, by, range_start) if terms is not None else None]
        if sessions.height or scheduled.height or (handled is not None and by in ("center", "team", "agent")):
            parts.append(
                agent_metrics(handled, sessions, pauses, scheduled, spec, period, by, range_start, cache=cache, now=now)
            )
        parts.append(order_metrics(orders, spec, period, by, range_start, now=now))
        parts.append(qa_metrics(qa, spec, period, by, range_start))
        parts = [p for p in parts if p is not None and p.height]
        out[(period, by)] = (
            pl.concat(parts, how="vertical").sort("metric", "period", "key")
            if parts
            else pl.DataFrame(schema=RESULT_SCHEMA)
        )
    return out


def _agent_table(
    handled, sessions, pauses, scheduled, spec: dict, every: str, now: datetime | None = None
) -> pl.DataFrame:
    times = agent_time(sessions, pauses, scheduled, spec, every, now)
    keys = ["agent_staff_no", "bucket"]
    if handled is not None and handled.height:
        per_bucket = handled.group_by("agent_staff_no", pl.col("local").dt.truncate(every).alias("bucket")).agg(
            pl.col("team_id").first().alias("call_team"),
            pl.col("answered_n").sum(),
            pl.col("talk").sum(),
            pl.col("hold").sum(),
            pl.col("acw").sum(),
        )
        times = times.join(per_bucket, on=keys, how="full", coalesce=True).with_columns(
            team_id=pl.coalesce("team_id", "call_team")
        )
    else:
        times = times.with_columns(answered_n=pl.lit(0.0), talk=pl.lit(0.0), hold=pl.lit(0.0), acw=pl.lit(0.0))
    return times.with_columns(
        pl.col(c).fill_null(0.0)
        for c in ("logged_s", "pause_s", "ready_s", "sched_s", "answered_n", "talk", "hold", "acw")
    )


def merge(*results: pl.DataFrame) -> pl.DataFrame:
    """Add up results computed on parts of the data (or rollups of shorter periods re-keyed to a longer one)."""
    parts = [r for r in results if r.height]
    if not parts:
        return pl.DataFrame(schema=RESULT_SCHEMA)
    return (
        pl.concat(parts)
        .group_by("metric", "period", "key")
        .agg(pl.col("num").sum(), pl.col("den").sum())
        .sort("metric", "period", "key")
    )


def turnover(staff: list[dict], start, end) -> tuple[int, int]:
    """M22 (004:L1739-1745): (leavers in [start, end), full-time staff employed at start). Dates in, counts out."""
    leavers = sum(1 for s in staff if s.get("left_on") is not None and start <= s["left_on"] < end)
    headcount = sum(
        1
        for s in staff
        if (s.get("hired_on") is None or s["hired_on"] <= start) and (s.get("left_on") is None or s["left_on"] >= start)
    )
    return leavers, headcount


# ---------------------------------------------------------------- value and status


def value_of(code: str, num: float | None, den: float | None) -> Fraction | None:
    """Exact value in display units; None when the denominator is zero (shown "—")."""
    metric = BY_CODE[code]
    if metric.kind == "count":
        return Fraction(num or 0)
    if num is None:
        return None
    if metric.kind == "count":
        return Fraction(num)
    if not den:
        return None
    return Fraction(num) / Fraction(den) * metric.scale


def band_for(code: str, spec: dict) -> dict | None:
    target = (spec.get("targets") or {}).get(code)
    if code == "M4" and target:  # 004:L1413: T ±15 % inside the 3–10 min range
        t = Fraction(str(spec["aht_target_minutes"]))
        tol = Fraction(str(spec["aht_tolerance"]))
        return {**target, "t_low": t * (1 - tol), "t_high": t * (1 + tol)}
    return target


def status_of(code: str, value: Fraction | None, spec: dict) -> str:
    """ok / warn / bad / info (no target) / na (no data), decided on the exact value before rounding."""
    if value is None:
        return "na"
    target = band_for(code, spec)
    if not target or target.get("kind") == "ref":
        return "info"
    kind = target["kind"]
    if kind == "band":
        low, high = Fraction(str(target["low"])), Fraction(str(target["high"]))
        if code == "M4":
            if target["t_low"] <= value <= target["t_high"]:
                return "ok"
            return "warn" if low <= value <= high else "bad"
        return "ok" if low <= value <= high else "bad"
    goal = Fraction(str(target["value"]))
    if kind == "ge":
        return "ok" if value >= goal else "bad"
    if kind == "le":
        return "ok" if value <= goal else "bad"
    return "ok" if value == goal else "bad"


def display(code: str, value: Fraction | None) -> str:
    """Two decimals (percent sign for rates); "—" for a zero denominator."""
    if value is None:
        return "—"
    metric = BY_CODE[code]
    if metric.kind == "count":
        return f"{int(value)}"
    text = f"{float(value):.2f}"
    return f"{text}%" if metric.unit == "%" else text


def target_text(code: str, spec: dict) -> str:
    target = band_for(code, spec)
    if not target:
        return ""
    unit = BY_CODE[code].unit
    kind = target["kind"]
    if kind == "ref":
        return f"参考 {target['value']}{unit}" if target.get("value") is not None else "—"
    if kind == "band":
        text = f"{target['low']}–{target['high']}{unit}"
        if code == "M4":
            text += f"（T={spec['aht_target_minutes']}±{int(spec['aht_tolerance'] * 100)}%：{float(target['t_low']):.2f}–{float(target['t_high']):.2f}）"
        return text
    sign = {"ge": "≥", "le": "≤", "eq": "="}[kind]
    return f"{sign} {target['value']}{unit}"
