"""Large-neighbourhood search driven by us on top of CP-SAT (no Django: a model and plain lists in, values out).

A roster couples agents only through the cover, so freeing a few agents over the whole horizon, or every agent
over a few days, and re-solving that part with everything else fixed is a small CP-SAT model that one worker
often solves to optimality in a fraction of a second. Repeating that from the incumbent finds far better
rosters in the same time than one big portfolio search on 2 cores (measured on the Curtois & Qu instances,
see bench/roster.py). The incumbent never gets worse: a sub-model is hinted with it and can only return a
roster at most as costly; a result is accepted only when its objective is not higher.

Sizes adapt per neighbourhood kind: a sub-model solved to optimality grows the next one of its kind, one cut
short by the time limit shrinks it. The random generator is seeded, so runs are reproducible up to timing.
"""

from __future__ import annotations

import bisect
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ortools.sat.python import cp_model


@dataclass
class Result:
    values: list[int]  # value of every model variable (proto order)
    objective: int
    iterations: int = 0
    improvements: int = 0
    dtime: float = 0.0  # deterministic time of the sub-solves
    history: list[tuple[float, int, str]] = field(
        default_factory=list
    )  # (seconds, objective, neighbourhood) at each improvement


STALL = 40  # rounds without improvement before the sub-solves get twice the time


class _Kind:
    """One neighbourhood kind and its adaptive size (a count of agents or of days)."""

    def __init__(self, name: str, size: float, lo: float, hi: float):
        self.name, self.size, self.lo, self.hi = name, size, lo, hi

    def adapt(self, solved: bool) -> None:
        self.size = min(self.hi, self.size * 1.2) if solved else max(self.lo, self.size / 1.2)


