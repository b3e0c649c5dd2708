"""Column generation over whole-horizon schedules of one agent (Dantzig-Wolfe), then a dive to an integer roster.

No Django here. A roster couples agents only through the cover, so the roster problem splits into "one schedule
(a column) per agent" plus the cover rows. The linear relaxation of that master is far tighter than the one of the
compact model (Instance5 of the Curtois & Qu benchmark: about 1,140 against 710 for the compact LP and 1 for the
bound CP-SAT reports on 2 workers), so:

1. The master LP (GLOP) starts from each agent's schedule in the incumbent roster and asks, per agent, for a schedule
   of negative reduced cost: a small CP-SAT model holding every rule of that one agent (the same `engine.build_model`
   rules, so a column is always a legal schedule), with the cover duals in its objective. Every improving schedule the
   pricing search meets becomes a column. Where CP-SAT is cut short, the exact labelling DP over the days
   (`kefu.roster.labelling`) answers instead, and goes first for that agent while it is the quicker.
2. When no agent has a schedule of negative reduced cost, the LP value is a lower bound of the roster's cost; before
   that, LP value + each agent's (exact) most negative reduced cost is one (Lagrangian bound).
3. A dive turns the LP into a roster: fix the agents whose schedule the LP chose (nearly) whole, price the others again,
   repeat (Plan.fill_below: the last few agents are chosen together by the whole rule model). The result is kept only
   when it is better than the incumbent on the terms the master prices.

Fair-load terms (night/weekend spread) are not in the master: the engine re-evaluates the whole objective and keeps the
better roster. `price_and_branch` returns plain data.
"""

from __future__ import annotations

import math
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from kefu.roster import engine, labelling

SCALE = 1000  # duals are rounded to 1/SCALE in the pricing objective (CP-SAT takes integer coefficients)
MAX_COLUMNS_PER_PRICING = 8
PRICING_TIME_LIMIT = 0.5  # seconds per agent and round: one hard pricing must not stall the round
# CP-SAT prices in parallel and finds varied columns, most often in a few milliseconds, but at some duals it needs
# seconds (Instance9: 10 s and more). Where the labelling DP supports the agent, CP-SAT gets this long; cut short, the
# DP answers, and goes first for that agent from then on while it answers within this time too (3-16 ms a pricing on
# Instances 6, 9, 11 and 12; up to 0.8 s on Instances 8 and 10, where CP-SAT is rarely cut short).
QUICK_PRICING = 0.1
SMOOTHING = 0.7  # weight of the stability centre in the pricing duals (Wentges smoothing): fewer rounds to converge
FILL_SHARE = 0.05  # share of the time kept to choose the last agents' schedules together when the dive runs late
ABANDON_AT = 0.1  # after this share of its time, the LP phase is given up at the second round in a row with a pricing
# cut short: it will not converge in time (Instance9: from the 4th round on; Instances 8, 10-12 never on this machine)


@dataclass(frozen=True)
class Plan:
    """How long the LP phase may run and how the LP becomes a roster. Defaults: Instances 1-11 (up to
    engine.PATTERN_MAX_CELLS agent-days x shifts)."""

    lp_share: float = 0.6  # of the time to the deadline, the most the LP phase takes
    give_up: bool = True  # give up the LP phase when pricings keep running out of time (ABANDON_AT)
    max_gap: float = 0.05  # dive only when the LP value is within this share of the proven bound (inf: always)
    step: float = 0.1  # share of the agents fixed per step when the LP chose none of them whole ...
    of_free: bool = False  # ... of the agents still free, with those it chose whole (a geometric dive), or of all
    rounds: int = 2  # pricing rounds after each step
    last_rounds: int | None = None  # ... while the last third of the agents are free (None: until the LP is solved)
    converge_below: int = 0  # from this many agents free on, each step is priced until the LP is solved
    fill_below: int = 0  # from this many agents free on, they get the whole rule model together (Master.fill)
    fill_time: float = 5.0  # ... for at most this many seconds
    dives: int = 6  # dives from the LP at most, the later ones with randomised choices, while time is left


