"""Erlang C / Erlang A against published values, independent methods and properties.

Expected numbers come from published sources or are computed here by a different method
(a truncated birth–death chain solved with linear algebra, M/M/∞ identities), never from the code under test.
"""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from kefu.wfm import erlang
from kefu.wfm.erlang import Target, erlang_a_performance, erlang_b, erlang_c, erlang_c_performance, required_agents

# ------------------------------------------------------------------ published values


def test_spec_reference_example():
    # SPEC "Reference data": 100 calls / 30 min, AHT 180 s, 80/20 → 10 Erl, 14 agents, P(wait) 0.1741319,
    # SL 0.8883500, ASA 7.835937 s, occupancy 71.43 %, 20 scheduled with 30 % shrinkage
    traffic = erlang.traffic_erlangs(100, 180, 30 * 60)
    assert traffic == pytest.approx(10.0)
    staffing = required_agents(traffic, 180, Target(service_level=0.8, threshold=20, shrinkage=0.30))
    assert staffing.required == 14
    assert staffing.scheduled == 20
    p = staffing.performance
    assert p.p_wait == pytest.approx(0.1741319, abs=5e-8)
    assert p.service_level == pytest.approx(0.8883500, abs=5e-8)
    assert p.asa == pytest.approx(7.835937, abs=5e-7)
    assert round(p.occupancy * 100, 2) == 71.43
    # 13 agents do not reach 80 %: the answer is the smallest N
    assert erlang_c_performance(13, 10, 180, 20).service_level < 0.8


def test_mitan_erlang_c_example():
    # Published worked example (mitan.co.uk "Erlang C formula", reproduced in the Maxima notes): 360 calls per
    # half hour (0.2 calls/s), 240 s calls, 55 agents, 15 s target → E_c 0.2387, ASA 8.184 s, P(W <= 15 s) 0.8459
    traffic = erlang.traffic_erlangs(360, 240, 1800)
    assert traffic == pytest.approx(48.0)
    p = erlang_c_performance(55, traffic, 240, 15)
    assert round(p.p_wait, 4) == 0.2387
    assert round(p.asa, 3) == 8.184
    assert round(p.service_level, 4) == 0.8459
    assert p.occupancy == pytest.approx(48 / 55)


@pytest.mark.parametrize("trunks, traffic", [(10, 4.46), (20, 12.03), (100, 84.06)])
def test_erlang_b_table_at_one_percent(trunks, traffic):
    # Standard Erlang B table (grade of service 1 %): 10 → 4.46 Erl, 20 → 12.03 Erl, 100 → 84.06 Erl
    assert erlang_b(trunks, traffic) == pytest.approx(0.01, abs=2e-4)


def test_erlang_b_small_cases_by_hand():
    # B(1, A) = A/(1+A); B(2, 1) = (1/2)/(1 + 1 + 1/2) = 0.2
    assert erlang_b(1, 3.0) == pytest.approx(0.75)
    assert erlang_b(2, 1.0) == pytest.approx(0.2)
    assert erlang_b(0, 5.0) == 1.0


def test_fractional_erlang_b_continuous_extension():
    # 1/B(x, A) = ∫ e^{-u}(1+u/A)^x du; at x = 0.5, A = 1: √e·Γ(3/2, 1) by the incomplete-gamma identity
    from scipy import special

    expected = 1.0 / (math.e * special.gammaincc(1.5, 1.0) * special.gamma(1.5))
    assert erlang_b(0.5, 1.0) == pytest.approx(expected, rel=1e-10)
    # between the integer neighbours, and continuous at the integers
    assert erlang_b(2, 1.0) < erlang_b(1.5, 1.0) < erlang_b(1, 1.0)
    assert erlang_b(3 - 1e-9, 2.0) == pytest.approx(erlang_b(3, 2.0), rel=1e-6)


def test_fractional_erlang_c_between_neighbours():
    low, mid, high = erlang_c(14, 10), erlang_c(14.5, 10), erlang_c(15, 10)
    assert high < mid < low


