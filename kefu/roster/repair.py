"""Re-rostering without reshuffling: repair a published roster after a change (issue 18, item 3).

No Django here. The caller states the change in the problem itself: an absence as days off of that agent, a swap as
fixed cells (`Problem.fixed`), a forecast update as new cover rows. `repair()` then solves the same rule model as
`engine.solve` with one more cost: `move_cost` for every cell (agent, day) whose shift differs from the published one
(a shift removed, added or changed). So a cell moves only when the change requires it, or when moving it lowers the
roster's cost by more than the move costs; the published shift of every confirmed cell is fixed unless the change
itself forbids it (a confirmed shift on a day the agent is now absent). A planner frees a confirmed cell by hand by
leaving it out of `confirmed`.

Ties go to fewer moves: the model minimises (cells + 1) x (soft cost + move_cost x moves) + moves, so of two rosters
with the same cost the one that moves fewer cells wins, and at an optimum no group of optional moves could be undone
at no loss.

Search: the published roster minus the cells the change forbids is usually legal already (removing a shift cannot
break an upper limit); it is the start, and large-neighbourhood search (`kefu.roster.lns`) improves it around the
cover it left short. When it is not legal (a minimum stretch or minimum hours broken), CP-SAT searches the whole model
hinted with it first. When no roster keeps every hard rule, the rule families are relaxed as in `engine.solve`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from kefu.roster import engine, lns

Cell = tuple[str, int]
FIRST_PHASE = 2.0  # seconds of whole-model search before LNS takes over (once a roster exists)
FIRST_SHARE = 0.1  # ... or this share of the time limit when that is less


@dataclass(frozen=True)
class Move:
    agent: str
    day: int
    before: str | None  # published shift (None: off)
    after: str | None
    required: bool  # the change forbids the published shift of this cell


@dataclass
class Repaired:
    status: str  # OPTIMAL, FEASIBLE (legal, not proved best), INFEASIBLE
    roster: engine.Roster
    moves: list[Move]
    required: set[Cell]  # cells whose published shift the change forbids
    kept: int  # published assignments not required to change that the repair keeps
    keepable: int  # published assignments not required to change
    evaluation: engine.Evaluation | None
    relaxed: bool
    conflicts: list[str]
    wall_seconds: float
    history: list[tuple[float, int, str]] = field(default_factory=list)

    @property
    def kept_share(self) -> float:
        return self.kept / self.keepable if self.keepable else 1.0

    @property
    def affected(self) -> list[str]:
        """Agents with at least one moved cell (to be told), in roster order of their first move."""
        return list(dict.fromkeys(m.agent for m in self.moves))


def required_changes(problem: engine.Problem, published: engine.Roster) -> set[Cell]:
    """Published cells the changed problem forbids on their own: the agent is now off that day, no longer has the
    skill or the shift limit, the shift is not worked that day any more or is gone, or a fixed cell (a swap) says
    otherwise. Knock-on effects (a stretch now too short) are left to the model: they cost moves like any other."""
    agents = {a.id: a for a in problem.agents}
    shifts = {s.code: s for s in problem.shifts}
    fixed = {(a, d): code for a, d, code in problem.fixed}
    out: set[Cell] = set()
    for (agent, day), code in published.items():
        a, s = agents.get(agent), shifts.get(code)
        if a is None or s is None or not 0 <= day < problem.days:
            out.add((agent, day))
        elif (
            day in a.days_off
            or (s.skill is not None and s.skill not in a.skills)
            or a.max_shifts.get(code, 1) == 0
            or (s.only_days is not None and day not in s.only_days)
        ):
            out.add((agent, day))
    for cell, code in fixed.items():
        if published.get(cell) != code:
            out.add(cell)
    return out


def moves_between(
    problem: engine.Problem, published: engine.Roster, roster: engine.Roster, required: set[Cell] = frozenset()
) -> list[Move]:
    """Cells of the problem's agents and days whose shift differs between the two rosters."""
    out = []
    for a in problem.agents:
        for d in range(problem.days):
            before, after = published.get((a.id, d)), roster.get((a.id, d))
            if before != after:
                out.append(Move(a.id, d, before, after, (a.id, d) in required))
    return out


def kept_assignments(published: engine.Roster, roster: engine.Roster, required: set[Cell]) -> tuple[int, int]:
    """(published assignments not required to change that roster keeps, how many there are)."""
    keepable = [cell for cell in published if cell not in required]
    return sum(1 for cell in keepable if roster.get(cell) == published[cell]), len(keepable)


