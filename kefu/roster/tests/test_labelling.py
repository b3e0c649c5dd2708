"""The labelling DP (kefu.roster.labelling) against CP-SAT on the same rules: same optimum, legal schedules."""

import random

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from kefu.roster import benchmark, engine, labelling, patterns
from kefu.roster.engine import Agent, Problem, ShiftType

needs_data = pytest.mark.skipif(not (benchmark.DATA_DIR / "Instance9.txt").exists(), reason="benchmark data missing")


def _single(problem: Problem, agent: Agent) -> Problem:
    return Problem(
        days=problem.days,
        shifts=problem.shifts,
        agents=(agent,),
        weekends=problem.weekends,
        fixed=tuple(f for f in problem.fixed if f[0] == agent.id),
    )


def _cp_sat_optimum(problem: Problem, agent: Agent, costs) -> int | None:
    """The least total cost of one agent's schedule under engine.build_model's rules (None: no legal schedule)."""
    builder = engine.build_model(_single(problem, agent))
    codes = [s.code for s in problem.shifts]
    terms = []
    for d in range(problem.days):
        terms.append(costs[d][0] * (1 - builder.work[(agent.id, d)]))
        for i, code in enumerate(codes, 1):
            if (agent.id, d, code) in builder.x:
                terms.append(costs[d][i] * builder.x[(agent.id, d, code)])
    builder.m.Minimize(sum(terms))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 60
    status = solver.Solve(builder.m)
    assert status in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
    return round(solver.ObjectiveValue()) if status == cp_model.OPTIMAL else None


def _legal(problem: Problem, agent: Agent, line) -> bool:
    return not engine.evaluate(_single(problem, agent), {(agent.id, d): c for d, c in enumerate(line) if c}).hard


def _cost(labeller: labelling.Labeller, costs, line) -> int:
    codes = [None] + [s.code for s in labeller.shifts]
    return sum(costs[d][codes.index(c)] for d, c in enumerate(line))


@st.composite
def agents_and_costs(draw):
    days = draw(st.integers(4, 12))
    shifts = (
        ShiftType("E", draw(st.sampled_from([240, 480]))),
        ShiftType(
            "D",
            480,
            forbidden_next=frozenset({"E"}),
            only_days=draw(st.one_of(st.none(), st.frozensets(st.integers(0, days - 1), min_size=1))),
        ),
        ShiftType(
            "N",
            draw(st.sampled_from([480, 600, 720])),
            forbidden_next=frozenset({"E", "D"}),
            night=True,
            skill=draw(st.sampled_from([None, "night"])),
        ),
    )
    max_minutes = draw(st.one_of(st.none(), st.integers(0, days * 600)))
    agent = Agent(
        "a",
        skills=draw(st.sampled_from([frozenset(), frozenset({"night"})])),
        max_shifts=draw(st.dictionaries(st.sampled_from(["E", "D", "N"]), st.integers(0, days), max_size=3)),
        max_minutes=max_minutes,
        min_minutes=draw(st.integers(0, days * 300)),
        max_consecutive=draw(st.one_of(st.none(), st.integers(1, days))),
        min_consecutive=draw(st.integers(1, 4)),
        min_consecutive_off=draw(st.integers(1, 3)),
        max_weekends=draw(st.one_of(st.none(), st.integers(0, 2))),
        min_days_off=draw(st.integers(0, days)),
        days_off=draw(st.frozensets(st.integers(0, days - 1), max_size=2)),
    )
    first_weekday = draw(st.integers(0, 6))
    fixed = draw(
        st.lists(
            st.tuples(st.just("a"), st.integers(0, days - 1), st.sampled_from([None, "E", "D", "N"])),
            max_size=2,
            unique_by=lambda f: f[1],
        )
    )
    problem = Problem(
        days=days,
        shifts=shifts,
        agents=(agent,),
        weekends=engine.weekend_groups(days, first_weekday),
        fixed=tuple(fixed),
    )
    costs = [[draw(st.integers(-50, 50)) for _ in range(len(shifts) + 1)] for _ in range(days)]
    return problem, agent, costs


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(agents_and_costs())
def test_the_dp_finds_the_cp_sat_optimum_under_every_rule_of_one_agent(case):
    problem, agent, costs = case
    labeller = labelling.Labeller(problem, agent)
    assume(labeller.supported)  # not too many states (three limited shift types and minutes in 2-hour units can be)
    codes = [None] + [s.code for s in labeller.shifts]
    table = [[row[0]] + [row[1 + [s.code for s in problem.shifts].index(c)] for c in codes[1:]] for row in costs]
    found = labeller.best(table, k=5)
    optimum = _cp_sat_optimum(problem, agent, costs)
    event("no legal schedule" if optimum is None else "a legal schedule")
    if optimum is None:
        assert found == []
        return
    assert found and found[0][0] == optimum
    lines = [line for _value, line in found]
    assert len(set(lines)) == len(lines)  # distinct schedules
    values = [value for value, _line in found]
    assert values == sorted(values)
    for value, line in found:
        assert _legal(problem, agent, line)
        assert _cost(labeller, table, line) == value


def test_a_weekend_that_is_not_a_run_of_days_is_left_to_cp_sat():
    shifts = (ShiftType("E", 480),)
    agent = Agent("a", max_weekends=1)
    problem = Problem(days=7, shifts=shifts, agents=(agent,), weekends=((1, 5), (6,)))
    assert not labelling.Labeller(problem, agent).supported


def test_a_state_too_big_is_left_to_cp_sat(monkeypatch):
    monkeypatch.setattr(labelling, "MAX_STATES", 10)
    agent = Agent("a", max_minutes=4800, min_minutes=2400)
    problem = Problem(days=14, shifts=(ShiftType("E", 480),), agents=(agent,))
    assert not labelling.Labeller(problem, agent).supported


@needs_data
def test_instance9_pricings_that_cp_sat_cannot_prove_in_seconds_are_exact_and_quick():
    # Instance9 (Curtois & Qu): at the LP's duals of its first rounds, CP-SAT needed 10 s and more per agent. The DP
    # answers every agent; its schedule is legal and at least as cheap as the best CP-SAT finds in 2 s.
    problem = benchmark.to_problem(benchmark.load(9))
    rng = random.Random(9)
    master = patterns.Master(problem, {})
    duals = [rng.choice([0.0, 100.0, rng.uniform(0, 100)]) for _ in master.cover_rows]
    for agent in problem.agents[:6]:
        pricer = master.pricers[agent.id]
        assert pricer.labeller.supported
        columns, best, proved = pricer.exact(duals)
        assert proved and columns[0][0] == best
        assert _legal(problem, agent, columns[0][1])
        assert abs(pricer.reduced(columns[0][1], duals) - best) < 1e-6
        by_solver, solver_best, _proved = patterns.Pricer.price(pricer, duals, 2.0)
        if solver_best is not None:
            assert best <= solver_best + 1e-6
