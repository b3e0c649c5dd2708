"""Properties of the engine (hypothesis) and the SPEC's agent-time rules."""

from __future__ import annotations

from datetime import datetime, timedelta
from fractions import Fraction

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kefu.kpi import engine
from kefu.kpi.definitions import OUTCOMES
from kefu.kpi.tests.factories import UTC, call, interval, spec

START = datetime(2026, 10, 1, 0, 0, tzinfo=UTC)

call_strategy = st.builds(
    lambda outcome, wait, minute, vip, talk, hold, acw, agent, digest, transferred, fcr, requested: call(
        outcome,
        wait=wait,
        at=START + timedelta(minutes=minute),
        vip=vip,
        talk=talk,
        hold=hold,
        acw=acw,
        agent=agent,
        team=str(int(agent) % 3),
        digest=f"p{digest}",
        transferred=transferred,
        fcr=fcr,
        requested=requested,
    ),
    st.sampled_from(OUTCOMES),
    st.floats(0, 200, allow_nan=False).map(lambda x: round(x, 2)),
    st.integers(0, 60 * 24 * 20),
    st.booleans(),
    st.integers(0, 900),
    st.integers(0, 120),
    st.integers(0, 200),
    st.sampled_from(["1001", "1002", "1003", "1004"]),
    st.integers(0, 30),
    st.booleans(),
    st.sampled_from([True, False, None]),
    st.booleans(),
)
PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _table(result: pl.DataFrame) -> dict:
    return {(r["metric"], r["period"], r["key"]): (r["num"], r["den"]) for r in result.iter_rows(named=True)}


def _close(a: dict, b: dict) -> bool:
    if a.keys() != b.keys():
        return False
    return all(
        abs(a[k][0] - b[k][0]) <= 1e-6 * max(1, abs(a[k][0])) and abs(a[k][1] - b[k][1]) <= 1e-6 * max(1, abs(a[k][1]))
        for k in a
    )


@PROPS
@given(st.lists(call_strategy, min_size=1, max_size=80))
def test_total_is_the_sum_of_outcomes(rows):  # 004:L1725: total = answered + abandoned + blocked (+ own counts)
    out = _table(engine.compute(rows, spec=spec(), period="day"))
    for (metric, period, key), (num, _) in out.items():
        if metric == "M21":
            parts = sum(
                out.get((c, period, key), (0, 0))[0]
                for c in ("N_ANSWERED", "N_ABANDONED", "N_BLOCKED", "N_TIMEOUT", "N_EMPTY", "N_EXIT_KEY", "N_IVR")
            )
            assert num == parts


@PROPS
@given(st.lists(call_strategy, min_size=1, max_size=80))
def test_handle_time_is_talk_plus_acw_and_asa_ratio_of_sums(rows):  # 004:L1409, L1481
    out = _table(engine.compute(rows, spec=spec(), period="month"))
    answered = [r for r in rows if r["outcome"] == "answered"]
    for (metric, _, _), (num, den) in out.items():
        if metric == "M4":
            m9 = next(v for k, v in out.items() if k[0] == "M9")
            m2 = next(v for k, v in out.items() if k[0] == "M2")
            assert abs(num - (m9[0] + m2[0])) < 1e-6 and den == m9[1] == m2[1]
        if metric == "M8":
            assert den == len(answered)
            assert abs(num - sum(r["wait_seconds"] for r in answered)) < 1e-6


@PROPS
@given(st.lists(call_strategy, min_size=1, max_size=80))
def test_rates_within_0_and_100(rows):
    out = engine.compute(rows, spec=spec(), period="day", by="team")
    for r in out.iter_rows(named=True):
        metric = engine.BY_CODE[r["metric"]]
        if metric.unit == "%":
            v = engine.value_of(r["metric"], r["num"], r["den"])
            assert v is None or 0 <= v <= 100