# Instance12 (60 agents x 28 days x 10 shifts): the LP comes within 1 % of its optimum (4,040, the best known) in about
# 20 s, but pricing 60 agents a round leaves no time for the default dive. Measured on a quiet machine, 60 s each:
# - fix a fifth of the free agents per step, 3 rounds: the LP holds until about 20 agents are left, then climbs; the
#   dive ends 15-30 % above it (a third per step: worse). LNS takes that to 4,082-4,390.
# - 5 rounds per step for the last third and the last 4 priced until solved: the dive ends 4,208-4,617 and LNS
#   4,081-4,182 (until solved for the whole last third: 12 s a step, the dive runs out of time).
# - the LP phase stops at 40 % of the time (at 50 %: 4,174-4,525; 35 %: 4,247), leaving the time to the dive and LNS.
# - from 10 agents free on, those 10 chosen together by the whole rule model (5 s): the dive ends 4,192-4,446 and LNS
#   4,064-4,172 in 7 runs (without: dives 4,249-4,606, LNS 4,067-4,382 in 8 runs; from 12 on, 8 s: 4,067-4,362 in 4).
# Never give up and always dive: the LNS left afterwards is too short to start from the first roster, and under load a
# few of its pricings run out of time now and then.
LARGE_PLAN = Plan(
    lp_share=0.4,
    give_up=False,
    max_gap=float("inf"),
    step=0.2,
    of_free=True,
    rounds=3,
    last_rounds=5,
    converge_below=4,
    fill_below=10,
    fill_time=5.0,
    dives=1,
)


@dataclass
class Outcome:
    roster: engine.Roster  # the dive's roster, or the incumbent when the dive found nothing better
    objective: int  # master cost of that roster (requests + cover)
    improved: bool  # roster is the dive's (better than the incumbent)
    lp_value: float | None
    lower_bound: int | None  # proven lower bound of requests + cover cost (None: pricing not proved)
    columns: int
    rounds: int
    converged: bool
    history: list[tuple[float, str, float]] = field(default_factory=list)  # (seconds, what, value)


Line = tuple[str | None, ...]  # shift code (or None) per day of one agent


def _rows(problem: engine.Problem):
    """Cover rows: (requirement, under weight, over weight, key); keys ('s', day, shift) for shift cover, ('i', interval,
    skill) for interval cover. Which (day, shift) of an agent counts in which row: _covered_rows."""
    rows = [(c.requirement, c.under_weight, c.over_weight, ("s", c.day, c.shift)) for c in problem.shift_cover]
    rows += [(c.requirement, c.under_weight, c.over_weight, ("i", c.interval, c.skill)) for c in problem.interval_cover]
    return rows


def _covered_rows(problem: engine.Problem, agent: engine.Agent, row_index: dict) -> dict[tuple[int, str], list[int]]:
    """(day, shift) -> indexes of the cover rows a shift of this agent counts in."""
    out: dict[tuple[int, str], list[int]] = {}
    for d in range(problem.days):
        for s in problem.shifts:
            idx = []
            if ("s", d, s.code) in row_index:
                idx.append(row_index[("s", d, s.code)])
            if problem.interval_cover and s.covers_intervals:
                for t in engine.intervals_of(s, d, problem.interval_minutes):
                    for sk in (None, *agent.skills):
                        i = row_index.get(("i", t, sk))
                        if i is not None:
                            idx.append(i)
            if idx:
                out[(d, s.code)] = idx
    return out


def line_cost(requests: list[engine.Request], line: Line) -> int:
    """Cost of one agent's requests on one schedule (the same rule as engine.evaluate)."""
    return sum(r.weight for r in requests if engine.request_missed(r, line[r.day] if 0 <= r.day < len(line) else None))


