"""Roster engine benchmark: the public Employee Shift Scheduling Benchmark and a 150-agent center roster.

    .venv/bin/python bench/roster.py --instances 1-12 --time-limit 60 --center-time-limit 120
    .venv/bin/python bench/roster.py --instances 5-12 --repeat 3 --no-center   # the spread between runs

Instances (Curtois & Qu, https://www.schedulingbenchmarks.org/nrp/) are read into the SAME engine the
product uses (kefu.roster.benchmark.to_problem → kefu.roster.engine.solve); every roster is re-checked
by the independent checker kefu.roster.benchmark.check (hard rules + objective from the instance text).
Best-known values: SPEC (proven optima 1-4, best known 5-6); 7-12 from the benchmark page as transcribed
in the public repository seyon1988/IT5082_Optimization_Methods_Programming__Assignment, data/best_known.csv
(lower bound = best known for instances 1-23).

engine.solve searches the whole CP-SAT model first (2 workers; 2 s when column generation follows, else 10 % of
the time). Where agents x days x shifts <= engine.PATTERN_LARGE_CELLS it then runs column generation and diving
(kefu.roster.patterns: a GLOP master over whole-horizon schedules, each agent priced by a CP-SAT model or, where that
is cut short, by the exact labelling DP of kefu.roster.labelling; Wentges smoothing) on 90 % of the time left: that
gives a proven lower bound ("bound" below) and, by up to six dives from the LP (one above engine.PATTERN_MAX_CELLS,
Instance12, in bigger steps), usually a roster close to it.
Large-neighbourhood search (kefu.roster.lns) improves the roster for the rest of the time and stops at the bound.
--no-patterns skips column generation, to compare both in the same conditions.

Results vary between runs of the same code (thread timing in CP-SAT, the pricing pool and LNS), so one run meeting a
goal does not show that it is met reliably: --repeat N runs each instance N times (seeds 0..N-1) and prints the worst,
median and best gap with how many runs met the goal (issue #4: instances 1-6 within 1 %, 7-12 within 5 %).

Baseline measured in the same run: the first roster CP-SAT finds (stop_after_first_solution) for the
same model; the script prints the final objective as a ratio of it.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ortools.sat.python import cp_model  # noqa: E402

from kefu.roster import benchmark, center, engine, policy  # noqa: E402


def parse_range(text: str) -> list[int]:
    out = []
    for part in text.split(","):
        if "-" in part:
            a, b = part.split("-")
            out.extend(range(int(a), int(b) + 1))
        elif part:
            out.append(int(part))
    return out


def first_solution(problem: engine.Problem, limit: float) -> tuple[int | None, float]:
    """Baseline: the first feasible roster of the same model (no optimisation)."""
    started = time.monotonic()
    b = engine.build_model(problem)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = 2
    solver.parameters.stop_after_first_solution = True
    status = solver.Solve(b.m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, time.monotonic() - started
    roster = {(a, d): c for (a, d, c), v in b.x.items() if solver.BooleanValue(v)}
    return engine.evaluate(problem, roster).soft_cost, time.monotonic() - started


GOAL = {n: 1.0 if n <= 6 else 5.0 for n in range(1, 13)}  # issue #4: gap to the best known, in %


def run_instances(numbers: list[int], limit: float, lns_share: float | None = engine.LNS_SHARE,
                  use_patterns: bool | None = None, repeat: int = 1) -> None:
    print(f"# Employee Shift Scheduling Benchmark, time limit {limit:g} s per instance, 2 cores "
          + ("(whole model only)" if not lns_share else "(whole model, then LNS only)" if use_patterns is False
             else "(whole model, column generation and diving where it suits, then LNS)"))
    for n in numbers:
        inst = benchmark.load(n)
        problem = benchmark.to_problem(inst)
        base, base_t = first_solution(problem, limit)
        best = benchmark.BEST_KNOWN.get(n)
        gaps = []
        for run in range(repeat):
            sol = engine.solve(problem, time_limit=limit, lns_share=lns_share, use_patterns=use_patterns, seed=run)
            obj, errors = benchmark.check(inst, sol.roster) if sol.evaluation else (None, ["no solution"])
            kind = "optimum" if n in benchmark.PROVEN_OPTIMAL else "best-known"
            gap = 100 * (obj - best) / best if obj is not None and best and not errors else None
            gaps.append(gap)
            ratio = f"{obj / base:.3f}" if obj is not None and base else "—"
            lower = f"{sol.bound:.0f}" if sol.bound is not None else "—"
            label = f"Instance{n}" + (f" run {run + 1}/{repeat}" if repeat > 1 else "")
            print(f"{label}: status={sol.status} objective={obj} {kind}={best} "
                  f"gap={'—' if gap is None else f'{gap:.2f}%'} bound={lower} time={sol.wall_seconds:.1f}s "
                  f"checker={'ok' if not errors else f'{len(errors)} errors'} "
                  f"first-solution={base} ({base_t:.1f}s) ratio-to-first={ratio}", flush=True)
        if repeat > 1 and n in GOAL:
            known = sorted(g for g in gaps if g is not None)
            met = sum(1 for g in known if g <= GOAL[n] + 1e-9)
            spread = (f"worst {known[-1]:.2f}% median {known[len(known) // 2]:.2f}% best {known[0]:.2f}%"
                      if known else "no checked roster")
            print(f"Instance{n} over {repeat} runs: gap {spread}; goal <= {GOAL[n]:g}% met in {met} of {repeat}",
                  flush=True)


def center_problem(agents: int, days: int, seed: int = 7) -> tuple[engine.Problem, dict]:
    pol = policy.PRESETS["hotline"]
    rng = random.Random(seed)
    start = date(2026, 9, 28)  # a Monday; includes the National Day holidays (004:L787) and a month start (004:L761)
    specs = []
    for i in range(agents):
        skills = set()
        if i % 6 == 0:
            skills.add("vip")
        if i % 4 == 1:
            skills.add("complaint")
        leave = {rng.randrange(days)} if rng.random() < 0.1 else set()
        specs.append(center.AgentSpec(str(10001 + i), frozenset(skills), True, frozenset(leave)))
    requirement = [[round(v * agents / 40) for v in pol["default_profile"]] for _ in range(days)]
    requests = [center.RequestSpec(str(10001 + rng.randrange(agents)), rng.randrange(days), None, False)
                for _ in range(agents // 2)]
    holidays = {d for d in range(days) if date.fromordinal(start.toordinal() + d) in
                {date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 7)}}
    inp = center.CenterInput(start, days, specs, requirement, holidays, requests)
    return center.build_problem(pol, inp), {"holidays": len(holidays)}


def run_center(agents: int, days: int, limit: float) -> None:
    t0 = time.monotonic()
    problem, meta = center_problem(agents, days)
    build_s = time.monotonic() - t0
    base, base_t = first_solution(problem, limit)
    sol = engine.solve(problem, time_limit=limit)
    ev = sol.evaluation
    pct = 100 * ev.under_intervals / ev.required_intervals if ev and ev.required_intervals else float("nan")
    ratio = f"{sol.objective / base:.3f}" if base and sol.objective is not None else "—"
    print(f"# Center roster (hotline preset, all kefu rules), time limit {limit:g} s, 2 workers")
    print(f"Center {agents} agents x {days} days x 48 half-hours: status={sol.status} objective={sol.objective} "
          f"hard-violations={len(ev.hard) if ev else '—'} under-coverage={ev.under_intervals}/{ev.required_intervals} "
          f"agent-intervals ({pct:.2f}%) time={sol.wall_seconds:.1f}s (+{build_s:.1f}s input) "
          f"first-solution={base} ({base_t:.1f}s) ratio-to-first={ratio}")
    if ev:
        print("  costs: " + ", ".join(f"{k}={v}" for k, v in ev.costs.items()))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instances", default="1-12", help="e.g. 1-6 or 1,3,7 ('' to skip)")
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds per benchmark instance")
    ap.add_argument("--center-agents", type=int, default=150)
    ap.add_argument("--center-days", type=int, default=28)
    ap.add_argument("--center-time-limit", type=float, default=120.0)
    ap.add_argument("--no-center", action="store_true")
    ap.add_argument("--lns-share", type=float, default=engine.LNS_SHARE,
                    help="share of each instance's time given to LNS (0: the whole-model search only)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per benchmark instance (seeds 0..N-1): the spread")
    ap.add_argument("--no-patterns", action="store_true",
                    help="skip column generation and diving (whole model, then LNS only) to compare in the same run")
    args = ap.parse_args()
    print(f"# machine: {os.cpu_count()} cores (shared with other work at the time of the run)")
    if args.instances:
        run_instances(parse_range(args.instances), args.time_limit, args.lns_share or None,
                      False if args.no_patterns else None, args.repeat)
    if not args.no_center:
        run_center(args.center_agents, args.center_days, args.center_time_limit)


if __name__ == "__main__":
    main()