def test_no_overflow_at_5000_erlangs():
    p = erlang_c_performance(5100, 5000, 180, 20)
    # Halfin–Whitt: N = A + β√A → P(wait) ≈ 1/(1 + βΦ(β)/φ(β)); β = √2 gives ≈ 0.101 (error O(1/√A))
    beta = 100 / math.sqrt(5000)
    halfin_whitt = 1 / (1 + beta * stats.norm.cdf(beta) / stats.norm.pdf(beta))
    assert p.p_wait == pytest.approx(halfin_whitt, abs=0.005)
    assert p.service_level > 0.999
    staffing = required_agents(5000, 180, Target(0.8, 20))
    assert 5000 < staffing.required < 5100
    a = erlang_a_performance(5000, 5000, 180, 60, 20)
    assert 0 < a.p_abandon < 0.05 and 0 <= a.service_level <= 1


def test_erlang_c_unstable_when_agents_not_above_traffic():
    p = erlang_c_performance(10, 10, 180, 20)
    assert not p.stable and p.p_wait == 1.0 and p.service_level == 0.0 and math.isinf(p.asa)


def test_units_interval_length_matters():
    # the same 100 calls in 15 minutes is twice the load of 100 calls in 30 minutes
    assert erlang.traffic_erlangs(100, 180, 900) == pytest.approx(20.0)
    assert required_agents(20, 180, Target(0.8, 20)).required > required_agents(10, 180, Target(0.8, 20)).required


# ------------------------------------------------------------------ Erlang A by an independent method


def _chain(n, lam, mu, theta, cap=400):
    """Stationary distribution of M/M/n+M by solving the truncated generator (independent of erlang.py)."""
    size = n + cap
    q = np.zeros((size, size))
    for k in range(size):
        if k + 1 < size:
            q[k, k + 1] = lam
        if k > 0:
            q[k, k - 1] = min(k, n) * mu + max(k - n, 0) * theta
        q[k, k] = -q[k].sum()
    a = np.vstack([q.T, np.ones(size)])
    b = np.zeros(size + 1)
    b[-1] = 1
    pi, *_ = np.linalg.lstsq(a, b, rcond=None)
    return pi


@pytest.mark.parametrize(
    "n, calls_per_hour, aht, patience", [(3, 60, 180, 120), (12, 200, 180, 60), (25, 450, 240, 300)]
)
def test_erlang_a_matches_truncated_chain(n, calls_per_hour, aht, patience):
    lam, mu, theta = calls_per_hour / 3600, 1 / aht, 1 / patience
    pi = _chain(n, lam, mu, theta)
    ks = np.arange(len(pi))
    p_wait = pi[n:].sum()
    queue_mean = (np.maximum(ks - n, 0) * pi).sum()
    p_abandon = theta * queue_mean / lam  # rate balance: λ·P(ab) = θ·E[queue]
    mean_wait = queue_mean / lam  # Little's law over all calls
    p = erlang_a_performance(n, lam * aht, aht, patience, 20)
    assert p.p_wait == pytest.approx(p_wait, rel=1e-9)
    assert p.p_abandon == pytest.approx(p_abandon, rel=1e-8)
    assert p.mean_wait == pytest.approx(mean_wait, rel=1e-8)


def test_erlang_a_with_patience_equal_to_service_is_m_m_infinity():
    # θ = μ: the number of calls in system is Poisson(A) (every call leaves at rate μ), a textbook identity
    a, n = 10.0, 12
    p = erlang_a_performance(n, a, 180, 180, 20)
    assert p.p_wait == pytest.approx(stats.poisson.sf(n - 1, a), rel=1e-10)
    excess = sum((k - n) * stats.poisson.pmf(k, a) for k in range(n, 200))
    assert p.p_abandon == pytest.approx(excess / a, rel=1e-9)


