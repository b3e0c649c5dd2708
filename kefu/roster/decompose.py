"""Rosters of a large center by teams (issue 18, item 2): the agents split into teams that one engine.solve each
can handle, the cover shared out as it goes. No Django here.

Agents are coupled only through the cover (and the fair-load terms), so a team can be rostered alone against its share
of the cover. The teams are solved one after another; each team's share is taken from what the teams before it left
uncovered (its share of that residual: its agents holding the row's skill over those of the teams still to come,
rounded up), so a shortfall of one team is picked up by the next, and the last team takes the whole residual. Each
team gets the time in proportion to its size. Every rule of an agent holds in its team's model, so the merged roster is
legal whenever every team's is; what the split gives up is the freedom to trade shifts across teams within an interval
and the fair-load spread across the whole center (measured within each team only).

With time left, each team is solved again, from its own roster, against exactly the cover the other teams leave (a
block coordinate descent): a new roster of the team is kept only when it costs less against what the others leave, and
for the cover and the requests that is exactly what it adds to the center's cost (the fair-load spread is the team's).

A team is solved by the whole model and LNS, as the 150-agent center month is: a team of 125 agents with 4-5 shifts is
under engine.PATTERN_LARGE_CELLS, but column generation over interval cover ran far past its time there (353 s for a
36 s limit, the last team of a thousand-agent center).

Teams are dealt round-robin from the agents sorted by their skills, so each team has about the same skill mix (and
each skill row a holder in every team where the center has enough of them).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

from kefu.roster import engine

FIRST_PASS_SHARE = 0.6  # of the time, for the first pass over the teams; the rest re-solves each against the others
MIN_TEAM_SECONDS = 5.0  # a later-pass solve shorter than this is not started (a team's model takes seconds to build)


@dataclass
class TeamResult:
    agents: int
    status: str
    objective: int | None  # the team's own soft cost against its share of the cover
    seconds: float


@dataclass
class Decomposed:
    roster: engine.Roster
    evaluation: engine.Evaluation
    teams: list[TeamResult]
    wall_seconds: float

    @property
    def status(self) -> str:
        return "FEASIBLE" if not self.evaluation.hard else "INFEASIBLE"


def teams_of(problem: engine.Problem, count: int) -> list[list[engine.Agent]]:
    """`count` teams of about equal size and skill mix."""
    count = max(1, min(count, len(problem.agents)))
    ordered = sorted(problem.agents, key=lambda a: (tuple(sorted(a.skills)), a.id))
    return [ordered[i::count] for i in range(count)]


def _holders(agents: list[engine.Agent], skill: str | None) -> int:
    return len(agents) if skill is None else sum(1 for a in agents if skill in a.skills)


def _sub_problem(problem: engine.Problem, team: list[engine.Agent], interval_cover, shift_cover) -> engine.Problem:
    ids = {a.id for a in team}
    return replace(
        problem,
        agents=tuple(team),
        interval_cover=tuple(interval_cover),
        shift_cover=tuple(shift_cover),
        requests=tuple(r for r in problem.requests if r.agent in ids),
        fixed=tuple(f for f in problem.fixed if f[0] in ids),
    )


class _Count:
    """Seats per (interval, skill) and shifts per (day, shift) of a set of rosters, added and taken away by team."""

    def __init__(self, problem: engine.Problem):
        self.problem = problem
        self.shifts = {s.code: s for s in problem.shifts}
        self.skills = {a.id: a.skills for a in problem.agents}
        self.wanted = {cv.skill for cv in problem.interval_cover}
        self.seats: dict[tuple[int, str | None], int] = {}
        self.counts: dict[tuple[int, str], int] = {}

    def add(self, roster: engine.Roster, sign: int = 1) -> None:
        for (agent, day), code in roster.items():
            self.counts[(day, code)] = self.counts.get((day, code), 0) + sign
            for t in engine.intervals_of(self.shifts[code], day, self.problem.interval_minutes):
                for sk in self.wanted:
                    if sk is None or sk in self.skills[agent]:
                        self.seats[(t, sk)] = self.seats.get((t, sk), 0) + sign


def solve_by_teams(
    problem: engine.Problem,
    teams: int | list[list[engine.Agent]],
    *,
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
    first_share: float = FIRST_PASS_SHARE,
    log=None,
) -> Decomposed:
    """Roster each team in turn against its share of the cover still missing; then, while time is left, each team
    again against exactly what the other teams leave (from its own roster, kept unless the new one costs less); merge and
    evaluate on the whole center. log: called with a line per team solve (progress for a person waiting)."""
    started = time.monotonic()
    deadline = started + time_limit
    groups = teams_of(problem, teams) if isinstance(teams, int) else teams
    count = _Count(problem)
    rosters: list[engine.Roster] = []
    results = []
    first_end = started + time_limit * (first_share if len(groups) > 1 else 1.0)
    overrun = 0.0  # how far the last solve ran past its limit (building its model): taken off the next one
    for k, team in enumerate(groups):
        later = [a for g in groups[k:] for a in g]
        last = k == len(groups) - 1
        interval_cover = []
        for cv in problem.interval_cover:
            need = max(0, cv.requirement - count.seats.get((cv.interval, cv.skill), 0))
            mine, all_left = _holders(team, cv.skill), _holders(later, cv.skill)
            share = need if last else (math.ceil(need * mine / all_left) if all_left else 0)
            if share or cv.over_weight:
                interval_cover.append(replace(cv, requirement=share))
        shift_cover = []
        for cv in problem.shift_cover:
            need = max(0, cv.requirement - count.counts.get((cv.day, cv.shift), 0))
            share = need if last else math.ceil(need * len(team) / len(later))
            shift_cover.append(replace(cv, requirement=share))
        sub = _sub_problem(problem, team, interval_cover, shift_cover)
        limit = max(1.0, (first_end - time.monotonic()) * len(team) / len(later) - overrun)
        sol = engine.solve(sub, time_limit=limit, workers=workers, seed=seed + k, use_patterns=False)
        overrun = max(0.0, sol.wall_seconds - limit)
        results.append(TeamResult(len(team), sol.status, sol.objective, round(sol.wall_seconds, 1)))
        if log:
            log(
                f"team {k + 1}/{len(groups)}: {len(team)} agents, status={sol.status} objective={sol.objective} "
                f"time={sol.wall_seconds:.1f}s"
            )
        rosters.append(dict(sol.roster))
        count.add(sol.roster)
    # later passes: each team against the cover the others leave (exact for the cover and request costs)
    # merge: what evaluating the merged roster at the end will take, about the teams' evaluations added up (3-5 s for
    # a thousand agents under load); the passes stop that much early so that the whole ends by the time limit
    merge = 0.0
    k = 0
    while len(groups) > 1 and deadline - merge - time.monotonic() > MIN_TEAM_SECONDS + overrun:
        team, own = groups[k % len(groups)], rosters[k % len(groups)]
        count.add(own, -1)
        interval_cover = [
            replace(cv, requirement=max(0, cv.requirement - count.seats.get((cv.interval, cv.skill), 0)))
            for cv in problem.interval_cover
        ]
        shift_cover = [
            replace(cv, requirement=max(0, cv.requirement - count.counts.get((cv.day, cv.shift), 0)))
            for cv in problem.shift_cover
        ]
        sub = _sub_problem(
            problem, team, [cv for cv in interval_cover if cv.requirement or cv.over_weight], shift_cover
        )
        measured = time.monotonic()
        before = engine.evaluate(sub, own).soft_cost
        merge = max(merge, (time.monotonic() - measured) * len(groups))
        left = len(groups) - k % len(groups)
        limit = max(MIN_TEAM_SECONDS, (deadline - merge - time.monotonic()) / left - overrun)
        sol = engine.solve(
            sub, time_limit=limit, workers=workers, seed=seed + len(results), hint=own, use_patterns=False
        )
        overrun = max(0.0, sol.wall_seconds - limit)
        better = sol.evaluation is not None and not sol.evaluation.hard and sol.objective < before
        if better:
            rosters[k % len(groups)] = own = dict(sol.roster)
        count.add(own)
        results.append(TeamResult(len(team), sol.status, sol.objective, round(sol.wall_seconds, 1)))
        if log:
            log(
                f"pass {k // len(groups) + 2}, team {k % len(groups) + 1}/{len(groups)}: objective {before} -> "
                f"{sol.objective if better else before} time={sol.wall_seconds:.1f}s"
            )
        k += 1
    roster = {cell: code for r in rosters for cell, code in r.items()}
    return Decomposed(roster, engine.evaluate(problem, roster), results, time.monotonic() - started)
