"""The hand-computed fixtures of requirements-D §9.1–9.2 (seed 004, chapter 4), each citing its seed line.

Expected values are computed by hand in the catalogue, never by the code under test.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from fractions import Fraction

import pytest

from kefu.kpi import engine
from kefu.kpi.tests.factories import BASE, UTC, call, calls, interval, order, orders, spec


def run(
    call_rows=(), *, orders_rows=(), sessions=(), pauses=(), scheduled=(), qa=(), period="month", by="center", **changes
):
    s = spec(**changes)
    out = engine.compute(
        list(call_rows),
        list(sessions),
        list(pauses),
        list(scheduled),
        list(orders_rows),
        s,
        period=period,
        by=by,
        qa=list(qa),
    )
    return {(r["metric"], r["key"]): (r["num"], r["den"]) for r in out.iter_rows(named=True)}, s


def value(res, code, key=engine.CENTER_KEY):
    num, den = res[0].get((code, key), (None, None))
    return engine.value_of(code, num, den)


def status(res, code, key=engine.CENTER_KEY):
    return engine.status_of(code, value(res, code, key), res[1])


# ---------------------------------------------------------------- 9.1 China Mobile KPIs


@pytest.mark.parametrize(
    "through,expected,state",
    [(8600, Fraction(86), "ok"), (8500, Fraction(85), "ok"), (8499, Fraction(8499, 100), "bad")],
)
def test_k1_connect_rate(through, expected, state):  # 004:L1301-1303, fixture 1
    rows = calls(through, "answered") + calls(10000 - through, "blocked", requested=False)
    res = run(rows, dedup_blocked_redials=False)
    assert value(res, "K1") == expected and status(res, "K1") == state


def _k2_month():
    # fixture 2/3: 2,000 agent requests; 1,700 answered ≤ 60 s (300 of them > 15 s); 100 answered > 60 s; 200 abandoned
    return (
        calls(1400, "answered", wait=10)
        + calls(300, "answered", wait=40)
        + calls(100, "answered", wait=75)
        + calls(200, "abandoned", wait=30)
    )


def test_k2_agent_answer_rate_60s_rule():  # 004:L1305, fixture 2
    res = run(_k2_month())
    assert value(res, "K2") == Fraction(85) and status(res, "K2") == "ok"
    assert res[0][("K2", engine.CENTER_KEY)] == (1700.0, 2000.0)  # not 1,800 (the 60 s rule applies)


@pytest.mark.parametrize("wait,answered", [(60.0, True), (60.1, False)])
def test_k2_boundary_60s(wait, answered):  # 004:L1305 "超过60秒" — exactly 60 s is still answered
    res = run([call("answered", wait=wait)])
    assert value(res, "K2") == (Fraction(100) if answered else Fraction(0))


def test_k4_timeout_rate_reading_a_and_b():  # 004:L1307, fixture 3
    a = run(_k2_month(), timeout_reading="A")
    assert a[0][("K4", engine.CENTER_KEY)] == (400.0, 1800.0)
    assert value(a, "K4") == Fraction(400, 1800) * 100 and status(a, "K4") == "bad"  # 22.22 % > 20 %
    assert engine.display("K4", value(a, "K4")) == "22.22%"
    b = run(_k2_month(), timeout_reading="B")
    assert b[0][("K4", engine.CENTER_KEY)] == (300.0, 1700.0)
    assert engine.display("K4", value(b, "K4")) == "17.65%" and status(b, "K4") == "ok"


@pytest.mark.parametrize("wait,timeout", [(15.0, False), (15.01, True)])
def test_k4_boundary_15s(wait, timeout):  # 004:L1307 应答时限 15 秒: exactly 15 s is on time
    res = run([call("answered", wait=wait)])
    assert value(res, "K4") == (Fraction(100) if timeout else Fraction(0))


@pytest.mark.parametrize("late,expected,state", [(38, Fraction(10), "ok"), (39, Fraction(3900, 380), "bad")])
def test_k3_k5_vip(late, expected, state):  # 004:L1301, L1307, fixture 4
    rows = (
        calls(380 - late, "answered", wait=10, vip=True)
        + calls(late, "answered", wait=20, vip=True)
        + calls(20, "abandoned", wait=70, vip=True)
        + calls(50, "answered", wait=50)
    )  # non-VIP calls do not count
    res = run(rows)
    assert value(res, "K3") == Fraction(95) and status(res, "K3") == "ok"
    assert value(res, "K5") == expected and status(res, "K5") == state
    if late == 39:
        assert engine.display("K5", value(res, "K5")) == "10.26%"


@pytest.mark.parametrize("replied,state", [(5000, "ok"), (4999, "bad")])
def test_k6_k7_reply_rates(replied, state):  # 004:L1309-1315, fixture 5
    rows = (
        orders(replied, "consultation", replied_after=timedelta(hours=1))
        + orders(5000 - replied, "consultation")
        + orders(replied, "complaint", replied_after=timedelta(hours=1))
        + orders(5000 - replied, "complaint")
    )
    res = run(orders_rows=rows)
    for code in ("K6", "K7"):
        assert status(res, code) == state
    assert engine.display("K6", value(res, "K6")) == ("100.00%" if replied == 5000 else "99.98%")


@pytest.mark.parametrize("events,expected,state", [(1000, Fraction(1000, 990), "bad"), (1010, Fraction(1), "ok")])
def test_k10_repeat_complaint_denominator(events, expected, state):  # 004:L1323-1327, fixture 6
    rows = orders(10, "complaint", repeat=True) + orders(events - 10, "complaint")
    res = run(orders_rows=rows)
    assert value(res, "K10") == expected and status(res, "K10") == state
    if events == 1000:
        assert engine.display("K10", value(res, "K10")) == "1.01%"


def test_k11_satisfaction_over_all_consultations():  # 004:L1329-1331, fixture 7
    rows = (
        orders(2900, "consultation", satisfaction="satisfied")
        + orders(100, "consultation", satisfaction="dissatisfied")
        + orders(2000, "consultation")
    )  # not surveyed
    res = run(orders_rows=rows)
    assert value(res, "K11") == Fraction(58) and status(res, "K11") == "bad"


@pytest.mark.parametrize("key_satisfied,state", [(57, "ok"), (56, "bad")])
def test_k12_k13_k14_complaint_satisfaction(key_satisfied, state):  # 004:L1333-1337, fixture 8
    rows = (
        orders(34, "complaint", cross=True, satisfaction="satisfied")
        + orders(6, "complaint", cross=True, satisfaction="dissatisfied")
        + orders(key_satisfied, "complaint", key_account=True, satisfaction="satisfied")
        + orders(60 - key_satisfied, "complaint", key_account=True, satisfaction="dissatisfied")
        + orders(720 - 34 - key_satisfied, "complaint", satisfaction="satisfied")
        + orders(800 - 720 - 6 - (60 - key_satisfied), "complaint")
    )
    res = run(orders_rows=rows)
    assert value(res, "K12") == Fraction(90) and status(res, "K12") == "ok"
    assert value(res, "K13") == Fraction(85) and status(res, "K13") == "ok"
    assert status(res, "K14") == state
    assert engine.display("K14", value(res, "K14")) == ("95.00%" if key_satisfied == 57 else "93.33%")


def test_k9_complaint_replied_one_minute_late():  # 004:L1297, L1321, fixture 9: L3 due Thu 2024-03-07 17:00
    accepted = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)  # Fri 17:00 Asia/Shanghai
    due = datetime(2024, 3, 7, 9, 0, tzinfo=UTC)
    late = order(
        "complaint", accepted=accepted, replied_after=due - accepted + timedelta(minutes=1), due_after=due - accepted
    )
    on_time = order("complaint", accepted=accepted, replied_after=due - accepted, due_after=due - accepted)
    res = run(orders_rows=[late, on_time])
    assert res[0][("K9", engine.CENTER_KEY)] == (1.0, 2.0)
    assert res[0][("K7", engine.CENTER_KEY)] == (2.0, 2.0)


def test_k8_consultation_without_due_uses_policy_hours():  # 004:L1317-1319: 规定时间 from policy (24 h default)
    rows = [
        order("consultation", replied_after=timedelta(hours=24), due_after=None),
        order("consultation", replied_after=timedelta(hours=24, seconds=1), due_after=None),
    ]
    res = run(orders_rows=rows)
    assert res[0][("K8", engine.CENTER_KEY)] == (1.0, 2.0)


def test_zero_denominators_show_dash():  # SPEC: a zero denominator shows "—", never 0 % or 100 %
    res = run([call("blocked", requested=False)])
    for code in ("K2", "K4", "M8", "M19"):
        assert value(res, code) is None and engine.display(code, value(res, code)) == "—"
        assert status(res, code) == "na"


def test_compare_before_rounding():  # SPEC: 84.996 % fails ≥ 85 % although it rounds to 85.00
    s = spec()
    v = engine.value_of("K1", 84996, 100000)
    assert engine.display("K1", v) == "85.00%" and engine.status_of("K1", v, s) == "bad"


# ---------------------------------------------------------------- 9.2 operational metrics

D = datetime(2026, 10, 5, 0, 0, tzinfo=UTC)  # 08:00 Asia/Shanghai


@pytest.mark.parametrize(
    "ready,expected,state", [(450, Fraction(9375, 100), "ok"), (440, Fraction(440 * 100, 480), "bad")]
)
def test_m1_adherence(ready, expected, state):  # 004:L1343-1349, fixture 10
    sessions = [interval("1001", D, 480)]
    pauses = [interval("1001", D + timedelta(minutes=120), 480 - ready)]
    res = run(sessions=sessions, pauses=pauses, scheduled=[interval("1001", D, 480)], period="day")
    assert value(res, "M1") == expected and status(res, "M1") == state


def test_m12_occupancy_excludes_acw():  # 004:L1539-1545, fixture 11: 21,000 / 23,000 = 91.30 %
    # 70 calls × 300 s talk = 21,000 s minus; hold 1,000; ACW 70 × 60 = 4,200; ready = talk+hold+acw+idle 2,000
    rows = calls(70, "answered", talk=20000 / 70, hold=1000 / 70, acw=60, at=D + timedelta(hours=1))
    ready_seconds = 20000 + 1000 + 4200 + 2000
    res = run(rows, sessions=[interval("1001", D, ready_seconds / 60)], period="day")
    assert value(res, "M12") == pytest.approx(Fraction(21000, 23000) * 100, rel=1e-12)
    assert engine.display("M12", value(res, "M12")) == "91.30%" and status(res, "M12") == "ok"


def test_m8_asa_is_ratio_of_sums():  # 004:L1477-1483, fixture 12: 36,000 s / 1,800 answered = 20.0 s
    rows = calls(900, "answered", wait=5) + calls(900, "answered", wait=35) + calls(50, "abandoned", wait=100)
    res = run(rows)
    assert value(res, "M8") == Fraction(20) and status(res, "M8") == "ok"


def test_m20_service_level_strictly_under_x():  # 004:L1703-1709, fixture 13
    rows = calls(800, "answered", wait=19.99) + calls(1, "answered", wait=20.0) + calls(199, "answered", wait=40)
    res = run(rows)
    assert value(res, "M20") == Fraction(80) and status(res, "M20") == "ok"


def test_m13_short_abandons_removed_both_sides():  # 004:L1551-1557, fixture 14: 40 / 980 = 4.08 %
    rows = calls(940, "answered") + calls(20, "abandoned", wait=20.0) + calls(40, "abandoned", wait=45)
    res = run(rows)
    assert res[0][("M13", engine.CENTER_KEY)] == (40.0, 980.0)
    assert engine.display("M13", value(res, "M13")) == "4.08%" and status(res, "M13") == "ok"
    # short abandons leave M20's denominator too (SPEC)
    assert res[0][("M20", engine.CENTER_KEY)][1] == 980.0


def test_m21_total_and_m15_busy_rate():  # 004:L1725, L1599-1605, fixture 15
    rows = calls(900, "answered") + calls(60, "abandoned", wait=40) + calls(40, "blocked", requested=False)
    res = run(rows)
    total = res[0][("M21", engine.CENTER_KEY)][0]
    parts = sum(res[0][(c, engine.CENTER_KEY)][0] for c in ("N_ANSWERED", "N_ABANDONED", "N_BLOCKED"))
    assert total == parts == 1000
    assert value(res, "M15") == Fraction(4) and status(res, "M15") == "bad"


def test_m15_redials_deduplicated():  # 004:L1617-1621, fixture 15: 25 / 985 = 2.54 %
    rows = calls(900, "answered") + calls(60, "abandoned", wait=40)
    for i in range(25):  # 25 blocked customers; 15 of them redial (blocked again) within the window
        rows.append(call("blocked", requested=False, digest=f"n{i}", at=BASE))
        if i < 15:
            rows.append(call("blocked", requested=False, digest=f"n{i}", at=BASE + timedelta(days=1)))
    res = run(rows)
    assert res[0][("M15", engine.CENTER_KEY)] == (25.0, 985.0)
    assert engine.display("M15", value(res, "M15")) == "2.54%" and status(res, "M15") == "ok"
    outside = run(
        [call("blocked", digest="x", at=BASE), call("blocked", digest="x", at=BASE + timedelta(days=30, seconds=1))],
        period="range",
    )
    assert outside[0][("M15", engine.CENTER_KEY)] == (2.0, 2.0)  # a redial after 30 days is a new customer


def test_m19_percent_answered():  # 004:L1679-1685, fixture 16
    res = run(calls(980, "answered") + calls(20, "abandoned", wait=30))
    assert value(res, "M19") == Fraction(98) and status(res, "M19") == "ok"


def test_m17_queue_placement():  # 004:L1641-1647, fixture 17
    res = run(calls(150, "answered", queued=True) + calls(850, "answered", queued=False, wait=0))
    assert value(res, "M17") == Fraction(15) and status(res, "M17") == "ok"


def test_m18_transfer_rate():  # 004:L1653-1659, fixture 18: 3 % vs recommended 1 %
    res = run(calls(30, "answered", transferred=True) + calls(970, "answered"))
    assert value(res, "M18") == Fraction(3) and status(res, "M18") == "bad"


@pytest.mark.parametrize("resolved,state", [(850, "ok"), (849, "bad")])
def test_m16_fcr(resolved, state):  # 004:L1625-1631, fixture 19
    res = run(calls(resolved, "answered", fcr=True) + calls(1000 - resolved, "answered", fcr=False))
    assert value(res, "M16") == Fraction(resolved, 10) and status(res, "M16") == state


def test_m4_aht_band():  # 004:L1407-1413, fixture 20: 300 + 60 = 6.0 min; T = 6 ± 15 % → 5.1–6.9
    res = run(calls(10, "answered", talk=300, acw=60))
    assert value(res, "M4") == Fraction(6) and status(res, "M4") == "ok"
    band = engine.band_for("M4", res[1])
    assert (band["t_low"], band["t_high"]) == (Fraction(51, 10), Fraction(69, 10))
    assert engine.status_of("M4", Fraction(8), res[1]) == "warn"  # inside 3–10 min, outside T ± 15 %
    assert engine.status_of("M4", Fraction(11), res[1]) == "bad"


@pytest.mark.parametrize("talk,state", [(300, "ok"), (360, "ok"), (361, "bad")])
def test_m9_talk_time(talk, state):  # 004:L1491-1497, fixture 21
    res = run(calls(5, "answered", talk=talk, transferred=True))  # transferred calls count (SPEC)
    assert value(res, "M9") == Fraction(talk) and status(res, "M9") == state


def test_m10_calls_per_hour():  # 004:L1513-1523, fixture 22: 120 / 6.5 h = 18.46
    rows = calls(120, "answered", at=D + timedelta(hours=1))
    res = run(rows, sessions=[interval("1001", D, 390)], period="day", by="agent")
    assert engine.display("M10", value(res, "M10", "1001")) == "18.46"


def test_m14_attendance():  # 004:L1585-1591, fixture 23: 19 of 20 planned = 95 %
    scheduled = [interval(str(2000 + i), D, 480) for i in range(20)]
    sessions = [interval(str(2000 + i), D, 480) for i in range(19)]
    res = run(sessions=sessions, scheduled=scheduled, period="day")
    assert value(res, "M14") == Fraction(95) and status(res, "M14") == "ok"


def test_m22_turnover():  # 004:L1739-1745, L1757, fixture 24
    from datetime import date

    staff = [{"hired_on": date(2020, 1, 1), "left_on": None} for _ in range(40)]
    for s in staff[:6]:
        s["left_on"] = date(2026, 5, 1)
    leavers, headcount = engine.turnover(staff, date(2026, 1, 1), date(2027, 1, 1))
    v = engine.value_of("M22", leavers, headcount)
    assert v == Fraction(15) and engine.status_of("M22", v, spec()) == "ok"
    assert engine.status_of("M22", engine.value_of("M22", 3, 40), spec()) == "bad"  # 7.5 %: too low (004:L1757)


def test_m5_m6_m7_m3_ranges():  # 004:L1429, L1449, L1463, L1399, fixture 25
    res = run(calls(4, "answered", hold=65, rings=5, wait=95) + calls(2, "abandoned", wait=60))
    assert value(res, "M5") == 65 and status(res, "M5") == "bad"
    assert value(res, "M6") == 5 and status(res, "M6") == "bad"
    assert value(res, "M7") == 95 and status(res, "M7") == "bad"
    assert value(res, "M3") == 60 and status(res, "M3") == "info"  # reference value only
    zero = run(calls(4, "answered", wait=0))
    assert value(zero, "M7") == 0 and status(zero, "M7") == "bad"  # zero queue time is uneconomical (004:L1463)


def test_misdial_share():  # 004:L1577, fixture 26: many hang-ups within 1–5 s are misdials
    rows = calls(6, "abandoned", wait=3) + calls(4, "abandoned", wait=40) + calls(90, "answered")
    res = run(rows)
    assert value(res, "MISDIAL") == Fraction(60) and status(res, "MISDIAL") == "bad"


def test_m2_acw_center_average():  # 004:L1365: ACW target 60 s center average
    res = run(calls(3, "answered", acw=60) + calls(1, "answered", acw=61))
    assert value(res, "M2") == Fraction(241, 4) and status(res, "M2") == "bad"
    assert status(run(calls(2, "answered", acw=60)), "M2") == "ok"


def test_m11_qa_score_mean():  # 004:L1525-1537: 4–5 monitored calls per agent per month
    qa = [{"agent_staff_no": "1001", "team_id": "1", "scored_at": BASE, "score": s} for s in (90, 85, 95, 80)]
    res = run(qa=qa, by="agent")
    assert value(res, "M11", "1001") == Fraction(350, 4)


def test_timeouts_and_empty_are_not_abandons():  # SPEC: EXITWITHTIMEOUT / EXITEMPTY stay in offered and denominators
    rows = calls(8, "answered", wait=10) + calls(1, "timeout", wait=300) + calls(1, "empty", wait=0)
    res = run(rows)
    assert res[0][("M13", engine.CENTER_KEY)] == (0.0, 10.0)
    assert res[0][("M19", engine.CENTER_KEY)] == (8.0, 10.0)
    assert res[0][("N_TIMEOUT", engine.CENTER_KEY)][0] == 1 and res[0][("N_EMPTY", engine.CENTER_KEY)][0] == 1