def test_erlang_a_service_level_by_uniformisation():
    # P(answered within T) from the arrival's point of view, computed by a transient pure-death chain
    n, aht, patience, threshold = 4, 180.0, 90.0, 30.0
    lam, mu, theta = 80 / 3600, 1 / aht, 1 / patience
    pi = _chain(n, lam, mu, theta, cap=120)
    sl = pi[:n].sum()
    rate_max = n * mu + 121 * theta
    pois = stats.poisson.pmf(np.arange(400), rate_max * threshold)
    for j in range(40):
        # tagged call with j ahead; index 0 = served, 1 = abandoned, m + 1 = m in queue (him included), m = 1..j+1
        size = j + 1
        fw = (n * mu + np.arange(size) * theta) / rate_max  # from m = 1..size, the head moves on
        own = theta / rate_max
        v = np.zeros(size + 2)
        v[size + 1] = 1.0
        served = 0.0
        for step in range(400):
            served += pois[step] * v[0]
            mass = v[2:].copy()
            v[2:] -= mass * (fw + own)
            v[1] += mass.sum() * own
            v[0] += mass[0] * fw[0]
            v[2 : size + 1] += mass[1:] * fw[1:]
        sl += pi[n + j] * served
    p = erlang_a_performance(n, lam * aht, aht, patience, threshold)
    assert p.service_level == pytest.approx(sl, abs=1e-6)


# ------------------------------------------------------------------ properties

loads = st.floats(min_value=0.5, max_value=300)


@settings(max_examples=60, deadline=None)
@given(traffic=loads, extra=st.integers(1, 40), threshold=st.floats(0, 120))
def test_erlang_c_monotone_in_agents(traffic, extra, threshold):
    n = math.floor(traffic) + extra
    one, two = erlang_c_performance(n, traffic, 180, threshold), erlang_c_performance(n + 1, traffic, 180, threshold)
    assert 0 <= one.service_level <= two.service_level <= 1
    assert two.p_wait <= one.p_wait and two.asa <= one.asa


@settings(max_examples=60, deadline=None)
@given(traffic=loads, n=st.integers(1, 400), patience=st.floats(5, 3600), threshold=st.floats(0, 120))
def test_erlang_a_bounds_and_monotone(traffic, n, patience, threshold):
    one = erlang_a_performance(n, traffic, 180, patience, threshold)
    two = erlang_a_performance(n + 1, traffic, 180, patience, threshold)
    for p in (one, two):
        assert 0 <= p.service_level <= 1 and 0 <= p.p_abandon <= p.p_wait <= 1
        # Little's law on the queue: λ·P(abandon) = θ·E[queue] = θ·λ·E[wait] → E[wait] = P(abandon)·patience
        assert p.mean_wait == pytest.approx(p.p_abandon * patience, rel=1e-6, abs=1e-9)
    assert two.service_level >= one.service_level - 1e-9
    assert two.p_abandon <= one.p_abandon + 1e-12


@settings(max_examples=40, deadline=None)
@given(traffic=st.floats(1, 200), extra=st.integers(1, 30))
def test_erlang_a_tends_to_erlang_c_as_patience_grows(traffic, extra):
    n = math.floor(traffic) + extra
    assume(n - traffic >= 0.2)  # at N → A the mean queue diverges and the limit needs patience ≫ 1e9 s
    c = erlang_c_performance(n, traffic, 180, 20)
    a = erlang_a_performance(n, traffic, 180, 1e9, 20)
    assert a.p_wait == pytest.approx(c.p_wait, abs=1e-4)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-4)
    assert a.p_abandon < 1e-4


