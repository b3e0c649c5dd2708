"""Large-neighbourhood search (kefu.roster.lns) on top of the engine's CP-SAT model."""

import time

import pytest
from ortools.sat.python import cp_model

from kefu.roster import benchmark, engine, lns
from kefu.roster.engine import Agent, Problem, Request, ShiftCover, ShiftType


def _cells(builder):
    index = {a.id: i for i, a in enumerate(builder.p.agents)}
    return [(index[agent], d, v.Index()) for (agent, d, _c), v in builder.x.items()]


def _first_solution(builder, seed=1):
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.stop_after_first_solution = True
    status = solver.Solve(builder.m)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return list(solver.ResponseProto().solution), round(solver.ObjectiveValue())


def _small_problem():
    """4 agents, 10 days, two shifts (late may not be followed by early), wishes that pull apart."""
    e, late = ShiftType("E", 480), ShiftType("L", 480, forbidden_next=frozenset({"E"}))
    agents = tuple(
        Agent(
            str(i),
            max_minutes=7 * 480,
            min_minutes=4 * 480,
            max_consecutive=4,
            min_consecutive=2,
            min_consecutive_off=2,
            max_weekends=1,
        )
        for i in range(4)
    )
    cover = tuple(ShiftCover(d, s, 1 + (d + i) % 2, 100, 1) for d in range(10) for i, s in enumerate("EL"))
    wishes = tuple(
        Request(str(i), d, "L" if i % 2 else "E", 1 + (i + d) % 3, (d + i) % 3 == 0)
        for i in range(4)
        for d in range(10)
    )
    return Problem(
        days=10,
        shifts=(e, late),
        agents=agents,
        shift_cover=cover,
        requests=wishes,
        weekends=engine.weekend_groups(10, 0),
    )


def test_lns_reaches_the_optimum_of_a_small_problem():
    problem = _small_problem()
    full = engine.solve(problem, time_limit=60, lns_share=None)
    assert full.status == "OPTIMAL"
    builder = engine.build_model(problem)
    values, start = _first_solution(builder)
    assert start > full.objective  # there is something to improve
    result = lns.improve(builder.m, _cells(builder), values, start, time.monotonic() + 600, max_iterations=60)
    assert result.objective == full.objective
    roster = engine.roster_of(builder, result.values)
    ev = engine.evaluate(problem, roster)
    assert ev.hard == [] and ev.soft_cost == result.objective


@pytest.mark.skipif(not (benchmark.DATA_DIR / "Instance5.txt").exists(), reason="benchmark data missing")
@pytest.mark.parametrize("threads", [1, 2])
def test_lns_never_worsens_the_incumbent_and_agrees_with_the_checker(threads):
    inst = benchmark.load(5)
    problem = benchmark.to_problem(inst)
    builder = engine.build_model(problem)
    values, start = _first_solution(builder)
    result = lns.improve(
        builder.m, _cells(builder), values, start, time.monotonic() + 600, threads=threads, max_iterations=12, seed=3
    )
    assert result.objective <= start
    assert [obj for _t, obj, _k in result.history] == sorted((obj for _t, obj, _k in result.history), reverse=True)
    objective, errors = benchmark.check(inst, engine.roster_of(builder, result.values))
    assert errors == [] and objective == result.objective


def test_solve_improves_with_lns_and_keeps_hard_rules():
    inst = benchmark.load(2)
    sol = engine.solve(benchmark.to_problem(inst), time_limit=8, seed=1)
    objective, errors = benchmark.check(inst, sol.roster)
    assert errors == [] and objective == sol.objective and objective >= 828  # 828: proven optimum


def test_the_shortfall_days_are_those_of_the_cover_left_short():
    # engine.build_model records each cover row's shortfall variable with its day; LNS frees every agent around such a
    # day (plus two agents over the whole horizon) when it is given them.
    problem = _small_problem()
    builder = engine.build_model(problem)
    values, start = _first_solution(builder)
    roster = engine.roster_of(builder, values)
    short = {
        cv.day
        for cv in problem.shift_cover
        if sum(1 for (_a, d), code in roster.items() if d == cv.day and code == cv.shift) < cv.requirement
    }
    assert {d for idx, d in builder.shortfalls if values[idx] > 0} == short
    seen = []

    def short_days(vals):
        days = [d for idx, d in builder.shortfalls if vals[idx] > 0]
        seen.append(days)
        return days

    result = lns.improve(
        builder.m, _cells(builder), values, start, time.monotonic() + 600, max_iterations=40, short_days=short_days
    )
    assert seen and result.objective <= start
    ev = engine.evaluate(problem, engine.roster_of(builder, result.values))
    assert ev.hard == [] and ev.soft_cost == result.objective


def test_progress_is_reported_and_a_stop_keeps_the_best_roster_found():
    # issue 18, item 4: a person waiting sees the best cost, the bound and the time, and may stop the solve
    import threading

    inst = benchmark.load(5)
    problem = benchmark.to_problem(inst)
    stop = threading.Event()
    seen = []

    def progress(p):
        seen.append(p)
        if p.phase == "model":
            stop.set()  # stop as soon as the whole model has a roster

    sol = engine.solve(problem, time_limit=600, workers=1, progress=progress, stop=stop)
    assert [p.phase for p in seen] == ["model", "done"]  # neither column generation nor LNS started after the stop
    objective, errors = benchmark.check(inst, sol.roster)
    assert errors == [] and objective == sol.objective == seen[-1].objective
    assert all(p.elapsed >= 0 for p in seen)


def test_progress_reports_each_better_roster_in_order():
    inst = benchmark.load(2)
    seen = []
    sol = engine.solve(benchmark.to_problem(inst), time_limit=8, workers=1, progress=seen.append, seed=1)
    phases = [p.phase for p in seen]
    assert phases[0] == "model" and phases[-1] == "done" and set(phases) <= {"model", "columns", "lns", "done"}
    values = [p.objective for p in seen]
    assert values == sorted(values, reverse=True)  # never worse than the roster reported before
    assert seen[-1].objective == sol.objective and [p.elapsed for p in seen] == sorted(p.elapsed for p in seen)
