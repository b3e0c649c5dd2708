"""Large centers: per-skill forecast cover, rostering by teams (kefu.roster.decompose) and the roster built agent by
agent (patterns.priced_roster) that large problems start from. Small sizes; the scale is bench/roster.py's."""

from dataclasses import replace
from datetime import date

import pytest

from kefu.roster import benchmark, center, decompose, engine, patterns, policy

HOTLINE = policy.with_shifts("hotline")


def skill_center(agents: int = 16, days: int = 7) -> engine.Problem:
    specs = [
        center.AgentSpec(str(3001 + i), frozenset(s for s, k in (("vip", 3), ("english", 5)) if i % k == 0))
        for i in range(agents)
    ]
    requirement = [[round(v * agents / 40) for v in HOTLINE["default_profile"]] for _ in range(days)]
    english = [[1 if 16 <= i < 44 else 0 for i in range(48)] for _ in range(days)]
    inp = center.CenterInput(
        date(2026, 3, 9),
        days,
        specs,
        requirement,  # no month-start uplift (004:L761)
        skill_requirement={"english": english},
    )
    return center.build_problem(HOTLINE, inp)


def test_a_skill_forecast_replaces_the_policys_flat_seats_for_that_skill():
    problem = skill_center()
    english = [cv for cv in problem.interval_cover if cv.skill == "english"]
    assert [cv.interval for cv in english[:3]] == [16, 17, 18] and len(english) == 7 * 28
    assert all(cv.requirement == 1 for cv in english)
    # VIP keeps the policy's seats (08:00-22:00), complaint too (no forecast given for them)
    assert {cv.skill for cv in problem.interval_cover} == {None, "vip", "complaint", "english"}


def test_under_coverage_is_reported_per_skill():
    problem = skill_center()
    ev = engine.evaluate(problem, {})
    assert ev.by_skill["english"] == (7 * 28, 7 * 28)
    assert ev.by_skill[None] == (ev.under_intervals, ev.required_intervals)
    vip_rows = [cv for cv in problem.interval_cover if cv.skill == "vip"]
    assert ev.by_skill["vip"] == (sum(cv.requirement for cv in vip_rows),) * 2


def test_teams_have_the_same_skill_mix_and_cover_every_agent_once():
    problem = skill_center(agents=30)
    teams = decompose.teams_of(problem, 3)
    assert sorted(a.id for t in teams for a in t) == sorted(a.id for a in problem.agents)
    assert {len(t) for t in teams} == {10}
    for skill in ("vip", "english"):
        counts = [sum(1 for a in t if skill in a.skills) for t in teams]
        assert max(counts) - min(counts) <= 1


def test_roster_by_teams_is_legal_and_the_residual_cover_goes_to_later_teams():
    problem = skill_center(agents=16, days=7)
    out = decompose.solve_by_teams(problem, 2, time_limit=20, workers=1, first_share=1.0)
    assert out.evaluation.hard == [] and out.status == "FEASIBLE"
    # one solve per team first; a second pass only when the first proved its teams early and time is left
    assert [t.agents for t in out.teams[:2]] == [8, 8] and {t.agents for t in out.teams} == {8}
    # the merged roster is evaluated on the whole center: the same numbers as an independent evaluation
    again = engine.evaluate(problem, out.roster)
    assert again.soft_cost == out.evaluation.soft_cost and again.by_skill == out.evaluation.by_skill
    # better than the constructive roster the engine starts from
    assert out.evaluation.soft_cost <= engine.evaluate(problem, engine.greedy_roster(problem)).soft_cost


def test_a_second_pass_solves_each_team_against_what_the_others_leave_and_never_loses():
    problem = skill_center(agents=16, days=7)
    lines = []
    out = decompose.solve_by_teams(problem, 2, time_limit=40, workers=1, first_share=0.5, log=lines.append)
    assert out.evaluation.hard == []
    assert out.wall_seconds <= 40 + 1  # the passes leave time for the merged roster's evaluation
    later = [line for line in lines if line.startswith("pass 2")]
    assert later, lines
    for line in later:  # "pass 2, team 1/2: objective A -> B ..."
        before, after = line.split("objective ")[1].split(" time")[0].split(" -> ")
        assert int(after) <= int(before)


def test_one_team_is_the_whole_model():
    problem = skill_center(agents=6, days=3)
    out = decompose.solve_by_teams(problem, 1, time_limit=10, workers=1)
    assert out.evaluation.hard == [] and len(out.teams) == 1


@pytest.mark.skipif(not (benchmark.DATA_DIR / "Instance13.txt").exists(), reason="benchmark data missing")
@pytest.mark.parametrize("number", [1, 7])
def test_priced_roster_keeps_every_rule(number):
    inst = benchmark.load(number)
    roster = patterns.priced_roster(benchmark.to_problem(inst), float("inf"))
    _cost, errors = benchmark.check(inst, roster)
    assert errors == []


def test_priced_roster_fills_the_cover_the_agents_before_left():
    d = engine.ShiftType("D", 480)
    agents = tuple(engine.Agent(str(i), max_consecutive=2) for i in range(2))
    p = engine.Problem(
        days=4,
        shifts=(d,),
        agents=agents,
        shift_cover=tuple(engine.ShiftCover(day, "D", 1, 100, 1) for day in range(4)),
    )
    roster = patterns.priced_roster(p, float("inf"))
    assert engine.evaluate(p, roster).hard == []
    # the first agent works 3 of the 4 days (at most 2 in a row); the second fills the day left, and only that one
    assert sum(1 for (a, _day) in roster if a == "0") == 3
    assert [sum(1 for (_a, day) in roster if day == t) for t in range(4)] == [1, 1, 1, 1]


def test_a_legal_hint_is_the_answer_when_the_search_finds_nothing():
    problem = skill_center(agents=6, days=3)
    hint = engine.greedy_roster(problem)
    builder = engine.build_model(problem)
    status, values, objective, bound = engine.solve_model(builder, 0.0001, 1, hint, False)
    assert status in ("FEASIBLE", "OPTIMAL") and values is not None
    if bound is None:  # the solver had no time: the hint came back
        assert engine.roster_of(builder, values) == hint
        assert objective == engine.evaluate(replace(problem), hint).soft_cost
