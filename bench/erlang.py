"""Benchmark: required agents for a week of 672 fifteen-minute intervals (5 to 600 Erlangs).

Side by side in the same run:
- kefu.wfm.erlang Erlang C (interval by interval) and Erlang A (required_series, exact M/M/n+M);
- pyworkforce's ErlangC, installed in its OWN virtual environment bench/.envs/pyworkforce (created on first run
  with `python3 -m venv` + `pip install pyworkforce`) and run in a subprocess that times itself;
- pyworkforce has no Erlang A, so the Erlang A baseline is the straightforward exact method (linear search from
  one agent, stationary distribution by a pure-Python product, service level by one incomplete-beta call per queue
  length), timed on a sample of intervals and compared on the same sample.
Prints the times, the ratios and every interval where the answers differ, with the reason.
Run: .venv/bin/python bench/erlang.py   (numbers depend on machine load; the ratios are what to read)
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kefu.wfm import erlang  # noqa: E402

ENV = ROOT / "bench" / ".envs" / "pyworkforce"
INTERVAL_MIN = 15
AHT = 180.0
THRESHOLD = 20.0
SL_TARGET = 0.80
PATIENCE = 120.0

PWF_SCRIPT = r"""
import json, sys, time
from pyworkforce.queuing import ErlangC
calls = json.loads(sys.stdin.read())
t0 = time.perf_counter()
out = [ErlangC(transactions=c, aht=%(aht)r, asa=%(asa)r, interval=%(interval)r).required_positions(service_level=%(sl)r)["raw_positions"]
       for c in calls]
