"""Monthly monitoring sample: 4–5 calls per agent (004:L1531), stratified, deterministic."""

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Shared 2-core machine: no deadline, no too-slow health check (no timed assertions in tests).
RELAXED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=60)

from kefu.quality.sampling import CallRow, allocate, draw


def test_allocate_largest_remainder_hand_computed():
    # 5 draws over 6 / 3 / 1 calls: quotas 3.0, 1.5, 0.5 -> 3, then 1 and 0 plus one by remainder (tie: bigger stratum)
    assert allocate({"咨询": 6, "投诉": 3, "办理": 1}, 5) == {"咨询": 3, "投诉": 2, "办理": 0}
    assert allocate({"咨询": 2, "投诉": 2}, 5) == {"咨询": 2, "投诉": 2}  # fewer calls than the target
    assert allocate({"咨询": 7, "投诉": 3}, 5) == {
        "咨询": 4,
        "投诉": 1,
    }  # 3.5 / 1.5: tie on remainder -> larger stratum
    assert allocate({}, 5) == {}


def _calls():
    rows = []
    ref = 0
    for agent in ("2001", "2002", "2003"):
        for i in range(20):
            ref += 1
            rows.append(CallRow(ref, agent, "咨询" if i % 4 else "投诉", 10 if i % 5 == 0 else 120))
    return rows


def test_five_calls_per_agent_and_short_calls_excluded():  # 004:L1531
    calls = _calls()
    talk = {c.ref: c.talk_seconds for c in calls}
    samples = draw(calls, per_agent=5, min_talk_seconds=30, seed="2026-11")
    assert [s.agent_staff_no for s in samples] == ["2001", "2002", "2003"]
    for s in samples:
        assert len(s.refs) == 5 and s.eligible == 16 and s.shortfall == 0
        assert all(talk[r] >= 30 for r in s.refs)


def test_stratified_by_call_type():
    calls = _calls()
    kind = {c.ref: c.call_type for c in calls}
    # eligible per agent: i%5 != 0 -> 16 calls; 投诉 are i%4==0 -> i in {4, 8, 12, 16} = 4, 咨询 12
    # 5 × 12/16 = 3.75 -> 4 咨询, 5 × 4/16 = 1.25 -> 1 投诉
    for s in draw(calls, per_agent=5, min_talk_seconds=30, seed=7):
        assert Counter(kind[r] for r in s.refs) == {"咨询": 4, "投诉": 1}


def test_same_seed_same_sample_other_seed_other_sample():
    calls = _calls()
    a = draw(calls, per_agent=5, min_talk_seconds=30, seed="x")
    assert a == draw(list(reversed(calls)), per_agent=5, min_talk_seconds=30, seed="x")
    assert a != draw(calls, per_agent=5, min_talk_seconds=30, seed="y")


def test_agent_without_enough_calls_gets_a_shortfall():
    calls = [CallRow(1, "3001", "咨询", 60), CallRow(2, "3001", "咨询", 5)]
    s = draw(calls, per_agent=4, min_talk_seconds=30, seed=1, agents=["3001", "3002"])
    assert (s[0].refs, s[0].shortfall) == ((1,), 3)
    assert (s[1].agent_staff_no, s[1].refs, s[1].shortfall) == ("3002", (), 4)


@RELAXED
@given(
    st.lists(
        st.tuples(st.sampled_from("ABC"), st.sampled_from(["咨询", "投诉", "办理"]), st.integers(0, 300)), max_size=60
    ),
    st.integers(1, 6),
    st.integers(0, 100),
)
def test_sample_properties(rows, per_agent, threshold):
    calls = [CallRow(i, a, t, s) for i, (a, t, s) in enumerate(rows)]
    for s in draw(calls, per_agent=per_agent, min_talk_seconds=threshold, seed=3):
        eligible = [c for c in calls if c.agent_staff_no == s.agent_staff_no and c.talk_seconds >= threshold]
        assert len(s.refs) == min(per_agent, len(eligible)) == per_agent - s.shortfall
        assert set(s.refs) <= {c.ref for c in eligible}
