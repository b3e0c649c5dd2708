"""Rosters of a large center by teams (issue 18, item 2): the agents split into teams that one engine.solve each
can handle, the cover shared out as it goes. No Django here.

Agents are coupled only through the cover (and the fair-load terms), so a team can be rostered alone against its share
of the cover. The teams are solved one after another; each team's share is taken from what the teams before it left
uncovered (its share of that residual: its agents holding the row's skill over those of the teams still to come,
rounded up), so a shortfall of one team is picked up by the next, and the last team takes the whole residual. Each
team gets the time in proportion to its size. Every rule of an agent holds in its team's model, so the merged roster is
legal whenever every team's is; what the split gives up is the freedom to trade shifts across teams within an interval
and the fair-load spread across the whole center (measured within each team only).

Teams are dealt round-robin from the agents sorted by their skills, so each team has about the same skill mix (and
each skill row a holder in every team where the center has enough of them).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

from kefu.roster import engine


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


def solve_by_teams(problem: engine.Problem, teams: int | list[list[engine.Agent]], *, time_limit: float,
                   workers: int = 2, seed: int = 0, log=None) -> Decomposed:
    """Roster each team in turn against its share of the cover still missing; merge and evaluate on the whole center.
    log: called with a line per team (progress for a person waiting)."""
    started = time.monotonic()
    deadline = started + time_limit
    groups = teams_of(problem, teams) if isinstance(teams, int) else teams
    shifts = {s.code: s for s in problem.shifts}
    seats: dict[tuple[int, str | None], int] = {}  # interval cover reached so far
    counts: dict[tuple[int, str], int] = {}  # shift cover reached so far
    roster: engine.Roster = {}
    results = []
    for k, team in enumerate(groups):
        later = [a for g in groups[k:] for a in g]
        ids = {a.id for a in team}
        interval_cover = []
        for cv in problem.interval_cover:
            need = max(0, cv.requirement - seats.get((cv.interval, cv.skill), 0))
            mine, all_left = _holders(team, cv.skill), _holders(later, cv.skill)
            share = need if k == len(groups) - 1 else (math.ceil(need * mine / all_left) if all_left else 0)
            if share or cv.over_weight:
                interval_cover.append(replace(cv, requirement=share))
        shift_cover = []
        for cv in problem.shift_cover:
            need = max(0, cv.requirement - counts.get((cv.day, cv.shift), 0))
            share = need if k == len(groups) - 1 else math.ceil(need * len(team) / len(later))
            shift_cover.append(replace(cv, requirement=share))
        sub = replace(problem, agents=tuple(team), interval_cover=tuple(interval_cover), shift_cover=tuple(shift_cover),
                      requests=tuple(r for r in problem.requests if r.agent in ids),
                      fixed=tuple(f for f in problem.fixed if f[0] in ids))
        left = deadline - time.monotonic()
        limit = max(1.0, left * len(team) / len(later))
        sol = engine.solve(sub, time_limit=limit, workers=workers, seed=seed + k)
        results.append(TeamResult(len(team), sol.status, sol.objective, round(sol.wall_seconds, 1)))
        if log:
            log(f"team {k + 1}/{len(groups)}: {len(team)} agents, status={sol.status} objective={sol.objective} "
                f"time={sol.wall_seconds:.1f}s")
        skills = {a.id: a.skills for a in team}
        wanted = {cv.skill for cv in problem.interval_cover}
        for (agent, day), code in sol.roster.items():
            roster[(agent, day)] = code
            counts[(day, code)] = counts.get((day, code), 0) + 1
            for t in engine.intervals_of(shifts[code], day, problem.interval_minutes):
                for sk in wanted:
                    if sk is None or sk in skills[agent]:
                        seats[(t, sk)] = seats.get((t, sk), 0) + 1
    return Decomposed(roster, engine.evaluate(problem, roster), results, time.monotonic() - started)