print(json.dumps({"seconds": time.perf_counter() - t0, "positions": out}))
"""


def week_traffic() -> list[float]:
    """672 intervals: two daily peaks (10:00 and 15:00), quiet nights, weekends at 60 %, scaled to 5..600 Erl."""
    raw = []
    for i in range(672):
        day, slot = divmod(i, 96)
        hour = slot / 4
        shape = 0.05 + math.exp(-(((hour - 10) / 2.2) ** 2)) + 0.8 * math.exp(-(((hour - 15) / 2.5) ** 2))
        raw.append(shape * (0.6 if day >= 5 else 1.0) * (1.1 if day == 0 else 1.0))
    lo, hi = min(raw), max(raw)
    return [5 + 595 * (r - lo) / (hi - lo) for r in raw]


def ensure_env() -> Path:
    py = ENV / "bin" / "python"
    if not py.exists():
        subprocess.run(["python3", "-m", "venv", str(ENV)], check=True)
        pip = [str(ENV / "bin" / "pip"), "install", "-q", "pyworkforce"]
        if subprocess.run(pip).returncode != 0:
            subprocess.run(pip + ["--ignore-requires-python"], check=True)
    return py


def run_pyworkforce(calls: list[float]) -> dict:
    code = PWF_SCRIPT % {"aht": AHT / 60, "asa": THRESHOLD / 60, "interval": INTERVAL_MIN, "sl": SL_TARGET}
    proc = subprocess.run(
        [str(ensure_env()), "-c", code], input=json.dumps(calls), capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout)


def naive_erlang_a_required(traffic: float) -> int:
    """The straightforward exact Erlang A: n = 1, 2, … until the service level is met."""
    from scipy import special

    mu, theta = 1 / AHT, 1 / PATIENCE
    lam = traffic * mu
    n = 1
    while True:
        # unnormalised stationary probabilities by the birth-death product (log space), queue cut at 1e-15
        logs = [0.0]
        for k in range(1, n + 1):
            logs.append(logs[-1] + math.log(lam / (k * mu)))
        queue = []
        j, last = 0, logs[-1]
        while True:
            j += 1
            last += math.log(lam / (n * mu + j * theta))
            queue.append(last)
            if j > 10 and last < max(logs + queue) - 35:
                break
        top = max(logs + queue)
        total = sum(math.exp(v - top) for v in logs + queue)
        p_free = sum(math.exp(v - top) for v in logs[:-1]) / total
        x, c = n * mu / theta, math.exp(-THRESHOLD * theta)
        sl = p_free
        for jj, v in enumerate([logs[-1]] + queue):
            sl += math.exp(v - top) / total * x / (x + jj + 1) * special.betaincc(x + 1, jj + 1, c)
        if sl >= SL_TARGET:
            return n
        n += 1


def main() -> None:
    traffic = week_traffic()
    calls = [a * INTERVAL_MIN * 60 / AHT for a in traffic]
    target = erlang.Target(service_level=SL_TARGET, threshold=THRESHOLD)
    print(
        f"一周 {len(traffic)} 个15分钟时段，话务强度 {min(traffic):.1f}–{max(traffic):.1f} Erl，AHT {AHT:.0f} 秒，目标 {SL_TARGET:.0%}/{THRESHOLD:.0f} 秒，"
        f"Erlang A 平均耐心 {PATIENCE:.0f} 秒"
    )

    t0 = time.perf_counter()
    ours_c = [erlang.required_agents(a, AHT, target).required for a in traffic]
    t_c = time.perf_counter() - t0
    t0 = time.perf_counter()
    ours_a = [
        s.required for s in erlang.required_series([(a, AHT) for a in traffic], target, model="A", patience=PATIENCE)
    ]
    t_a = time.perf_counter() - t0
    pwf = run_pyworkforce(calls)
    t_p = pwf["seconds"]
    print(
        f"pyworkforce ErlangC: {t_p:.3f} s; kefu Erlang C: {t_c:.3f} s (ratio {t_p / t_c:.1f}x); "
        f"kefu Erlang A: {t_a:.3f} s (ratio vs pyworkforce ErlangC {t_p / t_a:.2f}x)"
    )

    sample = list(range(0, len(traffic), 24))  # 28 intervals: the straightforward method takes ~2 s each at 600 Erl
    t0 = time.perf_counter()
    naive = {i: naive_erlang_a_required(traffic[i]) for i in sample}
    t_naive = time.perf_counter() - t0
    t0 = time.perf_counter()
    ours_sample = {
        i: erlang.required_agents(traffic[i], AHT, target, model="A", patience=PATIENCE).required for i in sample
    }
    t_ours_sample = time.perf_counter() - t0
    print(
        f"Erlang A on {len(sample)} sampled intervals: straightforward exact {t_naive:.3f} s, kefu {t_ours_sample:.3f} s "
        f"(ratio {t_naive / t_ours_sample:.0f}x); answers differ in {sum(naive[i] != ours_sample[i] for i in sample)} intervals"
    )

    differ = [(i, a, o, p) for i, (a, o, p) in enumerate(zip(traffic, ours_c, pwf["positions"])) if o != p]
    print(
        f"Erlang C answers: kefu {sum(ours_c)} agent-intervals, pyworkforce {sum(pwf['positions'])}; "
        f"{len(differ)} intervals differ"
    )
    for i, a, o, p in differ:
        sl_o = erlang.erlang_c_performance(o, a, AHT, THRESHOLD).service_level
        sl_p = erlang.erlang_c_performance(p, a, AHT, THRESHOLD).service_level
        start = round(a + 1)
        if p > o and start > o:
            reason = f"its search starts at round(A+1) = {start} > {o}, the smallest N with N > A meeting the target"
        elif p > o:
            reason = "it stops later than needed"
        else:
            reason = f"its answer misses the target (SL {sl_p:.4f} < {SL_TARGET})"
        print(f"  interval {i:3d} A={a:8.3f} Erl: kefu {o} (SL {sl_o:.4f}), pyworkforce {p} (SL {sl_p:.4f}) — {reason}")
    fewer = sum(1 for a, c in zip(ours_a, ours_c) if a < c)
    print(
        f"Erlang A vs Erlang C (kefu): A needs fewer agents in {fewer} of {len(traffic)} intervals "
        f"({sum(ours_a)} vs {sum(ours_c)} agent-intervals) — callers who abandon free the agents"
    )


if __name__ == "__main__":
    main()
