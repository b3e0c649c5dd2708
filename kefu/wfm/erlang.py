"""Erlang C (M/M/N) and Erlang A (M/M/N+M, Palm's model) staffing — pure, no Django.

Units: every time is in SECONDS (AHT, threshold, patience, ASA); traffic is in Erlangs
(calls per interval × AHT ÷ interval length, see `traffic_erlangs`).

Definitions used throughout (SPEC "Decisions"):
- service level = calls answered within T seconds ÷ ALL offered calls (abandoned calls are failures);
  with continuous waiting times "< T" and "≤ T" coincide.
- ASA = total queue time of ANSWERED calls ÷ answered calls (`asa`).  In Erlang C every call is
  answered, so it equals the mean wait of all calls.  In Erlang A `mean_wait` (all calls, abandoned
  included, = E[min(offered wait, patience)]) is a different, smaller number; both are reported.
- occupancy = carried load ÷ agents (Erlang C: A/N; Erlang A: A·(1−P(abandon))/N).

Numerics: Erlang B by its recursion B(n) = A·B(n−1)/(n + A·B(n−1)) (no factorials; stable to
thousands of Erlangs), its continuous extension 1/B(x) = ∫₀^∞ e^{-u}(1+u/A)^x du for fractional x in
[0, 1) (Gauss–Laguerre, smooth integrand), then the same recursion upward.  Erlang A: the queue part of
the birth–death chain is summed in log space with log-gamma; given j calls ahead, the tagged call's
offered wait V satisfies e^{-θV} ~ Beta(nμ/θ, j+1), which gives the exact service level with the
regularised incomplete beta function and the exact ASA with digamma — vectorised over j.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from scipy import special

_LAGUERRE_X, _LAGUERRE_W = np.polynomial.laguerre.laggauss(60)
_LOG_DROP = 46.0  # terms below e^-46 of the largest are negligible (≈1e-20 relative)
_NO_TRAFFIC = 1e-12  # Erlangs; below this nobody calls (and λ/θ would underflow)


def traffic_erlangs(calls: float, aht_seconds: float, interval_seconds: float) -> float:
    """Offered load in Erlangs: calls per interval × AHT ÷ interval length (all in seconds)."""
    if interval_seconds <= 0:
        raise ValueError("interval_seconds must be > 0")
    if calls < 0 or aht_seconds < 0:
        raise ValueError("calls and aht_seconds must be >= 0")
    return calls * aht_seconds / interval_seconds


# ---------------------------------------------------------------- Erlang B / C


def _erlang_b_fraction(x: float, a: float) -> float:
    """Erlang B for 0 <= x < 1 by the integral 1/B = ∫ e^{-u} (1+u/a)^x du."""
    if x == 0.0:
        return 1.0
    inv = float(np.dot(_LAGUERRE_W, (1.0 + _LAGUERRE_X / a) ** x))
    return 1.0 / inv


def erlang_b(agents: float, traffic: float) -> float:
    """Blocking probability of M/M/N/N; `agents` may be fractional (continuous extension)."""
    if agents < 0 or traffic < 0:
        raise ValueError("agents and traffic must be >= 0")
    if traffic == 0:
        return 0.0 if agents > 0 else 1.0
    whole = math.floor(agents)
    if whole == agents and whole >= 30:
        # B = Poisson pmf(n) ÷ cdf(n), cdf(n) = Q(n+1, A) (regularised upper incomplete gamma): O(1), no overflow
        cdf = float(special.gammaincc(whole + 1.0, traffic))
        if cdf > 1e-250:
            return min(1.0, math.exp(whole * math.log(traffic) - traffic - math.lgamma(whole + 1.0) - math.log(cdf)))
    b = _erlang_b_fraction(agents - whole, traffic)
    x = agents - whole
    for _ in range(whole):
        x += 1.0
        b = traffic * b / (x + traffic * b)
    return b


def erlang_c(agents: float, traffic: float) -> float:
    """P(wait) of M/M/N (probability an arriving call queues); 1 when agents <= traffic."""
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    b = erlang_b(agents, traffic)
    return agents * b / (agents - traffic * (1.0 - b))


@dataclass(frozen=True)
class Performance:
    """Steady-state performance of one interval for a given number of agents (times in seconds)."""

    model: str  # "C" or "A"
    agents: float
    traffic: float
    p_wait: float
    service_level: float  # answered within threshold ÷ offered
    asa: float  # mean queue time of answered calls (ASA)
    mean_wait: float  # mean queue time of all calls (abandoned included)
    p_abandon: float
    occupancy: float
    stable: bool = True  # False when Erlang C has agents <= traffic (queue grows without bound)


def _c_from_pwait(agents: float, traffic: float, aht: float, threshold: float, pw: float) -> Performance:
    if agents <= traffic:
        return Performance("C", agents, traffic, 1.0, 0.0, math.inf, math.inf, 0.0, 1.0 if agents > 0 else 0.0, False)
    gap = agents - traffic
    sl = 1.0 - pw * math.exp(-gap * threshold / aht)
    asa = pw * aht / gap
    occ = traffic / agents if agents > 0 else 0.0
    return Performance("C", agents, traffic, pw, sl, asa, asa, 0.0, occ, True)


def erlang_c_performance(agents: float, traffic: float, aht: float, threshold: float) -> Performance:
    """Erlang C: P(wait), service level within `threshold` s, ASA, occupancy for `agents` (may be fractional)."""
    _check(aht=aht, threshold=threshold)
    if traffic == 0:
        return Performance("C", agents, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, True)
    return _c_from_pwait(agents, traffic, aht, threshold, erlang_c(agents, traffic))


# ---------------------------------------------------------------- Erlang A


def erlang_a_performance(agents: int, traffic: float, aht: float, patience: float, threshold: float) -> Performance:
    """Erlang A (M/M/n+M): exponential service (mean `aht`) and exponential patience (mean `patience`)."""
    _check(aht=aht, threshold=threshold)
    if patience <= 0:
        raise ValueError("patience must be > 0")
    n = int(agents)
    if n != agents or n < 0:
        raise ValueError("Erlang A needs a whole number of agents")
    if traffic <= _NO_TRAFFIC:
        return Performance("A", n, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, True)
    b = erlang_b(n, traffic)  # P(all n busy) in the loss system = π_n / Σ_{k<=n} π_k
    theta_over_mu = aht / patience  # θ/μ
    x = n / theta_over_mu  # nμ/θ
    y = traffic / theta_over_mu  # λ/θ
    lo, hi = _queue_support(x, y)
    j = np.arange(lo, hi + 1, dtype=float)
    log_y = math.log(y)
    # log r_j = log(π_{n+j}/π_n) = j·log y − Σ_{i<=j} log(x+i), accumulated from lo (log-gamma for the offset)
    base = lo * log_y - (math.lgamma(x + lo + 1.0) - math.lgamma(x + 1.0))
    log_r = base + np.concatenate(([0.0], np.cumsum(log_y - np.log(x + j[1:]))))
    peak = float(log_r.max())
    r = np.exp(log_r - peak)
    q_sum_scaled = float(r.sum())  # Σ_j r_j · e^{-peak}
    # normaliser: Σ_{k<n} π_k/π_n = 1/B − 1, so π_{n+j} = r_j / (1/B − 1 + Σ r)
    if b <= 0.0:  # hugely overstaffed: Erlang B underflowed, nobody ever waits
        return Performance("A", n, traffic, 0.0, 1.0, 0.0, 0.0, 0.0, min(traffic / n, 1.0), True)
    log_low = math.log1p(-b) - math.log(b) if b < 1.0 else -math.inf  # log(1/B − 1)
    if log_low - peak > 700:  # the queue states carry less than e^-700 of the mass
        return Performance("A", n, traffic, 0.0, 1.0, 0.0, 0.0, 0.0, min(traffic / n, 1.0), True)
    norm = math.exp(log_low - peak) + q_sum_scaled
    pi = r / norm  # π_{n+j}: probability an arrival finds n busy and j waiting (PASTA)
    p_wait = min(float(pi.sum()), 1.0)
    survive = x / (x + j + 1.0)  # P(served | j ahead) = nμ/(nμ+(j+1)θ)
    p_served_queue = float(np.dot(pi, survive))
    p_abandon = min(max(p_wait - p_served_queue, 0.0), p_wait)
    # answered within T: e^{-θV}·1{V<=T}, with e^{-θV} ~ Beta(x, j+1) → x/(x+j+1)·P(Beta(x+1, j+1) >= c), c = e^{-θT};
    # for a whole second parameter P(Beta(x+1, j+1) >= c) = P(K >= j+1), K ~ NegativeBinomial(x+1, c): one cumulative sum
    if threshold > 0:
        log_c = -threshold / patience
        one_minus_c = -math.expm1(log_c)
        log_1mc = math.log(one_minus_c) if one_minus_c > 0 else -math.inf
        k = np.arange(0, hi + 1, dtype=float)
        log_pmf = (x + 1.0) * log_c + np.concatenate(([0.0], np.cumsum(np.log((x + k[1:]) / k[1:]) + log_1mc)))
        log_cdf = np.logaddexp.accumulate(log_pmf)[lo:]
        within = survive * -np.expm1(np.minimum(log_cdf, 0.0))
        sl = (1.0 - p_wait) + float(np.dot(pi, within))
    else:
        sl = 1.0 - p_wait
    # E[W; served | j] = x/(x+j+1)·(ψ(x+j+2) − ψ(x+1))/θ, and ψ(x+j+2) − ψ(x+1) = Σ_{i=1}^{j+1} 1/(x+i)
    harmonic = np.cumsum(1.0 / (x + np.arange(1, hi + 2, dtype=float)))[lo:]
    wait_served = float(np.dot(pi, survive * harmonic)) * patience
    mean_wait = float(np.dot(pi, (j + 1.0) / (x + j + 1.0))) * patience  # E[min(V, τ) | j] = (j+1)/((x+j+1)θ)
    answered = 1.0 - p_abandon
    asa = wait_served / answered if answered > 0 else math.inf
    occ = traffic * answered / n if n > 0 else 0.0
    return Performance("A", n, traffic, p_wait, min(max(sl, 0.0), 1.0), asa, mean_wait, p_abandon, min(occ, 1.0), True)


def _queue_support(x: float, y: float) -> tuple[int, int]:
    """Queue lengths j whose weight r_j is within e^-46 of the largest (r_j is log-concave in j)."""
    peak = max(0, math.ceil(y - x - 1.0))
    width = 64
    lo = max(0, peak - width)
    hi = peak + width

    def log_r(k: float) -> float:
        return k * math.log(y) - (math.lgamma(x + k + 1.0) - math.lgamma(x + 1.0))

    top = log_r(peak)
    while log_r(hi) > top - _LOG_DROP:
        hi = peak + 2 * (hi - peak)
    while lo > 0 and log_r(lo) > top - _LOG_DROP:
        lo = max(0, peak - 2 * (peak - lo))
    return lo, hi


# ---------------------------------------------------------------- staffing


@dataclass(frozen=True)
class Target:
    """What an interval must achieve. `None` leaves a criterion out. Times in seconds, rates in [0, 1]."""

    service_level: float | None = 0.8
    threshold: float = 20.0
    asa: float | None = None  # max ASA of answered calls
    max_abandon: float | None = None  # Erlang A only
    occupancy_cap: float | None = None  # agents >= carried load ÷ cap
    shrinkage: float = 0.0  # scheduled = ceil(required ÷ (1 − shrinkage))

    def __post_init__(self):
        if self.service_level is not None and not 0 <= self.service_level < 1:
            raise ValueError("service_level must be in [0, 1)")
        if self.threshold < 0:
            raise ValueError("threshold must be >= 0")
        if self.asa is not None and self.asa <= 0:
            raise ValueError("asa must be > 0")
        if self.max_abandon is not None and not 0 < self.max_abandon < 1:
            raise ValueError("max_abandon must be in (0, 1)")
        if self.occupancy_cap is not None and not 0 < self.occupancy_cap <= 1:
            raise ValueError("occupancy_cap must be in (0, 1]")
        if not 0 <= self.shrinkage < 1:
            raise ValueError("shrinkage must be in [0, 1)")


@dataclass(frozen=True)
class Staffing:
    required: int  # agents on the phones
    scheduled: int  # agents to schedule once shrinkage is applied
    performance: Performance
    binding: str  # which criterion set the number: service_level / asa / abandon / occupancy / stability / none


def scheduled_agents(required: int, shrinkage: float) -> int:
    """Agents to schedule so that `required` remain on the phones after shrinkage (e.g. 14 / 0.7 → 20)."""
    if not 0 <= shrinkage < 1:
        raise ValueError("shrinkage must be in [0, 1)")
    # round away float noise before ceil: 14 / 0.7 is 20.000000000000004 in binary floating point
    return int(math.ceil(round(required / (1.0 - shrinkage), 9)))


def _meets(p: Performance, t: Target) -> str | None:
    """The first criterion `p` fails, or None when it meets them all."""
    if not p.stable:
        return "stability"
    if t.service_level is not None and p.service_level < t.service_level:
        return "service_level"
    if t.asa is not None and p.asa > t.asa:
        return "asa"
    if t.max_abandon is not None and p.p_abandon > t.max_abandon:
        return "abandon"
    if t.occupancy_cap is not None and p.occupancy > t.occupancy_cap + 1e-12:
        return "occupancy"
    return None


def required_agents(
    traffic: float,
    aht: float,
    target: Target,
    *,
    model: str = "C",
    patience: float | None = None,
    hint: int | None = None,
) -> Staffing:
    """Fewest whole agents meeting every criterion of `target` under Erlang C or Erlang A.

    Erlang C needs N > A, so its search starts at floor(A)+1 and walks up with the Erlang B recursion
    (one step per agent; the criteria are monotone in N).  Erlang A may need fewer agents than the
    traffic (callers abandon), so it starts at ONE agent and bisects between 1 and a doubling upper bound.
    """
    _check(aht=aht, threshold=target.threshold)
    if traffic < 0:
        raise ValueError("traffic must be >= 0")
    if traffic <= _NO_TRAFFIC:
        perf = Performance(model, 0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, True)
        return Staffing(0, 0, perf, "none")
    if model == "C":
        return _required_c(traffic, aht, target)
    if model == "A":
        if patience is None or patience <= 0:
            raise ValueError("Erlang A needs patience > 0 (seconds)")
        return _required_a(traffic, aht, patience, target, hint)
    raise ValueError("model must be 'C' or 'A'")


def _required_c(traffic: float, aht: float, target: Target) -> Staffing:
    n = math.floor(traffic) + 1
    b = erlang_b(n, traffic)
    binding = "stability"
    while True:
        pw = n * b / (n - traffic * (1.0 - b))
        perf = _c_from_pwait(n, traffic, aht, target.threshold, pw)
        failed = _meets(perf, target)
        if failed is None:
            return Staffing(n, scheduled_agents(n, target.shrinkage), perf, binding)
        binding = failed
        n += 1
        b = traffic * b / (n + traffic * b)


def _required_a(traffic: float, aht: float, patience: float, target: Target, hint: int | None = None) -> Staffing:
    cache: dict[int, Performance] = {}

    def perf(k: int) -> Performance:
        if k not in cache:
            cache[k] = erlang_a_performance(k, traffic, aht, patience, target.threshold)
        return cache[k]

    def ok(k: int) -> bool:
        return k >= 1 and _meets(perf(k), target) is None

    # Start from the Erlang C answer (cheap, O(1) per agent), then gallop down or up and bisect: abandonment may
    # lower the need below the traffic (the search may go under A), or raise it when abandons count as failures.
    start = (
        max(1, hint) if hint else _required_c(traffic, aht, replace(target, max_abandon=None, shrinkage=0.0)).required
    )
    if ok(start):
        hi, step = start, 1
        lo = start - step
        while lo >= 1 and ok(lo):
            hi, step = lo, step * 2
            lo = start - step
        lo = max(lo, 0)
    else:
        lo, step = start, 1
        hi = start + step
        while not ok(hi):
            lo, step = hi, step * 2
            hi = start + step
    while hi - lo > 1:  # invariant: ok(hi), not ok(lo) (0 agents never meet a target)
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    binding = _meets(perf(hi - 1), target) if hi > 1 else "none"
    return Staffing(hi, scheduled_agents(hi, target.shrinkage), perf(hi), binding or "none")


def required_series(
    loads: list[tuple[float, float]], target: Target, *, model: str = "C", patience: float | None = None
) -> list[Staffing]:
    """Required agents for consecutive intervals [(traffic, aht), ...]. Erlang A starts each search where the
    previous interval's answer sat relative to Erlang C (neighbouring intervals differ little), so it needs a few
    evaluations instead of a full bracket; the answers are the same as interval by interval."""
    out: list[Staffing] = []
    offset = 0
    for traffic, aht in loads:
        if model != "A" or traffic <= _NO_TRAFFIC:
            out.append(required_agents(traffic, aht, target, model=model, patience=patience))
            continue
        c = _required_c(traffic, aht, replace(target, max_abandon=None, shrinkage=0.0)).required
        s = required_agents(traffic, aht, target, model="A", patience=patience, hint=c + offset)
        offset = s.required - c
        out.append(s)
    return out


def _check(*, aht: float, threshold: float) -> None:
    if aht <= 0:
        raise ValueError("aht must be > 0 seconds")
    if threshold < 0:
        raise ValueError("threshold must be >= 0 seconds")


def with_shrinkage(target: Target, shrinkage: float) -> Target:
    return replace(target, shrinkage=shrinkage)