class Pricer:
    """The rules of one agent; `price(duals)` returns schedules of least reduced cost, found by the exact labelling DP
    (kefu.roster.labelling) where it supports the agent's rules at a manageable size, else by a CP-SAT model."""

    def __init__(
        self,
        problem: engine.Problem,
        agent: engine.Agent,
        requests: list[engine.Request],
        covered: dict[tuple[int, str], list[int]],
    ):
        single = engine.Problem(
            days=problem.days,
            shifts=problem.shifts,
            agents=(agent,),
            weekends=problem.weekends,
            interval_minutes=problem.interval_minutes,
            fixed=tuple(f for f in problem.fixed if f[0] == agent.id),
        )
        self.builder = engine.build_model(single)
        self.agent, self.requests, self.covered, self.days = agent, requests, covered, problem.days
        self.labeller = labelling.Labeller(problem, agent)
        self.use_dp = False  # set once CP-SAT ran out of QUICK_PRICING: such duals come back, the DP goes first then
        if self.labeller.supported:  # cost of each choice of each day without the duals: the missed requests
            choices = [None] + [s.code for s in self.labeller.shifts]
            self.request_table = [
                [float(sum(r.weight for r in requests if r.day == d and engine.request_missed(r, c))) for c in choices]
                for d in range(problem.days)
            ]
            self.choice_rows = [
                [self.covered.get((d, c), ()) if c else () for c in choices] for d in range(problem.days)
            ]
        self.cells = [(d, code, v.Index()) for (_a, d, code), v in self.builder.x.items()]
        # request cost as a linear function of the cells, up to a constant (the weights of the on-requests)
        self.request_coef: dict[int, int] = {}
        by_day: dict[int, list[tuple[str, int]]] = {}
        for d, code, idx in self.cells:
            by_day.setdefault(d, []).append((code, idx))
        for r in requests:
            targets = [idx for code, idx in by_day.get(r.day, []) if r.shift is None or code == r.shift]
            sign = -1 if r.on else 1
            for idx in targets:
                self.request_coef[idx] = self.request_coef.get(idx, 0) + sign * r.weight

    def price(self, duals: list[float], time_limit: float) -> tuple[list[tuple[float, Line]], float | None, bool]:
        """(columns as (reduced cost without the convexity dual, line), least such cost, proved optimal) by CP-SAT;
        where the labelling DP can take over, CP-SAT gets at most QUICK_PRICING seconds."""
        if self.labeller.supported:
            time_limit = min(time_limit, QUICK_PRICING)
        coef: dict[int, int] = {idx: SCALE * c for idx, c in self.request_coef.items()}
        for d, code, idx in self.cells:
            rows = self.covered.get((d, code))
            if rows:
                coef[idx] = coef.get(idx, 0) - round(SCALE * sum(duals[i] for i in rows))
        sub = self.builder.m.clone()
        items = [(i, c) for i, c in coef.items() if c]
        sub.Minimize(
            cp_model.LinearExpr.WeightedSum(
                [sub.get_int_var_from_proto_index(i) for i, _ in items], [c for _, c in items]
            )
        )
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = time_limit
        # measured on the benchmark's one-agent models: LP with clauses on (level 2), no probing, cuts or symmetry
        # search and one presolve pass: about 2x faster than the defaults, same optima
        solver.parameters.linearization_level = 2
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.cut_level = 0
        solver.parameters.symmetry_level = 0
        solver.parameters.max_presolve_iterations = 1
        found: list[list[int]] = []

        class Keep(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(cb):  # noqa: N805 - the callback's own instance
                found.append([cb.Value(sub.get_int_var_from_proto_index(idx)) for _d, _c, idx in self.cells])

        status = solver.Solve(sub, Keep())
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return [], None, False
        out = []
        for values in found[-MAX_COLUMNS_PER_PRICING:]:
            line: list[str | None] = [None] * self.days
            for (d, code, _idx), val in zip(self.cells, values):
                if val:
                    line[d] = code
            line = tuple(line)
            out.append((self.reduced(line, duals), line))
        best = min(r for r, _ in out) if out else None
        return out, best, status == cp_model.OPTIMAL

    def exact(
        self, duals: list[float], found: list[tuple[float, Line]] = ()
    ) -> tuple[list[tuple[float, Line]], float | None, bool]:
        """The same answer as `price`, always proved, by the labelling DP (only where labeller.supported); the
        schedules CP-SAT `found` before it was cut short are kept as columns too."""
        started = time.perf_counter()
        table = [
            [base - sum(duals[i] for i in rows) for base, rows in zip(costs, covered)]
            for costs, covered in zip(self.request_table, self.choice_rows)
        ]
        out = self.labeller.best(table, MAX_COLUMNS_PER_PRICING)
        self.use_dp = time.perf_counter() - started < QUICK_PRICING  # faster than CP-SAT's allowance: first from now on
        seen = {line for _r, line in out}
        out += [(r, line) for r, line in found if line not in seen]
        return out, (out[0][0] if out else None), bool(out)

    def reduced(self, line: Line, duals: list[float]) -> float:
        value = float(line_cost(self.requests, line))
        for d, code in enumerate(line):
            if code is not None:
                value -= sum(duals[i] for i in self.covered.get((d, code), ()))
        return value


def priced_roster(problem: engine.Problem, deadline: float, clock=time.monotonic) -> engine.Roster | None:
    """A legal roster built agent by agent: each takes its schedule of least cost under every one of its rules (the
    labelling DP, or CP-SAT where the DP does not support it), where a seat still missing is worth its under weight and
    a seat already filled costs its over weight. The cover is soft, so this always keeps every hard rule when each
    agent has a legal schedule at all; it is the start for problems where the whole model finds no roster in time
    (Instance13 of the benchmark: none in 45 s). None when an agent has no schedule or the deadline passes."""
    rows = _rows(problem)
    row_index = {key: i for i, (_r, _u, _o, key) in enumerate(rows)}
    need = [req for req, _u, _o, _key in rows]
    requests: dict[str, list[engine.Request]] = {a.id: [] for a in problem.agents}
    for r in problem.requests:
        if r.agent in requests:
            requests[r.agent].append(r)
    roster: engine.Roster = {}
    for agent in problem.agents:
        if clock() > deadline:
            return None
        pricer = Pricer(problem, agent, requests[agent.id], _covered_rows(problem, agent, row_index))
        duals = [float(uw) if n > 0 else -float(ow) for n, (_r, uw, ow, _key) in zip(need, rows)]
        if pricer.labeller.supported:
            columns, _best, _proved = pricer.exact(duals)
        else:
            columns, _best, _proved = pricer.price(duals, max(0.1, min(5.0, deadline - clock())))
        if not columns:
            return None
        _reduced, line = min(columns, key=lambda t: t[0])
        for d, code in enumerate(line):
            if code is not None:
                roster[(agent.id, d)] = code
                for i in pricer.covered.get((d, code), ()):
                    need[i] -= 1
    return roster


def _line_of(roster: engine.Roster, agent: str, days: int) -> Line:
    return tuple(roster.get((agent, d)) for d in range(days))


class Master:
    """The master LP (GLOP): one convexity row per agent, one row per cover requirement with priced deviation."""

    def __init__(self, problem: engine.Problem, incumbent: engine.Roster):
        self.problem = problem
        self.rows = _rows(problem)
        row_index = {key: i for i, (_r, _u, _o, key) in enumerate(self.rows)}
        self.agents = list(problem.agents)
        self.requests: dict[str, list[engine.Request]] = {a.id: [] for a in self.agents}
        for r in problem.requests:
            if r.agent in self.requests:
                self.requests[r.agent].append(r)
        self.covered = {a.id: _covered_rows(problem, a, row_index) for a in self.agents}
        self.pricers = {a.id: Pricer(problem, a, self.requests[a.id], self.covered[a.id]) for a in self.agents}
        self.lp = lp = pywraplp.Solver.CreateSolver("GLOP")
        inf = lp.infinity()
        self.convexity = {a.id: lp.Constraint(1, 1, "") for a in self.agents}
        self.cover_rows = []
        for req, uw, ow, _key in self.rows:
            ct = lp.Constraint(req, req, "")
            under, over = lp.NumVar(0, inf, ""), lp.NumVar(0, inf, "")
            ct.SetCoefficient(under, 1)
            ct.SetCoefficient(over, -1)
            lp.Objective().SetCoefficient(under, uw)
            lp.Objective().SetCoefficient(over, ow)
            self.cover_rows.append(ct)
        lp.Objective().SetMinimization()
        self.columns: dict[str, dict[Line, tuple[int, object]]] = {a.id: {} for a in self.agents}  # line -> (cost, var)
        self.fixed: dict[str, Line] = {}
        for a in self.agents:
            self.add(a.id, _line_of(incumbent, a.id, problem.days))
        self.value: float | None = None
        self.center: list[float] | None = None  # stability centre of the dual smoothing (best Lagrangian bound)
        self.center_value: float | None = None

    def add(self, agent: str, line: Line) -> bool:
        if line in self.columns[agent]:
            return False
        cost = line_cost(self.requests[agent], line)
        var = self.lp.NumVar(0, self.lp.infinity(), "")
        self.columns[agent][line] = (cost, var)
        self.lp.Objective().SetCoefficient(var, cost)
        self.convexity[agent].SetCoefficient(var, 1)
        for d, code in enumerate(line):
            if code is not None:
                for i in self.covered[agent].get((d, code), ()):
                    self.cover_rows[i].SetCoefficient(var, self.cover_rows[i].GetCoefficient(var) + 1)
        return True

    def unfix_all(self) -> None:
        for agent in self.fixed:
            for _cost, var in self.columns[agent].values():
                var.SetUb(self.lp.infinity())
        self.fixed = {}

    def fix(self, agent: str, line: Line) -> None:
        for other, (_cost, var) in self.columns[agent].items():
            if other != line:
                var.SetUb(0)
        self.fixed[agent] = line

    def solve(self) -> bool:
        if self.lp.Solve() != pywraplp.Solver.OPTIMAL:
            # GLOP warm-started after many bound changes has reported ABNORMAL once (a third dive of Instance8): the
            # LP always has a solution (free deviation variables), so solve it again from scratch
            self.lp.Reset()
            if self.lp.Solve() != pywraplp.Solver.OPTIMAL:
                return False
        self.value = self.lp.Objective().Value()
        return True

    def price(self, pool, time_limit: float, alpha: float) -> tuple[int, bool, bool]:
        """One pricing round over the agents not fixed, at duals smoothed towards the best ones seen (Wentges):
        (columns of negative reduced cost at the LP's own duals added, every pricing proved optimal at those duals,
        some pricing of the last pass cut short by its time limit). The Lagrangian bound of proved rounds goes to
        center_value. A smoothed round that adds nothing is re-priced at the LP's duals."""
        duals = [ct.dual_value() for ct in self.cover_rows]
        mus = {a.id: self.convexity[a.id].dual_value() for a in self.agents}  # read before columns are added
        free = [a for a in self.agents if a.id not in self.fixed]
        while True:
            smooth = (
                duals
                if self.center is None or alpha <= 0
                else [alpha * c + (1 - alpha) * d for c, d in zip(self.center, duals)]
            )

            def run(a: engine.Agent):
                return a.id, self.pricers[a.id].price(smooth, time_limit)

            # CP-SAT in the pool (it releases the GIL); the labelling DP in this thread meanwhile: numpy on small
            # arrays holds the GIL, and two threads of it ran 3x slower than one (Instance9)
            by_dp = {a.id for a in free if self.pricers[a.id].use_dp}
            pending = [pool.submit(run, a) for a in free if a.id not in by_dp] if pool else []
            answers = [(agent, self.pricers[agent].exact(smooth)) for agent in by_dp]
            answers += [f.result() for f in pending] if pool else [run(a) for a in free if a.id not in by_dp]
            answers = [
                (
                    agent,
                    self.pricers[agent].exact(smooth, cols)
                    if not optimal and self.pricers[agent].labeller.supported
                    else (cols, best, optimal),
                )
                for agent, (cols, best, optimal) in answers
            ]
            proved = all(optimal and best is not None for _agent, (_c, best, optimal) in answers)
            if proved:
                lagrange = sum(p * row[0] for p, row in zip(smooth, self.rows)) + sum(b for _a, (_c, b, _o) in answers)
                for agent, line in self.fixed.items():
                    lagrange += self.pricers[agent].reduced(line, smooth)
                if self.center_value is None or lagrange > self.center_value:
                    self.center, self.center_value = smooth, lagrange
            else:  # a pricing cut short: no bound to judge the duals by, so the centre follows them (else it stalls)
                self.center, self.center_value = smooth, None
            added = 0
            for agent, (cols, _best, _optimal) in answers:
                pricer = self.pricers[agent]
                for _reduced, line in cols:
                    if pricer.reduced(line, duals) - mus[agent] < -1e-6:
                        added += self.add(agent, line)
            if added or smooth is duals:
                return added, proved and smooth is duals, not proved
            alpha = 0  # mispricing: the smoothed duals found nothing the LP wants

    def fill(self, time_limit: float, workers: int) -> None:
        """Fix the agents left when the dive runs out of time. Their generated columns do not combine well without
        more pricing (measured on Instance8: fixing half the agents to their heaviest column, CP-SAT's best pick among
        the others' columns cost 3x the LP), so the agents left get the whole rule model instead, the fixed agents
        pinned, hinted with the columns the LP weighs most (without an LP solution: the incumbent's, the first)."""
        solved = self.solve()
        top = {
            a.id: self.weights(a.id)[0][1] if solved else next(iter(self.columns[a.id]))
            for a in self.agents
            if a.id not in self.fixed
        }
        builder = engine.build_model(self.problem)
        hint = {**self.fixed, **top}
        for (agent, d, code), v in builder.x.items():
            if agent in self.fixed:
                builder.m.Add(v == (1 if hint[agent][d] == code else 0))
            else:
                builder.m.AddHint(v, 1 if hint[agent][d] == code else 0)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = workers
        solver.parameters.max_time_in_seconds = max(0.5, time_limit)
        if solver.Solve(builder.m) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            roster = {(a, d): c for (a, d, c), v in builder.x.items() if a in top and solver.BooleanValue(v)}
            top = {agent: _line_of(roster, agent, self.problem.days) for agent in top}
        self.fixed.update(top)

    def cost(self, roster: engine.Roster) -> int:
        """What the master prices of a roster: every agent's requests and the cover rows' deviation."""
        cost = sum(line_cost(self.requests[a.id], _line_of(roster, a.id, self.problem.days)) for a in self.agents)
        n = [0] * len(self.rows)
        for (agent, d), code in roster.items():
            for i in self.covered.get(agent, {}).get((d, code), ()):
                n[i] += 1
        for (req, uw, ow, _key), got in zip(self.rows, n):
            cost += uw * max(0, req - got) + ow * max(0, got - req)
        return cost

    def weights(self, agent: str) -> list[tuple[float, Line]]:
        return sorted(
            ((var.solution_value(), line) for line, (_c, var) in self.columns[agent].items()), key=lambda t: -t[0]
        )

    def roster(self) -> engine.Roster:
        return {
            (agent, d): code for agent, line in self.fixed.items() for d, code in enumerate(line) if code is not None
        }


def price_and_branch(
    problem: engine.Problem,
    incumbent: engine.Roster,
    deadline: float,
    *,
    workers: int = 2,
    plan: Plan = Plan(),
    clock=time.monotonic,
) -> Outcome:
    """Generate columns until the LP is solved or plan.lp_share of the time to `deadline` has passed; then dive: fix the
    agents whose schedule the LP (nearly) chose, re-price the others a few rounds, repeat until every agent has one
    schedule. When the deadline comes first, the agents left get the whole rule model (Master.fill). Returns the better
    of that roster and the incumbent, which must keep every hard rule."""
    started = clock()
    master = Master(problem, incumbent)
    lp_end = started + (deadline - started) * plan.lp_share
    history: list[tuple[float, str, float]] = []
    bound, converged, rounds = None, False, 0
    pool = ThreadPoolExecutor(workers) if workers > 1 else None

    def generate(until: float, max_rounds: int | None, abandon_at: float | None = None) -> bool:
        """Price until no column enters at the LP's duals, or the Lagrangian bound reaches the LP value rounded up
        (the cost is an integer: more rounds could not raise the bound), or the time / round limit. True when the LP
        is proved solved (or its bound reached)."""
        nonlocal bound, rounds
        done = cut_short = 0
        master.center, master.center_value = None, None  # a dive changes the problem: start the smoothing afresh
        while clock() < until and (max_rounds is None or done < max_rounds):
            if not master.solve():
                return False
            left = until - clock()
            added, proved, short = master.price(pool, max(0.05, min(PRICING_TIME_LIMIT, left)), SMOOTHING)
            rounds += 1
            done += 1
            best = master.center_value
            if best is not None and not master.fixed:
                b = math.ceil(best - 1e-6)
                bound = b if bound is None else max(bound, b)
            if added == 0:  # the LP is unchanged: its solution stands
                return proved
            if best is not None and math.ceil(best - 1e-6) >= math.ceil(master.value - 1e-6):
                master.solve()
                return True
            cut_short = cut_short + 1 if short else 0
            if abandon_at is not None and clock() > abandon_at and cut_short >= 2:
                break  # pricings run out of time: this will not converge in time
        master.solve()
        return False

    def fix_most_chosen(rng: random.Random | None) -> None:
        """Fix the agents whose schedule the LP chose whole, or else the ones it weighs most (with rng: weights
        scaled by a random factor, so that a second dive takes other paths)."""
        free = [a.id for a in master.agents if a.id not in master.fixed]
        best = {agent: master.weights(agent)[0] for agent in free}
        sure = [agent for agent, (w, _line) in best.items() if w > 0.99]
        if not sure or plan.of_free:  # the schedules the LP weighs most, a few agents at a time (one by one is slow)
            k = max(1, math.ceil(plan.step * (len(free) if plan.of_free else len(master.agents))))
            score = {agent: w * (rng.uniform(0.5, 1.0) if rng else 1.0) for agent, (w, _line) in best.items()}
            sure = sorted(set(sure) | set(sorted(best, key=lambda agent: -score[agent])[:k]))
        for agent in sure:
            master.fix(agent, best[agent][1])

    def dive(rng: random.Random | None) -> None:
        fill_reserve = FILL_SHARE * (deadline - started)
        while len(master.fixed) < len(master.agents) and clock() < deadline - fill_reserve:
            if not master.solve():  # no LP solution to read the weights from: the whole rule model fills the rest
                break
            fix_most_chosen(rng)
            free = len(master.agents) - len(master.fixed)
            if free and free <= plan.fill_below:
                master.fill(min(plan.fill_time, deadline - clock()), workers)
                break
            if free:
                # the last agents must fill the gaps the others leave: more pricing (cheap: few left)
                last = 3 * free <= len(master.agents)
                rounds_now = None if free <= plan.converge_below else plan.last_rounds if last else plan.rounds
                generate(deadline - fill_reserve, rounds_now)
        history.append((round(clock() - started, 2), f"dive priced to {len(master.fixed)} agents", master.value or 0))
        if len(master.fixed) < len(master.agents):
            master.fill(deadline - clock(), workers)

    try:
        give_up_after = started + (lp_end - started) * ABANDON_AT if plan.give_up else None
        converged = generate(lp_end, None, abandon_at=give_up_after)
        lp_value = master.value
        if converged and not master.fixed:
            bound = max(bound or 0, math.ceil(lp_value - 1e-6))
        history.append((round(clock() - started, 2), "lp", lp_value))
        # A dive from an LP far from solved gives a poor roster (Instance9 on a loaded machine: LP 1,249 against an
        # optimum of 439, dive 4,668): then keep the incumbent and leave the time to the search that follows.
        close = lp_value is not None and (
            math.isinf(plan.max_gap)
            or (bound is not None and lp_value - bound <= plan.max_gap * max(1.0, abs(lp_value)))
        )
        rosters = []  # (master cost, roster) of each dive
        while close:
            dive_started = clock()
            dive(random.Random(len(rosters)) if rosters else None)
            roster = master.roster()
            rosters.append((master.cost(roster), roster))
            history.append((round(clock() - started, 2), "dive", rosters[-1][0]))
            # Dive again from the LP (with every column found so far) while one fits in the time left: the last
            # agents of a dive sometimes cannot fill the gaps the others leave (Instance8: 1,305 in one dive, 1,508
            # in another from the same LP), and LNS rarely mends a shortfall that needs several agents to move.
            best_cost = min(cost for cost, _roster in rosters)
            if (
                len(rosters) >= plan.dives
                or (bound is not None and best_cost <= bound)
                or clock() + (clock() - dive_started) > deadline
            ):
                break
            master.unfix_all()  # the next dive solves the LP before it reads the weights
    finally:
        if pool:
            pool.shutdown()
    before = master.cost(incumbent)
    cost, dive_roster = min(rosters, key=lambda t: t[0]) if rosters else (before, None)
    improved = cost < before
    return Outcome(
        roster=dive_roster if improved else dict(incumbent),
        objective=min(cost, before),
        improved=improved,
        lp_value=lp_value,
        lower_bound=bound,
        columns=sum(len(c) for c in master.columns.values()),
        rounds=rounds,
        converged=converged,
        history=history,
    )