@PROPS
@given(
    st.lists(call_strategy, min_size=2, max_size=80),
    st.randoms(use_true_random=False),
    st.sampled_from(["center", "team", "agent", "vip", "call_type"]),
    st.sampled_from(["half_hour", "day", "week", "month"]),
)
def test_order_and_split_do_not_matter(rows, rnd, by, period):
    """Shuffled rows give the same result; two halves (split by caller, so redial de-dup stays whole) merge to the whole."""
    s = spec()
    whole = engine.compute(rows, spec=s, period=period, by=by)
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    assert _close(_table(whole), _table(engine.compute(shuffled, spec=s, period=period, by=by)))
    left = [r for r in rows if hash(r["caller_digest"]) % 2 == 0]
    right = [r for r in rows if hash(r["caller_digest"]) % 2 == 1]
    merged = engine.merge(
        engine.compute(left, spec=s, period=period, by=by), engine.compute(right, spec=s, period=period, by=by)
    )
    assert _close(_table(whole), _table(merged))


@PROPS
@given(st.lists(call_strategy, min_size=1, max_size=60))
def test_days_add_up_to_the_month(rows):
    """Rollups of days re-keyed to their month equal the month computed directly (dashboards sum day rollups)."""
    s = spec()
    days = engine.compute(rows, spec=s, period="day").with_columns(period=pl.col("period").dt.truncate("1mo"))
    assert _close(_table(engine.merge(days)), _table(engine.compute(rows, spec=s, period="month")))


# ---------------------------------------------------------------- agent time (SPEC decisions)


def _agent(sessions, pauses=(), scheduled=(), period="day"):
    out = engine.compute(None, sessions, list(pauses), list(scheduled), spec=spec(), period=period, by="agent")
    return {
        (r["metric"], r["period"].date() if period == "day" else r["period"]): (r["num"], r["den"])
        for r in out.iter_rows(named=True)
    }


def test_logged_in_time_cut_at_local_midnight():  # SPEC: agent logged-in and pause time is cut at midnight
    # 22:00 → 02:00 Asia/Shanghai = 14:00 → 18:00 UTC
    start = datetime(2026, 10, 5, 14, 0, tzinfo=UTC)
    sched = [interval("1001", start, 240)]
    out = _agent([interval("1001", start, 240)], scheduled=sched)
    from datetime import date

    assert out[("M1", date(2026, 10, 5))] == (7200.0, 7200.0)
    assert out[("M1", date(2026, 10, 6))] == (7200.0, 7200.0)


def test_sessions_in_several_queues_are_merged_not_added():  # SPEC
    start = datetime(2026, 10, 5, 1, 0, tzinfo=UTC)
    sessions = [
        interval("1001", start, 120),
        interval("1001", start + timedelta(minutes=60), 120),
    ]  # q1 and q2 overlap 1 h
    out = _agent(sessions, scheduled=[interval("1001", start, 180)])
    assert out[next(k for k in out if k[0] == "M1")] == (10800.0, 10800.0)  # 3 h, not 4 h


def test_pause_without_unpause_ends_at_logoff():  # SPEC
    start = datetime(2026, 10, 5, 1, 0, tzinfo=UTC)
    sessions = [interval("1001", start, 240)]
    pauses = [interval("1001", start + timedelta(minutes=180), None)]  # no UNPAUSE: ends at logoff, 60 min
    out = _agent(sessions, pauses, scheduled=[interval("1001", start, 240)])
    m1 = out[next(k for k in out if k[0] == "M1")]
    assert m1 == (10800.0, 14400.0)
    assert engine.value_of("M1", *m1) == Fraction(75)


def test_half_hour_buckets_cut_sessions():  # 004:L1481 ASA and agent time per half hour
    start = datetime(2026, 10, 5, 1, 10, tzinfo=UTC)  # 09:10 local
    out = _agent([interval("1001", start, 50)], scheduled=[interval("1001", start, 50)], period="half_hour")
    got = {k[1].strftime("%H:%M"): v for k, v in out.items() if k[0] == "M1"}
    assert got == {"09:00": (1200.0, 1200.0), "09:30": (1800.0, 1800.0)}


def test_call_counts_on_the_local_day_it_entered_the_queue():  # SPEC: talk after midnight included
    at = datetime(2026, 10, 5, 15, 59, 50, tzinfo=UTC)  # 23:59:50 local
    out = engine.compute([call("answered", at=at, talk=600)], spec=spec(), period="day")
    days = {r["period"].date().isoformat() for r in out.iter_rows(named=True) if r["metric"] == "M9"}
    assert days == {"2026-10-05"}
