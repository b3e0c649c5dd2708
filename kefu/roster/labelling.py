"""Exact least-cost schedule of one agent by dynamic programming over the days (no Django, no solver).

Column generation (kefu.roster.patterns) asks, per agent and round, for the schedule of least reduced cost under
every rule of that agent. A CP-SAT model answers that in a few milliseconds most of the time, but at some duals it
needs seconds (Instance9 of the Curtois & Qu benchmark: 10 s and more per agent in its first rounds, when the rules on
minutes, stretches and weekends pull against a nearly flat objective), and the LP phase cannot converge. Here the
same rules are a resource-constrained shortest path over the days, solved exactly in a time that does not depend on the
costs: the state after a day is the kind of the last day (off, or a class of shifts that forbid the same successors)
with the length of the current stretch, and the resources the rules bound over the whole horizon (minutes in units of
the shift lengths' common divisor, worked weekends, shifts of each limited type, worked days). One numpy array holds the
least cost of every state; a day is a handful of array operations, one per group of moves that add the same resources.

The rules are those `engine.build_model` builds for one agent (`engine.evaluate` says the same in words): days off,
shifts only on their days, skills, fixed cells, forbidden successors, limits per shift type, minimum and maximum
minutes, maximum stretch of work, minimum stretches of work and rest that start and end inside the horizon, worked
weekends (a group counts when any of its days is worked; groups must be runs of consecutive days) and minimum days
off. `Labeller.supported` is False when the state would be too big or the weekends are not runs: the caller then
prices with CP-SAT.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kefu.roster import engine

MAX_STATES = 400_000  # (kinds x stretches) x resource cells above which CP-SAT prices instead (memory and time)

Line = tuple[str | None, ...]


@dataclass(frozen=True)
class _Move:
    """Working choice `choice` (0 = off, i = shifts[i - 1]) after state key `src`, leading to key `dst`, adding
    `offset` to the resource indexes."""

    src: tuple[int, int]
    dst: tuple[int, int]
    choice: int
    offset: tuple[int, ...]


class Labeller:
    def __init__(self, problem: engine.Problem, agent: engine.Agent):
        H = problem.days
        self.days = H
        self.shifts = [
            s
            for s in problem.shifts
            if (s.skill is None or s.skill in agent.skills) and agent.max_shifts.get(s.code, 1) != 0
        ]
        fixed = {d: code for a, d, code in problem.fixed if a == agent.id}
        # choices per day: 0 = off, i = self.shifts[i - 1] (the cells engine.build_model creates, then its clauses)
        self.allowed: list[list[int]] = []
        for d in range(H):
            choices = [0] if fixed.get(d, None) is None else []
            if d not in agent.days_off:
                for i, s in enumerate(self.shifts, 1):
                    if (s.only_days is None or d in s.only_days) and (d not in fixed or fixed[d] == s.code):
                        choices.append(i)
            self.allowed.append(choices)
        # resources: one axis each, (size, increment per choice) -------------------------------------------
        axes: list[tuple[int, list[int]]] = []
        lengths = [s.length_minutes for s in self.shifts]
        total = H * max(lengths, default=0)
        self.min_units = 0
        self.minutes_axis = None
        if agent.min_minutes > 0 or (agent.max_minutes is not None and agent.max_minutes < total):
            unit = math.gcd(*lengths) or 1
            cap = total if agent.max_minutes is None else min(total, agent.max_minutes)
            self.minutes_axis = len(axes)
            axes.append((cap // unit + 1, [0] + [n // unit for n in lengths]))
            self.min_units = -(-agent.min_minutes // unit)
        for code, limit in agent.max_shifts.items():
            days_possible = sum(1 for d in range(H) for i in self.allowed[d] if i and self.shifts[i - 1].code == code)
            if limit > 0 and days_possible > limit:
                axes.append((limit + 1, [0] + [1 if s.code == code else 0 for s in self.shifts]))
        weekend_axis = None
        self.weekend_of: dict[int, bool] = {}  # day of a weekend group -> whether it is the group's first
        self.supported = True
        if agent.max_weekends is not None and agent.max_weekends < len(problem.weekends):
            for group in problem.weekends:
                days = sorted(group)
                if days != list(range(days[0], days[0] + len(days))):
                    self.supported = False  # not a run of days: "worked" is not known from the last day alone
                for d in days:
                    self.weekend_of[d] = d == days[0]
            weekend_axis = len(axes)
            axes.append((agent.max_weekends + 1, [0] * (len(self.shifts) + 1)))
        if agent.min_days_off > 0:
            axes.append((max(0, H - agent.min_days_off) + 1, [0] + [1] * len(self.shifts)))
        self.shape = tuple(size for size, _inc in axes) or (1,)
        self.increments = [tuple(inc[c] for _size, inc in axes) or (0,) for c in range(len(self.shifts) + 1)]
        self.weekend_axis = weekend_axis
        # the last day's kind: off (0) or a class of shifts with the same forbidden successors (1..) ------------
        classes: dict[frozenset[str], int] = {}
        self.kind = [0]
        for s in self.shifts:
            self.kind.append(classes.setdefault(s.forbidden_next, len(classes) + 1))
        self.forbids = {k: f for f, k in classes.items()}  # kind -> codes it forbids the next day
        max_run = agent.max_consecutive if agent.max_consecutive is not None and agent.max_consecutive < H else None
        self.max_run = max_run
        self.work_cap = max(max_run or 0, agent.min_consecutive, 1)
        self.off_cap = max(agent.min_consecutive_off, 1)
        self.min_work, self.min_off = agent.min_consecutive, agent.min_consecutive_off
        # state keys (kind, stretch): (0, 0) before day 0, then off stretches, then work stretches per shift class
        self.keys = [(0, 0)] + [(0, r) for r in range(1, self.off_cap + 1)]
        self.keys += [(k, r) for k in self.forbids for r in range(1, self.work_cap + 1)]
        if len(self.keys) * int(np.prod(self.shape)) > MAX_STATES:
            self.supported = False
        self.days_plan: list | None = None  # built on the first call of best

    def _plan(self) -> None:
        """Per day, the moves the rules allow from every state key, grouped so that one numpy operation does each group
        (the same every call: built once). A day's candidates are rows of one array: for each group of moves with the
        same resource offset, rows[start:stop]; `table[dst]` lists the rows that reach key dst (padded with the row
        past the end, which stays at infinity)."""
        keys = self.keys
        index = {key: i for i, key in enumerate(keys)}
        self.days_plan = []
        for d in range(self.days):
            moves = [m for key in keys for m in self._moves(d, key)]
            by_offset: dict[tuple[int, ...], list[_Move]] = {}
            for m in moves:
                by_offset.setdefault(m.offset, []).append(m)
            ordered, groups = [], []
            for offset, ms in by_offset.items():
                start = len(ordered)
                ordered += ms
                src = np.array([index[m.src] for m in ms])
                choice = np.array([m.choice for m in ms])
                groups.append((start, len(ordered), src, choice, self._shifter(offset)))
            into: list[list[int]] = [[] for _ in keys]
            for row, m in enumerate(ordered):
                into[index[m.dst]].append(row)
            width = max(1, max(len(rows) for rows in into))
            table = np.array([rows + [len(ordered)] * (width - len(rows)) for rows in into], dtype=np.intp)
            self.days_plan.append((ordered, groups, table, [index[m.src] for m in ordered]))

    def _moves(self, d: int, src: tuple[int, int]) -> list[_Move]:
        moves = []
        kind, run = src
        for c in self.allowed[d]:
            if c == 0:
                if kind == 0:
                    dst = (0, min(run + 1, self.off_cap))
                elif run >= self.min_work or run == d:  # a work stretch from day 0 may have begun earlier
                    dst = (0, 1)
                else:
                    continue
                moves.append(_Move(src, dst, 0, (0,) * len(self.shape)))
                continue
            if kind == 0:
                if not (run >= self.min_off or run == d):
                    continue
                dst = (self.kind[c], 1)
            else:
                if self.shifts[c - 1].code in self.forbids[kind]:
                    continue
                if self.max_run is not None and run + 1 > self.max_run:
                    continue
                dst = (self.kind[c], min(run + 1, self.work_cap))
            offset = list(self.increments[c])
            if self.weekend_axis is not None and d in self.weekend_of:
                if self.weekend_of[d] or kind == 0:  # the group's first worked day
                    offset[self.weekend_axis] += 1
            if all(o < n for o, n in zip(offset, self.shape)):  # else it breaks a limit whatever came before
                moves.append(_Move(src, dst, c, tuple(offset)))
        return moves

    def _shifter(self, offset: tuple[int, ...]):
        """(target slices, source slices) moving resource indexes up by offset, or None for no move."""
        if not any(offset):
            return None
        return (tuple(slice(o, None) for o in offset), tuple(slice(0, n - o) for o, n in zip(offset, self.shape)))

    def best(self, costs: list[list[float]], k: int = 1) -> list[tuple[float, Line]]:
        """Up to k schedules of least cost, cheapest first, with distinct final states (so distinct schedules);
        costs[d][c]: cost of choice c (0 = off, i = shifts[i - 1]) on day d. [] when no schedule keeps the rules."""
        if self.days_plan is None:
            self._plan()
        layer = np.full((len(self.keys), *self.shape), np.inf)  # cost of the best way to each state
        layer[(0,) * (1 + len(self.shape))] = 0.0
        trail = []
        extra = (None,) * len(self.shape)  # broadcasts one value per move over the resource axes
        for d in range(self.days):
            ordered, groups, table, _src = self.days_plan[d]
            rows = np.full((len(ordered) + 1, *self.shape), np.inf)
            day_costs = np.asarray(costs[d], dtype=float)
            for start, stop, src, choice, shifter in groups:
                add = day_costs[choice][(slice(None), *extra)]
                if shifter is None:
                    rows[start:stop] = layer[src] + add
                else:
                    rows[(slice(start, stop), *shifter[0])] = layer[(src, *shifter[1])] + add
            candidates = rows[table]  # (keys, moves into each, *resources)
            arg = candidates.argmin(axis=1)
            layer = candidates.min(axis=1)
            trail.append(np.take_along_axis(table[(..., *extra)], arg[:, None], axis=1)[:, 0])  # the row taken
        if self.minutes_axis is not None and self.min_units:
            cut = [slice(None)] * (1 + len(self.shape))
            cut[1 + self.minutes_axis] = slice(0, self.min_units)
            layer[tuple(cut)] = np.inf
        flat = layer.ravel()
        take = min(k, int(np.isfinite(flat).sum()))
        if not take:
            return []
        found = sorted((float(flat[i]), int(i)) for i in np.argpartition(flat, take - 1)[:take])
        return [(value, self._line(trail, np.unravel_index(i, layer.shape))) for value, i in found]

    def _line(self, trail, state) -> Line:
        """The schedule that reaches `state` (key index, *resource indexes) after the last day."""
        line: list[str | None] = [None] * self.days
        key, index = int(state[0]), tuple(int(i) for i in state[1:])
        for d in range(self.days - 1, -1, -1):
            ordered, _groups, _table, src = self.days_plan[d]
            row = int(trail[d][(key, *index)])
            move = ordered[row]
            line[d] = self.shifts[move.choice - 1].code if move.choice else None
            index = tuple(i - o for i, o in zip(index, move.offset))
            key = src[row]
        return tuple(line)
