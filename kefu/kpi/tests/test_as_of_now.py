"""Figures of a period that is not over yet (today, this month): computed as of `now`, hand-computed fixtures.

- K6–K9, K11–K14 (004:L1309-1337): an order whose deadline is still after now is neither late nor unreplied;
- M1, M14 (004:L1343-1349, L1585-1591): only the rostered time up to now is planned time so far;
- M10, M12 (004:L1513-1523, L1539-1545) at a team of 4 agents: both targets can be met at once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest

from kefu.kpi import engine
from kefu.kpi.tests.factories import BASE, calls, interval, order, spec

CENTER = engine.CENTER_KEY
NOW = BASE + timedelta(hours=10)  # 2026-10-05 20:00 Asia/Shanghai; every order below is accepted at BASE (10:00)


def table(out):
    return {(r["metric"], r["key"]): (r["num"], r["den"]) for r in out.iter_rows(named=True)}


def _orders():
    h = timedelta(hours=1)
    return [
        # complaints (reply_due = the level deadline, 004:L1293-1299)
        order(
            "complaint", replied_after=2 * h, due_after=48 * h, satisfaction="satisfied", cross=True, key_account=True
        ),  # A
        order("complaint", due_after=48 * h, cross=True, key_account=True),  # B: not replied, due in 38 h: not yet due
        order("complaint", due_after=10 * h),  # C: not replied, due exactly now: late
        order(
            "complaint", replied_after=5 * h, due_after=5 * h, satisfaction="satisfied"
        ),  # D: replied at the deadline
        order("complaint", replied_after=6 * h, due_after=4 * h, satisfaction="dissatisfied"),  # E: replied late
        order("complaint", due_after=8 * h),  # F: not replied, deadline passed 2 h ago
        # consultations (no deadline of their own: consultation_reply_hours = 24 h)
        order("consultation", replied_after=1 * h, due_after=None, satisfaction="satisfied"),  # c1: replied in time
        order("consultation", due_after=None),  # c2: not replied, due at +24 h: not yet due
        order("consultation", due_after=10 * h),  # c3: not replied, due exactly now: late
    ]


def test_orders_not_yet_due_are_neither_late_nor_unreplied():  # 004:L1309-1321, L1329-1337
    got = table(engine.compute(orders=_orders(), spec=spec(), period="month", now=NOW))
    # counted complaints: A, C, D, E, F (B is not yet due); counted consultations: c1, c3 (c2 is not yet due)
    assert got[("K7", CENTER)] == (3.0, 5.0)  # 004:L1313-1315 replied: A, D, E
    assert got[("K9", CENTER)] == (2.0, 5.0)  # 004:L1317,L1321 in time: A, D (at the deadline itself); C, E, F late
    assert got[("K6", CENTER)] == (1.0, 2.0)  # 004:L1309-1311 replied: c1
    assert got[("K8", CENTER)] == (1.0, 2.0)  # 004:L1317-1319 in time: c1; c3 due exactly now and unreplied: late
    assert got[("K11", CENTER)] == (1.0, 2.0)  # 004:L1329-1331 satisfied: c1, of all counted consultations
    assert got[("K12", CENTER)] == (2.0, 5.0)  # 004:L1333 satisfied: A, D
    assert got[("K13", CENTER)] == (1.0, 1.0)  # 004:L1335 cross-province: A (B not yet due)
    assert got[("K14", CENTER)] == (1.0, 1.0)  # 004:L1337 key accounts: A (B not yet due)
    assert engine.value_of("K9", *got[("K9", CENTER)]) == Fraction(40)
    # K10 counts complaint events, not replies: every complaint stays in it (004:L1323-1327)
    assert got[("K10", CENTER)] == (0.0, 6.0)


def test_a_reply_in_time_counts_before_the_deadline_comes():  # 004:L1317 counted on time once replied in time
    rows = [order("complaint", replied_after=timedelta(hours=1), due_after=timedelta(hours=48))]
    got = table(engine.compute(orders=rows, spec=spec(), period="month", now=NOW))
    assert got[("K7", CENTER)] == (1.0, 1.0) and got[("K9", CENTER)] == (1.0, 1.0)


def test_once_every_deadline_has_passed_every_order_counts():  # 004:L1313-1321, a closed month
    later = BASE + timedelta(days=40)
    for now in (later, None):  # None: a closed period
        got = table(engine.compute(orders=_orders(), spec=spec(), period="month", now=now))
        assert got[("K7", CENTER)] == (3.0, 6.0) and got[("K9", CENTER)] == (2.0, 6.0)
        assert got[("K6", CENTER)] == (1.0, 3.0) and got[("K8", CENTER)] == (1.0, 3.0)
        assert got[("K13", CENTER)] == (1.0, 2.0)


# ---------------------------------------------------------------- rostered time of an unfinished day

LOCAL_8 = datetime(2026, 10, 5, 0, 0, tzinfo=UTC)  # 08:00 Asia/Shanghai
DAY_NOW = LOCAL_8 + timedelta(hours=4)  # 12:00 local


def _day():
    m = 60
    scheduled = [
        interval("1001", LOCAL_8 - timedelta(hours=1), 4 * m),  # 07:00–11:00: over
        interval("1002", LOCAL_8 + timedelta(hours=2), 8 * m),  # 10:00–18:00: running, 120 min so far
        interval("1004", LOCAL_8 + timedelta(hours=1), 8 * m),  # 09:00–17:00: running, 180 min so far, not logged in
        interval("1003", LOCAL_8 + timedelta(hours=6), 8 * m),  # 14:00–22:00: not started
        interval("1005", DAY_NOW, 8 * m),  # 12:00–20:00: starts exactly now, not started
    ]
    sessions = [
        interval("1001", LOCAL_8 - timedelta(hours=1), 4 * m),
        interval("1002", LOCAL_8 + timedelta(hours=2), 2 * m),
    ]  # logged in since 10:00
    pauses = [interval("1001", LOCAL_8, 30)]
    return sessions, pauses, scheduled


def test_today_counts_rostered_time_up_to_now_only():  # 004:L1343-1349 (M1), 004:L1585-1591 (M14)
    sessions, pauses, scheduled = _day()
    got = table(
        engine.compute(sessions=sessions, pauses=pauses, scheduled=scheduled, spec=spec(), period="day", now=DAY_NOW)
    )
    # M1: ready 1001 210 min + 1002 120 min over rostered-so-far 240 + 120 + 180 min (1003, 1005 not started)
    assert got[("M1", CENTER)] == (330 * 60.0, 540 * 60.0)
    assert engine.value_of("M1", *got[("M1", CENTER)]) == Fraction(550, 9)  # 61.11 %
    # M14: planned so far 1001, 1002, 1004; working 1001, 1002
    assert got[("M14", CENTER)] == (2.0, 3.0)


def test_a_finished_day_counts_every_shift():  # 004:L1343-1349, L1585-1591
    sessions, pauses, scheduled = _day()
    got = table(
        engine.compute(
            sessions=sessions,
            pauses=pauses,
            scheduled=scheduled,
            spec=spec(),
            period="day",
            now=LOCAL_8 + timedelta(days=1),
        )
    )
    assert got[("M1", CENTER)] == (330 * 60.0, (4 + 8 * 4) * 3600.0)
    assert got[("M14", CENTER)] == (2.0, 5.0)


@pytest.mark.django_db
def test_todays_stored_rollup_counts_rostered_time_and_orders_up_to_now(center, monkeypatch):
    # The timer refreshes today's rollups every 15 minutes (kpi.refresh_recent): as of the time it runs.
    from django.utils import timezone as djtz

    from kefu.kpi import selectors, services

    monkeypatch.setattr(djtz, "now", lambda: DAY_NOW)
    sessions, pauses, scheduled = _day()
    frames = {
        "sessions": engine.frame(sessions, engine.INTERVAL_COLUMNS),
        "pauses": engine.frame(pauses, engine.INTERVAL_COLUMNS),
        "scheduled": engine.frame(scheduled, engine.INTERVAL_COLUMNS),
        "orders": engine.frame(
            [
                order("complaint", accepted=LOCAL_8, replied_after=timedelta(hours=1), due_after=timedelta(hours=2)),
                order("complaint", accepted=LOCAL_8, due_after=timedelta(hours=48)),  # not yet due at 12:00
                order("complaint", accepted=LOCAL_8, due_after=timedelta(hours=3)),  # late since 11:00
            ],
            engine.ORDER_COLUMNS,
        ),
    }
    services.refresh_rollups(center, date(2026, 10, 5), date(2026, 10, 5), frames=frames)
    got = selectors.summed(center, date(2026, 10, 5), date(2026, 10, 6), "center")
    assert got[("M1", CENTER)] == (330 * 60.0, 540 * 60.0)  # 004:L1345
    assert got[("M14", CENTER)] == (2.0, 3.0)  # 004:L1587
    assert got[("K9", CENTER)] == (1.0, 2.0)  # 004:L1317: at 12:00 the complaint due in 44 h is not yet due


# ---------------------------------------------------------------- M10 and M12 at a team of four


def test_m10_and_m12_are_both_met_by_a_team_of_four():  # 004:L1513-1523 (M10), 004:L1539-1545 (M12)
    # Neither formula has the team's size in it (answered ÷ logged hours; (talk+hold) ÷ (talk+hold+idle)), so no share of
    # agents is rounded. Four agents, each 1 h logged in, 12 calls of 250 s talk + 20 s hold + 10 s ACW:
    # busy 3,240 s, idle 3,600 − 3,240 − 120 = 240 s → M12 = 3,240 / 3,480 = 93.10 %, M10 = 12 calls/h.
    start = LOCAL_8
    agents = ["1001", "1002", "1003", "1004"]
    rows = [
        c
        for a in agents
        for c in calls(12, "answered", talk=250, hold=20, acw=10, agent=a, at=start + timedelta(minutes=5))
    ]
    sessions = [interval(a, start, 60) for a in agents]
    s = spec()
    for by, keys in (("team", ["1"]), ("agent", agents), ("center", [CENTER])):
        got = table(engine.compute(rows, sessions, spec=s, period="day", by=by))
        for k in keys:
            m10, m12 = engine.value_of("M10", *got[("M10", k)]), engine.value_of("M12", *got[("M12", k)])
            assert m10 == Fraction(12) and m12 == Fraction(27, 29) * 100
            assert engine.status_of("M10", m10, s) == engine.status_of("M12", m12, s) == "ok"


@pytest.mark.django_db
def test_a_past_days_orders_are_recounted_once_due(center):  # 004:L1317,L1321 cohort by day accepted
    from kefu.kpi import selectors, services
    from kefu.kpi.models import Rollup

    rows = engine.frame(
        [
            order("complaint", accepted=LOCAL_8, replied_after=timedelta(hours=1), due_after=timedelta(hours=2)),
            order("complaint", accepted=LOCAL_8, due_after=timedelta(hours=48)),  # never replied
        ],
        engine.ORDER_COLUMNS,
    )
    day = date(2026, 10, 5)
    services.refresh_rollups(center, day, day, frames={"orders": rows}, now=LOCAL_8 + timedelta(hours=12))
    assert selectors.summed(center, day, day + timedelta(days=1), "center")[("K9", CENTER)] == (1.0, 1.0)
    calls_rollup = Rollup.objects.create(
        center=center,
        metric="M21",
        period_kind="day",
        breakdown="center",
        key=CENTER,
        period_start=selectors.local_midnight(center, day),
        numerator=7,
        denominator=0,
    )
    # three days later the second complaint is past its deadline: late and unreplied (K7, K9); other metrics untouched
    services.refresh_order_rollups(center, day, day, orders=rows, now=LOCAL_8 + timedelta(days=3))
    got = selectors.summed(center, day, day + timedelta(days=1), "center")
    assert got[("K9", CENTER)] == (1.0, 2.0) and got[("K7", CENTER)] == (1.0, 2.0)
    month = selectors.summed(center, date(2026, 10, 1), date(2026, 11, 1), "center")
    assert month[("K9", CENTER)] == (1.0, 2.0)
    assert Rollup.objects.filter(pk=calls_rollup.pk).exists()
    agent = selectors.summed(center, day, day + timedelta(days=1), "agent")
    assert agent[("K9", "1001")] == (1.0, 2.0)
