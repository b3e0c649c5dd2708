"""Roster engine benchmark: the public Employee Shift Scheduling Benchmark and a 150-agent center roster.

    .venv/bin/python bench/roster.py --instances 1-12 --time-limit 60 --center-time-limit 120
    .venv/bin/python bench/roster.py --instances 5-12 --repeat 3 --no-center   # the spread between runs
    .venv/bin/python bench/roster.py --instances 13-19 --time-limit 600 --no-center    # issue 18, item 1
    .venv/bin/python bench/roster.py --instances '' --center-agents 1000 --center-time-limit 600   # item 2
    .venv/bin/python bench/roster.py --instances '' --center-agents 150 --skill-forecast --center-teams 0,2  # its cost
    .venv/bin/python bench/roster.py --repair --repeat 3                        # item 3: re-rostering

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

Instances 13-24 (issue 18): the references are the issue's (optima 13, 14, 16-18; upper bounds for 15, 19-24); where
kefu.roster.benchmark.BEST_KNOWN (a transcribed table) says otherwise it is printed beside them. Above
engine.PATTERN_LARGE_CELLS (Instances 13, 20-24) the whole model may find no roster in time: the engine starts from one
built agent by agent (patterns.priced_roster) and improves it by LNS.

A large center (--center-agents 500 and more, or --skill-forecast): agents hold VIP, complaint and English skills (any
number of them) and each skill has its own cover from a per-skill forecast. Above 300 agents it is rostered by teams of
about 125 solved in turn against the cover the teams before left (kefu.roster.decompose); the baseline is then the
constructive roster the engine starts from (engine.greedy_roster). --center-teams 0,2 solves the same center whole and
by 2 teams one after the other: what the split costs on a size both can solve. Peak memory is the process's.

Measured numbers, with the date, the load and the machine: bench/ROSTER.md.

--repair (issue 18, item 3): the 150-agent center month is solved (--publish-time-limit) and published; then, per run,
5 random absences of 1-3 days starting on a worked day; the roster is repaired (kefu.roster.repair, a cost per moved
cell from the policy) and, in the same time, solved again from scratch (engine.solve). Each line prints the kept share
of the published assignments the absences did not remove, the moves, the under-coverage of both and the goal (a legal
repair in the time, >= 97 % kept, under-coverage no worse than the re-solve's).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dataclasses import replace  # noqa: E402

from ortools.sat.python import cp_model  # noqa: E402

from kefu.roster import benchmark, center, decompose, engine, policy, repair  # noqa: E402


def parse_range(text: str) -> list[int]:
    out = []
    for part in text.split(","):
        if "-" in part:
            a, b = part.split("-")
            out.extend(range(int(a), int(b) + 1))
        elif part:
            out.append(int(part))
    return out


def first_solution(problem: engine.Problem, limit: float, workers: int = 2) -> tuple[int | None, float]:
    """Baseline: the first feasible roster of the same model (no optimisation)."""
    started = time.monotonic()
    b = engine.build_model(problem)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = workers
    solver.parameters.stop_after_first_solution = True
    status = solver.Solve(b.m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, time.monotonic() - started
    roster = {(a, d): c for (a, d, c), v in b.x.items() if solver.BooleanValue(v)}
    return engine.evaluate(problem, roster).soft_cost, time.monotonic() - started


PROGRESS = None  # --progress: print each engine.Progress (the best cost, bound and time a person waiting would see)


def show_progress(p: engine.Progress) -> None:
    bound = "—" if p.bound is None else f"{p.bound:.0f}"
    print(f"  progress: {p.phase} best={p.objective} bound={bound} elapsed={p.elapsed:.1f}s", flush=True)


GOAL = {n: 1.0 if n <= 6 else 5.0 for n in range(1, 13)}  # issue #4: gap to the best known, in %
GOAL.update({n: 3.0 for n in range(13, 20)})  # issue #18: 13-19 within 3 % of the optimum or upper bound in 600 s
# Issue #18's references for the larger instances: optima 13, 14, 16-18; upper bounds of the open 15 and 19 (bounds
# 3823-3834 and 3148-3149); 20-24 the upper bounds published from branch-and-price (not verified as the latest: the
# transcribed table of kefu.roster.benchmark.BEST_KNOWN has lower values for 15 and 20-24, printed beside them).
REFERENCE = {
    13: 1348,
    14: 1278,
    15: 3834,
    16: 3225,
    17: 5746,
    18: 4459,
    19: 3149,
    20: 4943,
    21: 21159,
    22: 33155,
    23: 17428,
    24: 48777,
}
REFERENCE_KIND = {
    13: "optimum",
    14: "optimum",
    15: "upper-bound",
    16: "optimum",
    17: "optimum",
    18: "optimum",
    19: "upper-bound",
    20: "upper-bound",
    21: "upper-bound",
    22: "upper-bound",
    23: "upper-bound",
    24: "upper-bound",
}


def run_instances(
    numbers: list[int],
    limit: float,
    lns_share: float | None = engine.LNS_SHARE,
    use_patterns: bool | None = None,
    repeat: int = 1,
    workers: int = 2,
    baseline_limit: float | None = None,
) -> None:
    print(
        f"# Employee Shift Scheduling Benchmark, time limit {limit:g} s per instance, 2 cores "
        + (
            "(whole model only)"
            if not lns_share
            else "(whole model, then LNS only)"
            if use_patterns is False
            else "(whole model, column generation and diving where it suits, then LNS)"
        )
    )
    for n in numbers:
        inst = benchmark.load(n)
        problem = benchmark.to_problem(inst)
        base, base_t = first_solution(problem, baseline_limit or limit, workers)
        best = REFERENCE.get(n, benchmark.BEST_KNOWN.get(n))
        table = benchmark.BEST_KNOWN.get(n)
        gaps = []
        for run in range(repeat):
            sol = engine.solve(
                problem,
                time_limit=limit,
                lns_share=lns_share,
                use_patterns=use_patterns,
                seed=run,
                workers=workers,
                progress=PROGRESS,
            )
            obj, errors = benchmark.check(inst, sol.roster) if sol.evaluation else (None, ["no solution"])
            kind = REFERENCE_KIND.get(n) or ("optimum" if n in benchmark.PROVEN_OPTIMAL else "best-known")
            note = f" table-best-known={table}" if table is not None and table != best else ""
            gap = 100 * (obj - best) / best if obj is not None and best and not errors else None
            gaps.append(gap)
            ratio = f"{obj / base:.3f}" if obj is not None and base else "—"
            lower = f"{sol.bound:.0f}" if sol.bound is not None else "—"
            label = f"Instance{n}" + (f" run {run + 1}/{repeat}" if repeat > 1 else "")
            print(
                f"{label}: status={sol.status} objective={obj} {kind}={best}{note} "
                f"gap={'—' if gap is None else f'{gap:.2f}%'} bound={lower} time={sol.wall_seconds:.1f}s "
                f"checker={'ok' if not errors else f'{len(errors)} errors'} "
                f"first-solution={base} ({base_t:.1f}s) ratio-to-first={ratio} {load()}",
                flush=True,
            )
        if repeat > 1 and n in GOAL:
            known = sorted(g for g in gaps if g is not None)
            met = sum(1 for g in known if g <= GOAL[n] + 1e-9)
            spread = (
                f"worst {known[-1]:.2f}% median {known[len(known) // 2]:.2f}% best {known[0]:.2f}%"
                if known
                else "no checked roster"
            )
            print(
                f"Instance{n} over {repeat} runs: gap {spread}; goal <= {GOAL[n]:g}% met in {met} of {repeat}",
                flush=True,
            )


def center_problem(agents: int, days: int, seed: int = 7) -> tuple[engine.Problem, dict]:
    pol = policy.with_shifts("hotline")
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
    requests = [
        center.RequestSpec(str(10001 + rng.randrange(agents)), rng.randrange(days), None, False)
        for _ in range(agents // 2)
    ]
    holidays = {
        d
        for d in range(days)
        if date.fromordinal(start.toordinal() + d)
        in {date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 7)}
    }
    inp = center.CenterInput(start, days, specs, requirement, holidays, requests)
    return center.build_problem(pol, inp), {"holidays": len(holidays)}


SKILL_MIX = {"vip": 0.12, "complaint": 0.20, "english": 0.06}  # share of agents holding each (several allowed)
# share of the seats each skill queue needs, and its hours (the per-skill forecast of a large hotline)
SKILL_FORECAST = {
    "vip": (0.08, "00:00", "24:00"),
    "complaint": (0.12, "08:00", "20:00"),
    "english": (0.04, "08:00", "22:00"),
}


def skill_center_problem(agents: int, days: int, seed: int = 11) -> tuple[engine.Problem, dict]:
    """A large hotline (issue 18, item 2): the hotline preset's rules, agents holding VIP, complaint and English skills
    (any number of them), and per-skill cover from a per-skill forecast (a share of the seats in the skill's hours)."""
    pol = policy.with_shifts("hotline")
    rng = random.Random(seed)
    start = date(2026, 9, 28)
    specs = []
    for i in range(agents):
        skills = frozenset(sk for sk, p in SKILL_MIX.items() if rng.random() < p)
        leave = {rng.randrange(days)} if rng.random() < 0.1 else set()
        specs.append(center.AgentSpec(str(100001 + i), skills, True, frozenset(leave)))
    requirement = [[round(v * agents / 40) for v in pol["default_profile"]] for _ in range(days)]
    per_day = 1440 // pol["interval_minutes"]
    skill_requirement = {}
    for sk, (share, begin, end) in SKILL_FORECAST.items():
        lo = center.minutes_of(begin) // pol["interval_minutes"]
        hi = center.minutes_of(end) // pol["interval_minutes"]
        skill_requirement[sk] = [
            [round(share * req) if lo <= i < hi else 0 for i, req in enumerate(row)] for row in requirement
        ]
        assert all(len(row) == per_day for row in skill_requirement[sk])
    requests = [
        center.RequestSpec(str(100001 + rng.randrange(agents)), rng.randrange(days), None, False)
        for _ in range(agents // 2)
    ]
    holidays = {
        d
        for d in range(days)
        if date.fromordinal(start.toordinal() + d)
        in {date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 7)}
    }
    inp = center.CenterInput(start, days, specs, requirement, holidays, requests, skill_requirement=skill_requirement)
    return center.build_problem(pol, inp), {"holidays": len(holidays)}


def _coverage(ev: engine.Evaluation) -> str:
    parts = []
    for sk, (short, req) in sorted(ev.by_skill.items(), key=lambda t: (t[0] is not None, t[0] or "")):
        parts.append(f"{sk or 'all'} {short}/{req} ({100 * short / req:.2f}%)" if req else f"{sk or 'all'} 0/0")
    return "; ".join(parts)


def load() -> str:
    """The machine's load average (1, 5, 15 min) at the time of a result line, and the CPU time this process has had
    so far (user + system, all threads): on a shared machine the second says how much of the wall time it computed."""
    import resource

    use = resource.getrusage(resource.RUSAGE_SELF)
    return "load=" + "/".join(f"{v:.2f}" for v in os.getloadavg()) + f" cpu-so-far={use.ru_utime + use.ru_stime:.0f}s"


def peak_memory_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def run_center(
    agents: int, days: int, limit: float, teams: int | None = None, skill_forecast: bool | None = None, workers: int = 2
) -> None:
    """teams None: the whole model up to 300 agents, teams of about 125 above; 0: the whole model."""
    if skill_forecast is None:
        skill_forecast = agents >= 500
    if teams is None:
        teams = 0 if agents <= 300 else math.ceil(agents / 125)
    t0 = time.monotonic()
    problem, meta = (skill_center_problem if skill_forecast else center_problem)(agents, days)
    build_s = time.monotonic() - t0
    kind = "skill forecast (vip/complaint/english)" if skill_forecast else "policy skill seats"
    if teams:
        # baseline in the same run: the constructive roster the engine starts from (the whole model's first
        # solution is out of reach at this size)
        t1 = time.monotonic()
        greedy = engine.evaluate(problem, engine.greedy_roster(problem))
        base, base_t, base_name = greedy.soft_cost, time.monotonic() - t1, "greedy"
        print(
            f"# Center roster (hotline preset, all kefu rules, {kind}), {teams} teams solved in turn, time limit "
            f"{limit:g} s, {workers} workers",
            flush=True,
        )
        out = decompose.solve_by_teams(
            problem, teams, time_limit=limit, workers=workers, log=lambda line: print("  " + line, flush=True)
        )
        ev, status, objective, seconds = out.evaluation, out.status, out.evaluation.soft_cost, out.wall_seconds
    else:
        base, base_t = first_solution(problem, limit, workers)
        base_name = "first-solution"
        print(
            f"# Center roster (hotline preset, all kefu rules, {kind}), whole model, time limit {limit:g} s, "
            f"{workers} workers",
            flush=True,
        )
        sol = engine.solve(problem, time_limit=limit, workers=workers, progress=PROGRESS)
        ev, status, objective, seconds = sol.evaluation, sol.status, sol.objective, sol.wall_seconds
    pct = 100 * ev.under_intervals / ev.required_intervals if ev and ev.required_intervals else float("nan")
    ratio = f"{objective / base:.3f}" if base and objective is not None else "—"
    worst = max((100 * s / r for s, r in ev.by_skill.values() if r), default=0.0) if ev else float("nan")
    print(
        f"Center {agents} agents x {days} days x 48 half-hours: status={status} objective={objective} "
        f"hard-violations={len(ev.hard) if ev else '—'} under-coverage={ev.under_intervals}/{ev.required_intervals} "
        f"agent-intervals ({pct:.2f}%) worst-skill={worst:.2f}% time={seconds:.1f}s (+{build_s:.1f}s input) "
        f"peak-memory={peak_memory_mb():.0f}MB {base_name}={base} ({base_t:.1f}s) ratio-to-{base_name}={ratio} "
        f"{load()}",
        flush=True,
    )
    if ev:
        print("  under-coverage per skill: " + _coverage(ev))
        print("  costs: " + ", ".join(f"{k}={v}" for k, v in ev.costs.items()), flush=True)


def with_absences(
    problem: engine.Problem, published: engine.Roster, count: int, rng: random.Random
) -> tuple[engine.Problem, list[tuple[str, int, int]]]:
    """The problem after `count` random sick leaves: an agent with a published shift that day is absent for 1-3
    days from it (days off added)."""
    worked = sorted(published)
    absences: list[tuple[str, int, int]] = []
    while len(absences) < count:
        agent, day = rng.choice(worked)
        if any(a == agent for a, _d, _n in absences):
            continue
        absences.append((agent, day, rng.choice((1, 1, 2, 3))))
    extra: dict[str, set[int]] = {}
    for agent, day, length in absences:
        extra.setdefault(agent, set()).update(range(day, min(problem.days, day + length)))
    agents = tuple(
        replace(a, days_off=a.days_off | frozenset(extra[a.id])) if a.id in extra else a for a in problem.agents
    )
    return replace(problem, agents=agents), absences


def run_repair(
    agents: int, days: int, publish_limit: float, limit: float, absences: int, repeat: int, workers: int
) -> None:
    """Item 3 of issue 18: after random absences, repair the published roster (kefu.roster.repair) and, in the same
    run and time, solve the changed problem again from scratch (engine.solve): kept share and under-coverage of both."""
    problem, _meta = center_problem(agents, days)
    move_cost = policy.PRESETS["hotline"]["weights"]["move"]
    published_sol = engine.solve(problem, time_limit=publish_limit, workers=workers)
    published = published_sol.roster
    ev = published_sol.evaluation
    print(
        f"# Re-rostering, center {agents} agents x {days} days, {workers} workers: published roster solved in "
        f"{publish_limit:g} s (under-coverage {ev.under_intervals}/{ev.required_intervals}, objective "
        f"{published_sol.objective}, {len(ev.hard)} hard violations); {absences} random absences of 1-3 days; "
        f"repair vs full re-solve, {limit:g} s each, move cost {move_cost}",
        flush=True,
    )
    met = 0
    for run in range(repeat):
        changed, absent = with_absences(problem, published, absences, random.Random(1000 + run))
        fixed = repair.repair(changed, published, move_cost=move_cost, time_limit=limit, workers=workers, seed=run)
        full = engine.solve(changed, time_limit=limit, workers=workers, seed=run)
        f_kept, f_keepable = repair.kept_assignments(published, full.roster, fixed.required)
        r_ev, f_ev = fixed.evaluation, full.evaluation
        r_under = r_ev.under_intervals if r_ev else None
        f_under = f_ev.under_intervals if f_ev else None
        r_checked = engine.evaluate(changed, fixed.roster)  # recomputed from the roster alone
        ok = (
            r_ev is not None
            and not r_checked.hard
            and fixed.wall_seconds <= limit + 1
            and fixed.kept_share >= 0.97
            and f_under is not None
            and r_under <= f_under
        )
        met += ok
        pct = lambda u, e: f"{100 * u / e.required_intervals:.2f}%" if e and e.required_intervals else "—"
        print(
            f"Repair run {run + 1}/{repeat}: {len(absent)} absences, {len(fixed.required)} shifts removed; "
            f"repair status={fixed.status} hard-violations={len(r_checked.hard)} "
            f"kept={fixed.kept}/{fixed.keepable} ({100 * fixed.kept_share:.1f}%) moved={len(fixed.moves)} "
            f"(required {sum(m.required for m in fixed.moves)}) agents-affected={len(fixed.affected)} "
            f"under-coverage={r_under} ({pct(r_under, r_ev)}) objective={r_ev.soft_cost if r_ev else None} "
            f"time={fixed.wall_seconds:.1f}s | full re-solve status={full.status} "
            f"hard-violations={len(f_ev.hard) if f_ev else '—'} kept={f_kept}/{f_keepable} "
            f"({100 * f_kept / max(1, f_keepable):.1f}%) under-coverage={f_under} ({pct(f_under, f_ev)}) "
            f"objective={full.objective} time={full.wall_seconds:.1f}s | goal "
            f"{'met' if ok else 'not met'} {load()}",
            flush=True,
        )
    print(
        f"Repair over {repeat} runs: goal (legal, <= {limit:g} s, kept >= 97 %, under-coverage <= full re-solve) "
        f"met in {met} of {repeat}",
        flush=True,
    )


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instances", default="1-12", help="e.g. 1-6 or 1,3,7 ('' to skip)")
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds per benchmark instance")
    ap.add_argument("--center-agents", type=int, default=150)
    ap.add_argument("--center-days", type=int, default=28)
    ap.add_argument("--center-time-limit", type=float, default=120.0)
    ap.add_argument("--no-center", action="store_true")
    ap.add_argument(
        "--lns-share",
        type=float,
        default=engine.LNS_SHARE,
        help="share of each instance's time given to LNS (0: the whole-model search only)",
    )
    ap.add_argument("--repeat", type=int, default=1, help="runs per benchmark instance (seeds 0..N-1): the spread")
    ap.add_argument(
        "--no-patterns",
        action="store_true",
        help="skip column generation and diving (whole model, then LNS only) to compare in the same run",
    )
    ap.add_argument(
        "--repair",
        action="store_true",
        help="re-rostering: repair a published center roster after random absences, against a full "
        "re-solve in the same time (--repeat runs; --center-agents/--center-days)",
    )
    ap.add_argument("--repair-time-limit", type=float, default=30.0)
    ap.add_argument("--publish-time-limit", type=float, default=120.0, help="solve of the published roster")
    ap.add_argument("--absences", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--baseline-limit",
        type=float,
        default=None,
        help="seconds for the first-solution baseline of each instance (default: --time-limit; on "
        "Instances 13-24 the whole model may find none in 600 s, so 60 spares the CPU)",
    )
    ap.add_argument("--progress", action="store_true", help="print the engine's progress reports (item 4 of issue 18)")
    ap.add_argument(
        "--center-teams",
        default=None,
        help="roster the center by this many teams in turn (kefu.roster.decompose); 0: the whole model; "
        "a list (0,2) runs each on the same center one after another, to compare; "
        "default: whole model up to 300 agents, teams of about 125 above",
    )
    ap.add_argument(
        "--skill-forecast",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="the large-center generator (VIP/complaint/English, per-skill cover); default from 500 agents",
    )
    args = ap.parse_args()
    global PROGRESS
    PROGRESS = show_progress if args.progress else None
    print(
        f"# machine: {os.cpu_count()} cores (shared with other work at the time of the run), {date.today()}, "
        f"{load()} at the start"
    )
    if args.repair:
        run_repair(
            args.center_agents,
            args.center_days,
            args.publish_time_limit,
            args.repair_time_limit,
            args.absences,
            args.repeat,
            args.workers,
        )
        return
    if args.instances:
        run_instances(
            parse_range(args.instances),
            args.time_limit,
            args.lns_share or None,
            False if args.no_patterns else None,
            args.repeat,
            args.workers,
            args.baseline_limit,
        )
    if not args.no_center:
        for teams in parse_range(args.center_teams) if args.center_teams else [None]:
            run_center(
                args.center_agents, args.center_days, args.center_time_limit, teams, args.skill_forecast, args.workers
            )


if __name__ == "__main__":
    main()