@settings(max_examples=40, deadline=None)
@given(traffic=st.floats(0.5, 200), n=st.integers(1, 250))
def test_erlang_a_tends_to_erlang_b_loss_as_patience_vanishes(traffic, n):
    a = erlang_a_performance(n, traffic, 180, 1e-6, 20)
    b = erlang_b(n, traffic)
    assert a.p_wait == pytest.approx(b, abs=1e-6)
    assert a.p_abandon == pytest.approx(b, abs=1e-6)
    assert a.service_level == pytest.approx(1 - b, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(traffic=st.floats(0.2, 600), sl=st.floats(0.5, 0.95), threshold=st.integers(5, 60), patience=st.floats(20, 600))
def test_required_is_the_smallest_meeting_the_target(traffic, sl, threshold, patience):
    target = Target(service_level=sl, threshold=threshold, max_abandon=0.05)
    for model in ("C", "A"):
        s = required_agents(traffic, 180, target, model=model, patience=patience)
        perf = (
            erlang_c_performance(s.required, traffic, 180, threshold)
            if model == "C"
            else erlang_a_performance(s.required, traffic, 180, patience, threshold)
        )
        assert perf.service_level >= sl and perf.p_abandon <= 0.05
        if s.required > 1:
            fewer = (
                erlang_c_performance(s.required - 1, traffic, 180, threshold)
                if model == "C"
                else erlang_a_performance(s.required - 1, traffic, 180, patience, threshold)
            )
            assert (not fewer.stable) or fewer.service_level < sl or fewer.p_abandon > 0.05


def test_erlang_a_search_starts_below_the_traffic():
    # with impatient callers and only an abandon cap, fewer agents than Erlangs suffice: the search must start low
    s = required_agents(100, 180, Target(service_level=None, max_abandon=0.30), model="A", patience=30)
    assert s.required < 100
    assert erlang_a_performance(s.required, 100, 180, 30, 20).p_abandon <= 0.30
    assert erlang_a_performance(s.required - 1, 100, 180, 30, 20).p_abandon > 0.30


def test_asa_of_answered_calls_differs_from_mean_wait_of_all_calls():
    p = erlang_a_performance(9, 10, 180, 60, 20)
    # abandoned calls wait less than the answered ones on average here, and they are not in the ASA's denominator
    assert p.p_abandon > 0.05
    assert p.asa != pytest.approx(p.mean_wait, rel=1e-3)


def test_occupancy_cap_and_asa_targets_bind():
    # 80/20 alone needs 14 for 10 Erl; an 70 % occupancy cap needs ceil(10/0.7) = 15
    s = required_agents(10, 180, Target(0.8, 20, occupancy_cap=0.70))
    assert s.required == 15 and s.binding == "occupancy"
    # ASA target 5 s: 14 agents give 7.84 s (SPEC), so more are needed
    s = required_agents(10, 180, Target(0.8, 20, asa=5))
    assert s.required > 14 and s.performance.asa <= 5


def test_scheduled_agents_with_shrinkage():
    assert erlang.scheduled_agents(14, 0.30) == 20
    assert erlang.scheduled_agents(14, 0.0) == 14
    assert erlang.scheduled_agents(10, 0.25) == 14  # 13.33 → 14
    with pytest.raises(ValueError):
        erlang.scheduled_agents(10, 1.0)


def test_bad_inputs_raise():
    with pytest.raises(ValueError):
        erlang.traffic_erlangs(10, 180, 0)
    with pytest.raises(ValueError):
        erlang_a_performance(3.5, 2, 180, 60, 20)
    with pytest.raises(ValueError):
        required_agents(5, 180, Target(), model="A")
    with pytest.raises(ValueError):
        Target(service_level=1.2)


@settings(max_examples=15, deadline=None)
@given(loads=st.lists(st.floats(0, 300), min_size=1, max_size=12), patience=st.floats(20, 600))
def test_warm_started_series_gives_the_same_answers(loads, patience):
    target = Target(0.8, 20, max_abandon=0.05)
    series = erlang.required_series([(a, 180) for a in loads], target, model="A", patience=patience)
    assert [s.required for s in series] == [
        required_agents(a, 180, target, model="A", patience=patience).required for a in loads
    ]


def test_vanishing_traffic_needs_nobody():
    # a subnormal load (hypothesis found 5e-324) must not reach log(λ/θ) = log(0)
    assert required_agents(5e-324, 180, Target(0.8, 20), model="A", patience=60).required == 0
    assert erlang_a_performance(3, 5e-324, 180, 60, 20).p_wait == 0.0
