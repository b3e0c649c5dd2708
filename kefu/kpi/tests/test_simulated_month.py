"""KPIs from simulated calls agree with the simulator's own ground-truth counters (kefu.telephony.simulator)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kefu.kpi import engine
from kefu.kpi.tests.factories import spec

simulator = pytest.importorskip("kefu.telephony.simulator")

UTC = UTC


def _rows(result):
    cfg = result.config
    at = lambda s: None if s is None else cfg.start + timedelta(seconds=s)  # noqa: E731
    return [
        {
            "call_id": c.call_id,
            "offered_at": at(c.offered),
            "outcome": c.outcome,
            "requested_agent": c.outcome != "ivr",
            "queued": c.queued,
            "is_vip": c.is_vip,
            "call_type": c.call_type,
            "queue": cfg.queue,
            "wait_seconds": float(c.wait),
            "talk_seconds": float(c.talk),
            "hold_seconds": float(c.hold),
            "acw_seconds": float(c.acw),
            "transferred": bool(c.transfer_kind),
            "agent_staff_no": c.agent,
            "team_id": "1",
            "caller_digest": c.caller,
        }
        for c in result.calls
    ]


@pytest.fixture(scope="module")
def simulated():
    cfg = simulator.SimConfig(
        start=datetime(2026, 10, 4, 16, 0, tzinfo=UTC),  # 2026-10-05 00:00 Asia/Shanghai
        duration_seconds=3 * 86400,
        calls_per_day=4000,
        seed=7,
        trunks=10,
        vip_share=0.1,
        ivr_only_share=0.1,
        queue_timeout_seconds=400,
        hold_share=0.2,
        hold=simulator.Dist("exponential", 40),
        acw=simulator.Dist("exponential", 50),
        transfer_share=0.04,
        agents=[
            simulator.AgentShift(f"{3001 + day * 10 + i}", day * 86400 + 8 * 3600, day * 86400 + 20 * 3600)
            for day in range(3)
            for i in range(9)
        ],
    )
    return simulator.simulate(cfg)


def test_counts_agree_with_ground_truth(simulated):  # 004:L1725 total = answered + abandoned + blocked (+ own counts)
    c = simulated.counters
    s = spec(dedup_blocked_redials=False)
    out = engine.compute(_rows(simulated), spec=s, period="range")
    t = {r["metric"]: (r["num"], r["den"]) for r in out.iter_rows(named=True)}
    assert t["M21"][0] == c.attempts
    assert t["N_BLOCKED"][0] == c.blocked and t["N_ANSWERED"][0] == c.answered and t["N_ABANDONED"][0] == c.abandoned
    assert t["N_TIMEOUT"][0] == c.timeouts and t["N_EMPTY"][0] == c.empty and t["N_IVR"][0] == c.ivr
    assert t["N_SHORT_ABANDON"][0] == c.short_abandoned  # ≤ 20 s (004:L1555)
    assert t["M8"] == (c.wait_answered, c.answered)  # ASA: ratio of sums (004:L1481)
    assert t["M3"] == (c.wait_abandoned, c.abandoned)
    assert t["M9"] == (c.talk, c.answered) and t["M2"] == (c.acw, c.answered)
    assert t["M4"][0] == c.talk + c.acw  # 004:L1409
    assert t["M18"] == (c.transferred, c.answered)
    # service level: strictly under 20 s (004:L1709); the denominator drops short abandons (SPEC)
    assert t["M20"][0] == c.answered_under[20]
    assert t["M20"][1] == c.offered - c.short_abandoned
    assert t["K4"][0] == c.answered - c.answered_under[15] - sum(
        1 for x in simulated.calls if x.outcome == "answered" and x.wait == 15
    )
    assert t["K3"][1] == c.vip_offered
    assert t["M15"] == (c.blocked, c.attempts)
    assert c.timeouts + c.empty > 0
    assert c.attempts > 3000 and c.blocked > 0 and c.abandoned > 0  # the scenario exercises every branch


def test_agent_time_agrees_with_ground_truth(simulated):  # 004:L1515 calls per hour; 004:L1541 occupancy inputs
    cfg = simulated.config
    from kefu.telephony import queue_log

    parsed = queue_log.parse(simulated.queue_log.splitlines())  # logoff after the last call, as the ACD wrote it
    sessions = [
        {"agent_staff_no": i.agent_staff_no, "team_id": "1", "start": i.start, "end": i.end} for i in parsed.sessions
    ]
    assert {s["agent_staff_no"] for s in sessions} == {a.staff_no for a in cfg.agents}
    out = engine.compute(_rows(simulated), sessions, spec=spec(), period="day", by="agent")
    totals = simulated.counters.agents
    for staff_no, truth in totals.items():
        rows = [r for r in out.iter_rows(named=True) if r["key"] == staff_no and r["metric"] == "M10"]
        assert sum(r["num"] for r in rows) == truth.answered
        assert sum(r["den"] for r in rows) * 3600 == pytest.approx(truth.logged_in)


def test_occupancy_inputs_agree(simulated):  # 004:L1541: talk + hold per agent (ACW is not in the formula)
    from kefu.telephony import queue_log

    parsed = queue_log.parse(simulated.queue_log.splitlines())
    sessions = [
        {"agent_staff_no": i.agent_staff_no, "team_id": "1", "start": i.start, "end": i.end} for i in parsed.sessions
    ]
    out = engine.compute(_rows(simulated), sessions, spec=spec(), period="month", by="agent")
    for staff_no, truth in simulated.counters.agents.items():
        num = sum(r["num"] for r in out.iter_rows(named=True) if r["key"] == staff_no and r["metric"] == "M12")
        assert num == truth.talk + truth.hold