def _with_confirmed(
    problem: engine.Problem, published: engine.Roster, confirmed, required: set[Cell]
) -> engine.Problem:
    """The problem with every confirmed cell the change leaves legal fixed to its published shift."""
    already = {(a, d) for a, d, _code in problem.fixed}
    pins = tuple(
        (agent, day, published.get((agent, day)))
        for agent, day in sorted(confirmed)
        if (agent, day) not in required and (agent, day) not in already
    )
    return replace(problem, fixed=problem.fixed + pins) if pins else problem


def _add_move_costs(builder, published: engine.Roster, move_cost: int) -> None:
    """Replace the model's objective by (cells + 1) x (soft cost + move_cost x moves) + moves."""
    p = builder.p
    moved = []
    for a in p.agents:
        for d in range(p.days):
            code = published.get((a.id, d))
            if code is None:
                moved.append(builder.work[(a.id, d)])
            else:
                x = builder.x.get((a.id, d, code))
                moved.append(1 if x is None else 1 - x)
    scale = len(moved) + 1
    soft = sum(w * v for w, v in builder.terms)
    builder.m.Minimize(scale * soft + (scale * move_cost + 1) * sum(moved))


def repair(
    problem: engine.Problem,
    published: engine.Roster,
    *,
    move_cost: int,
    confirmed=frozenset(),
    time_limit: float = 30.0,
    workers: int = 2,
    seed: int = 0,
    log: bool = False,
) -> Repaired:
    """Repair `published` for the changed `problem` (see the module's docstring). confirmed: cells (agent, day) whose
    published shift (or day off) is fixed unless the change forbids it."""
    started = time.monotonic()
    deadline = started + time_limit
    required = required_changes(problem, published)
    model_problem = _with_confirmed(problem, published, confirmed, required)
    start = {cell: code for cell, code in published.items() if cell not in required}
    relaxed = False
    builder = engine.build_model(model_problem)
    _add_move_costs(builder, published, move_cost)
    # the answer (roster, evaluation, moves) is assembled after the search; its evaluation is timed here on the start
    # (0.5 s on the 150-agent month at load 7, more at load 17), and the search ends one and a half times that early
    measured = time.monotonic()
    engine.evaluate(problem, start)
    tail = 1.5 * (time.monotonic() - measured)
    # the whole model hinted with the minimal repair: small problems are proved here; larger ones stop once a roster
    # exists after FIRST_PHASE seconds and LNS goes on from it
    first_phase = min(FIRST_PHASE, time_limit * FIRST_SHARE)
    status, values, objective, _bound = engine.solve_model(
        builder, deadline - tail - time.monotonic(), workers, start, log, first_phase
    )
    if values is None:
        relaxed = True
        builder = engine.build_model(model_problem, relax=True)
        _add_move_costs(builder, published, move_cost)
        status, values, objective, _bound = engine.solve_model(
            builder, max(1.0, deadline - time.monotonic()), workers, start, log, first_phase
        )
    found = None if values is None else (values, objective)
    history: list[tuple[float, int, str]] = []
    if found is not None and status != "OPTIMAL" and deadline - tail - time.monotonic() > 0.2:
        values, objective = found
        index = {a.id: i for i, a in enumerate(problem.agents)}
        cells = [(index[agent], d, v.Index()) for (agent, d, _code), v in builder.x.items()]
        result = lns.improve(
            builder.m,
            cells,
            values,
            objective,
            deadline - tail,
            seed=seed,
            threads=workers,
            short_days=lambda vals: [d for idx, d in builder.shortfalls if vals[idx] > 0],
        )
        found, history = (result.values, result.objective), result.history
    roster = engine.roster_of(builder, found[0]) if found is not None else dict(start)
    evaluation = engine.evaluate(problem, roster) if found is not None else None
    kept, keepable = kept_assignments(published, roster, required)
    if relaxed and status == "OPTIMAL":
        status = "FEASIBLE"
    return Repaired(
        status=status if found is not None else "INFEASIBLE",
        roster=roster,
        moves=moves_between(problem, published, roster, required),
        required=required,
        kept=kept,
        keepable=keepable,
        evaluation=evaluation,
        relaxed=relaxed,
        conflicts=sorted({v.family for v in evaluation.hard}) if evaluation else [],
        wall_seconds=time.monotonic() - started,
        history=history,
    )