def improve(
    model: cp_model.CpModel,
    cells: list[tuple[int, int, int]],
    values: list[int],
    objective: int,
    deadline: float,
    *,
    seed: int = 0,
    sub_time: float = 4.0,
    sub_dtime: float = 0.1,
    threads: int = 1,
    clock=time.monotonic,
    max_iterations: int | None = None,
    stop_at: int | None = None,
    short_days: Callable[[list[int]], list[int]] | None = None,
    on_improve: Callable[[int], None] | None = None,
) -> Result:
    """Improve the solution `values` (objective `objective`) of `model` until `deadline` (on `clock`).

    cells: (agent index, day, proto variable index) of every decision variable; a neighbourhood frees the
    cells of some agents and/or days and fixes all the others to the incumbent. threads: neighbourhoods
    solved at the same time (one CP-SAT worker each), the best result is kept. clock: what the deadline is
    read on (time.process_time gives comparisons that do not depend on the machine's load). max_iterations:
    stop after that many sub-solves too (reproducible tests). stop_at: a proven lower bound (nothing can beat it).
    short_days: the days of the cover shortfalls in a solution; with it, one neighbourhood kind frees every agent
    around such a day plus two agents over the whole horizon (a shortfall often needs one agent's shift moved from
    another week, which neither a window of days nor a few random agents allow). on_improve: called with each better
    objective (progress for a person waiting).
    """
    started = clock()
    rng = random.Random(seed)
    agents = sorted({a for a, _, _ in cells})
    days = sorted({d for _, d, _ in cells})
    n_agents, n_days = len(agents), len(days)
    result = Result(list(values), objective)
    if not cells:
        return result
    base = model.clone()
    base.clear_hints()
    kinds = [
        _Kind("agents", min(n_agents, 4), 1, n_agents),  # a few agents over the whole horizon
        _Kind("days", min(n_days, 5), 1, n_days),  # every agent over a window of days
        _Kind("block", min(n_agents, 8), 2, n_agents),  # more agents over a window of two weeks
    ]
    if short_days is not None:
        kinds.append(_Kind("shortfall", min(n_days, 3), 1, n_days))  # every agent around a short day + 2 agents

    def neighbourhood(kind: _Kind, incumbent: list[int]) -> tuple[set[int] | None, set[int] | None, bool]:
        """(agents, days, either): the cells of those agents on those days are freed (None: all), or with either,
        the cells of those agents or on those days."""
        if kind.name in ("days", "shortfall"):
            w = max(1, min(n_days, round(kind.size)))
            short = short_days(incumbent) if kind.name == "shortfall" else None
            if short:  # a window around a short day, and two agents over the whole horizon
                centre = bisect.bisect_left(days, rng.choice(short))
                start = min(max(0, centre - w // 2), n_days - w)
                return set(rng.sample(agents, min(2, n_agents))), set(days[start : start + w]), True
            start = rng.randrange(n_days - w + 1)  # no shortfall: a window of days like "days"
            return None, set(days[start : start + w]), False
        free_agents = set(rng.sample(agents, max(1, min(n_agents, round(kind.size)))))
        if kind.name == "agents":
            return free_agents, None, False
        w = min(n_days, 14)
        start = rng.randrange(n_days - w + 1)
        return free_agents, set(days[start : start + w]), False

    def solve(job):
        kind, (free_agents, free_days, either), incumbent, limit, sub_seed, dtime = job
        sub = cp_model.CpModel()
        sub.proto.copy_from(base.proto)
        variables = sub.proto.variables
        for a, d, idx in cells:
            if either:
                fixed = a not in free_agents and d not in free_days
            else:
                fixed = (free_agents is not None and a not in free_agents) or (
                    free_days is not None and d not in free_days
                )
            if fixed:
                dom = variables[idx].domain
                dom.clear()
                dom.extend([incumbent[idx], incumbent[idx]])
        sub.proto.solution_hint.vars.extend(range(len(incumbent)))
        sub.proto.solution_hint.values.extend(incumbent)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = limit
        solver.parameters.max_deterministic_time = dtime
        solver.parameters.random_seed = sub_seed
        solver.parameters.linearization_level = 2  # clauses in the LP: small sub-models are then often proved
        status = solver.Solve(sub)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return kind, status, None, None, solver.WallTime()
        return kind, status, round(solver.ObjectiveValue()), list(solver.ResponseProto().solution), solver.WallTime()

    pool = ThreadPoolExecutor(threads) if threads > 1 else None
    stall = 0  # rounds since the last improvement
    # the longest a round took beyond its sub-solves' limit (copying the model and fixing the cells: 0.2-0.3 s on the
    # 150-agent month under load, and a solver's own lateness): the last round is cut by it so that the search ends by
    # a wall-clock deadline
    overhead = 0.0
    wall = clock is not time.process_time  # a CPU-time clock (comparisons independent of load) is not cut
    try:
        while True:
            left = deadline - clock() - overhead
            if left < 0.05 or (max_iterations is not None and result.iterations >= max_iterations):
                break
            if stop_at is not None and result.objective <= stop_at:
                break
            jobs = []
            for _ in range(threads):
                kind = kinds[result.iterations % len(kinds)]
                result.iterations += 1
                # a long time without progress: search each neighbourhood longer (up to 8 times)
                dtime = sub_dtime * 2 ** min(3, stall // STALL)
                jobs.append(
                    (
                        kind,
                        neighbourhood(kind, result.values),
                        result.values,
                        min(left, sub_time),
                        rng.randrange(1 << 30),
                        dtime,
                    )
                )
            round_started = time.monotonic()
            answers = list(pool.map(solve, jobs)) if pool else [solve(jobs[0])]
            if wall:  # outside the solver, plus how far a solver ran past its own limit (a loaded machine)
                slowest = max(a[4] for a in answers)
                overhead = max(overhead, time.monotonic() - round_started - slowest + max(0.0, slowest - jobs[0][3]))
            best = None
            for kind, status, value, vals, _seconds in answers:
                # grow a kind whose sub-model was proved or improved the incumbent, shrink it otherwise
                kind.adapt(status == cp_model.OPTIMAL or (value is not None and value < result.objective))
                if value is not None and (best is None or value < best[0]):
                    best = (value, vals, kind.name)
            stall += 1
            if best is not None and best[0] <= result.objective:  # equal: move on the plateau
                if best[0] < result.objective:
                    stall = 0
                    result.improvements += 1
                    result.history.append((round(clock() - started, 1), best[0], best[2]))
                    if on_improve is not None:
                        on_improve(best[0])
                result.objective, result.values = best[0], best[1]
    finally:
        if pool:
            pool.shutdown()
    return result
