"""The roster engine: problem data -> CP-SAT model -> solution, objective and violation report.

No Django here: plain data in, plain data out (shaped like the OR-Tools scheduling examples, with input
data, model building and solving kept apart). The same engine solves kefu's center rosters and the public
Employee Shift Scheduling Benchmark (Curtois & Qu), read by `kefu.roster.benchmark`.

Hard rules come in families (`RULE_FAMILIES`). The solver first enforces them all; when that is
infeasible it solves again with one slack per rule instance, priced far above any soft cost, so it still
returns the best roster it can find and names the families that had to give way (`Solution.conflicts`).
The violation report is always recomputed from the roster by `evaluate()`, never read from the model.

Search: the whole model first; then, on problems small enough, column generation and diving over whole-horizon
schedules (`kefu.roster.patterns`: a proven lower bound and a roster close to it); then large-neighbourhood search
(`kefu.roster.lns`) until the time limit or the bound. The whole model starts from a legal roster where one is cheap:
the greedy one for interval cover, one built agent by agent (`patterns.priced_roster`) for large shift-cover problems
or when the whole model finds none in a share of the time (Instances 13-19 of the benchmark on a loaded machine).
A solve reports its progress (`Progress`) and stops early, keeping its best roster, when asked (`stop`).
Re-rostering a published roster (only what must change changes) is `kefu.roster.repair`; a large center by teams is
`kefu.roster.decompose`.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from kefu.roster import lns, patterns

MINUTES_PER_DAY = 1440
# Share of the time limit left to large-neighbourhood search when the whole-model search has not finished.
LNS_SHARE = 0.9
# Within that share, the part given first to column generation and diving (kefu.roster.patterns) on problems it suits.
# Most of it: on Instance8 a dive from the LP (1,297) ends at 1,304-1,316 or 1-3 shortfalls of 100 above, and LNS
# rarely mends those, so several dives are the better use of the time (60 %, one or two dives: 1,405-1,412 in 4 of 7
# runs; 90 %, up to 6 dives of a tenth of the agents a step: 1,306-1,314 in 6 of 6).
PATTERN_SHARE = 0.9
PATTERN_FIRST_PHASE = 2.0  # seconds of whole-model search before column generation takes over (if a roster exists)
PATTERN_MAX_CELLS = 12_000  # agents x days x shifts up to which the default plan runs (Instances 1-11)
# Up to PATTERN_LARGE_CELLS, column generation takes most of the time and dives in big steps (patterns.LARGE_PLAN):
# Instance12 (60 x 28 x 10 = 16,800) needs about half a minute for its LP; LNS alone stayed 25-40 % above the optimum.
# Above it (the 150-agent center roster: 21,000), LNS alone.
PATTERN_LARGE_CELLS = 20_000
# Above it, without interval cover, the share of the time the roster built agent by agent (patterns.priced_roster) may
# take as the start (Instance13, 120 agents x 18 shifts: 8 s of CPU, 28 s on 2 loaded cores).
PRICED_START_SHARE = 0.5
# Share of the time the whole model gets to find a first roster on its own before that start is built instead (where it
# suits: shift cover only; Instances 1-12 find theirs in a second or two).
NO_ROSTER_SHARE = 0.15

# Hard-rule families, with the Chinese label shown in reports.
RULE_FAMILIES: dict[str, str] = {
    "days_off": "不可排班日（请假/休息）",
    "forbidden_successor": "班次衔接（两班间最短休息）",
    "max_shifts": "某类班次次数上限",
    "max_minutes": "工时上限（周平均工时）",
    "min_minutes": "工时下限",
    "max_consecutive": "最多连续上班天数",
    "min_consecutive": "最少连续上班天数",
    "min_consecutive_off": "最少连续休息天数",
    "max_weekends": "周末上班次数上限",
    "min_days_off": "周期内最少休息天数",
    "skill": "班次技能要求",
    "fixed": "已锁定的排班",
    "shift_day": "该班次当天不可用",
}
# Soft-cost families (the objective), with labels.
SOFT_FAMILIES: dict[str, str] = {
    "shift_on_request": "排班请求未满足",
    "shift_off_request": "休息/避班请求未满足",
    "cover_under": "人手不足",
    "cover_over": "人手过剩",
    "fair_night": "夜班分配不均",
    "fair_weekend": "周末班分配不均",
}


@dataclass(frozen=True)
class ShiftType:
    code: str
    length_minutes: int
    start_minute: int = 0  # minutes after midnight of the day the shift belongs to
    forbidden_next: frozenset[str] = frozenset()  # shifts that may not be worked on the next day
    night: bool = False  # counts for the fair night load
    skill: str | None = None  # only agents with this skill may work it
    covers_intervals: bool = True  # an on-call (reserve) duty does not count as seats
    only_days: frozenset[int] | None = None  # days it may be worked (None: every day)


@dataclass(frozen=True)
class Agent:
    id: str
    skills: frozenset[str] = frozenset()
    max_shifts: dict[str, int] = field(default_factory=dict)  # per shift code; missing = no limit
    max_minutes: int | None = None
    min_minutes: int = 0
    max_consecutive: int | None = None
    min_consecutive: int = 1
    min_consecutive_off: int = 1
    max_weekends: int | None = None
    min_days_off: int = 0
    days_off: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Request:
    """A wish: `on` = wants `shift` that day; not `on` = wants not to work it (shift None: the whole day off)."""

    agent: str
    day: int
    shift: str | None
    weight: int
    on: bool


@dataclass(frozen=True)
class ShiftCover:
    """Required number of agents on one shift of one day (the benchmark's cover)."""

    day: int
    shift: str
    requirement: int
    under_weight: int
    over_weight: int


@dataclass(frozen=True)
class IntervalCover:
    """Required seats in one interval of the horizon (interval index from day 0 00:00)."""

    interval: int
    requirement: int
    under_weight: int
    over_weight: int = 0
    skill: str | None = None  # count only agents with this skill (VIP, complaints)


@dataclass(frozen=True)
class Problem:
    days: int
    shifts: tuple[ShiftType, ...]
    agents: tuple[Agent, ...]
    shift_cover: tuple[ShiftCover, ...] = ()
    interval_cover: tuple[IntervalCover, ...] = ()
    interval_minutes: int = 30
    requests: tuple[Request, ...] = ()
    weekends: tuple[tuple[int, ...], ...] = ()  # groups of day indexes; a group with any shift is a worked weekend
    fair_night_weight: int = 0
    fair_weekend_weight: int = 0
    fixed: tuple[tuple[str, int, str | None], ...] = ()  # (agent, day, shift or None=off) that must hold

    def shift(self, code: str) -> ShiftType:
        for s in self.shifts:
            if s.code == code:
                return s
        raise KeyError(code)


Roster = dict[tuple[str, int], str]  # (agent id, day) -> shift code; a missing key is a day off


@dataclass(frozen=True)
class Violation:
    family: str
    agent: str | None
    day: int | None
    amount: int
    message: str

    @property
    def label(self) -> str:
        return RULE_FAMILIES.get(self.family) or SOFT_FAMILIES.get(self.family, self.family)


@dataclass
class Evaluation:
    hard: list[Violation]
    soft_cost: int
    costs: dict[str, int]  # soft family -> cost
    under_intervals: int  # agent-intervals short of interval cover
    required_intervals: int
    by_skill: dict[str | None, tuple[int, int]] = field(default_factory=dict)  # skill -> (short, required) intervals


@dataclass
class Solution:
    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN
    roster: Roster
    objective: int | None  # soft cost of the roster (recomputed)
    bound: float | None
    relaxed: bool  # True when hard rules had to be relaxed
    conflicts: list[str]  # hard-rule families broken by the best roster found
    evaluation: Evaluation | None
    wall_seconds: float


@dataclass(frozen=True)
class Progress:
    """Where a solve is, for a person waiting: reported at each phase and each better roster."""

    phase: str  # "model" (whole-model search), "columns" (column generation and diving), "lns", "done"
    objective: int | None  # model objective of the best roster so far (None: none yet)
    bound: float | None  # proven lower bound (None: none)
    elapsed: float  # seconds since the solve started


def weekend_groups(days: int, first_weekday: int = 0) -> tuple[tuple[int, ...], ...]:
    """Saturday+Sunday groups of a horizon whose day 0 has ISO weekday index first_weekday (Mon = 0)."""
    groups: dict[int, list[int]] = {}
    for d in range(days):
        wd = (first_weekday + d) % 7
        if wd in (5, 6):
            week = (first_weekday + d) // 7
            groups.setdefault(week, []).append(d)
    return tuple(tuple(g) for _, g in sorted(groups.items()))


def forbidden_by_rest(shifts: list[ShiftType], min_rest_minutes: int) -> dict[str, frozenset[str]]:
    """Next-day shifts that would leave less than min_rest_minutes between the end of one and the start of
    the next (e.g. a 17:00-01:00 night followed by an 08:00 morning leaves 7 h)."""
    out: dict[str, frozenset[str]] = {}
    for s in shifts:
        if s.length_minutes == 0:
            out[s.code] = frozenset()
            continue
        end = s.start_minute + s.length_minutes
        out[s.code] = frozenset(
            t.code for t in shifts if t.length_minutes and MINUTES_PER_DAY + t.start_minute - end < min_rest_minutes
        )
    return out


def intervals_of(shift: ShiftType, day: int, interval_minutes: int) -> range:
    """Absolute interval indexes a shift worked on `day` covers (it may run past midnight)."""
    if not shift.covers_intervals or shift.length_minutes == 0:
        return range(0)
    start = day * MINUTES_PER_DAY + shift.start_minute
    return range(start // interval_minutes, -(-(start + shift.length_minutes) // interval_minutes))


# --------------------------------------------------------------------------------------------------
# Evaluation (independent of the model): the violation report and the soft cost of any roster.


def _stretches(worked: list[bool], value: bool) -> list[tuple[int, int]]:
    """(start, length) of maximal runs equal to value."""
    runs, start = [], None
    for d, w in enumerate(worked + [not value]):
        if w == value and start is None:
            start = d
        elif w != value and start is not None:
            runs.append((start, d - start))
            start = None
    return runs


def request_missed(request: Request, code: str | None) -> bool:
    """Whether the shift worked that day (None: off) misses the request. Shift None in a request means any shift:
    on = wants to work that day, not on = wants the day off."""
    hit = (code is not None) if request.shift is None else code == request.shift
    return hit != request.on


def evaluate(problem: Problem, roster: Roster) -> Evaluation:
    hard: list[Violation] = []
    costs = dict.fromkeys(SOFT_FAMILIES, 0)
    shifts = {s.code: s for s in problem.shifts}
    H = problem.days
    for a in problem.agents:
        row = [roster.get((a.id, d)) for d in range(H)]
        worked = [c is not None for c in row]
        for d, c in enumerate(row):
            if c is None:
                continue
            if c not in shifts:
                hard.append(Violation("skill", a.id, d, 1, f"{a.id} 第{d + 1}天：未知班次 {c}"))
                continue
            if d in a.days_off:
                hard.append(Violation("days_off", a.id, d, 1, f"{a.id} 第{d + 1}天不可排班，却排了 {c}"))
            if shifts[c].only_days is not None and d not in shifts[c].only_days:
                hard.append(Violation("shift_day", a.id, d, 1, f"{a.id} 第{d + 1}天不能上 {c}"))
            if shifts[c].skill and shifts[c].skill not in a.skills:
                hard.append(Violation("skill", a.id, d, 1, f"{a.id} 没有技能 {shifts[c].skill}，不能上 {c}"))
            nxt = row[d + 1] if d + 1 < H else None
            if nxt is not None and nxt in shifts[c].forbidden_next:
                hard.append(
                    Violation(
                        "forbidden_successor", a.id, d + 1, 1, f"{a.id} 第{d + 1}天 {c} 之后第{d + 2}天不能接 {nxt}"
                    )
                )
        for code, limit in a.max_shifts.items():
            n = sum(1 for c in row if c == code)
            if n > limit:
                hard.append(Violation("max_shifts", a.id, None, n - limit, f"{a.id} 的 {code} 班 {n} 次，上限 {limit}"))
        minutes = sum(shifts[c].length_minutes for c in row if c in shifts)
        if a.max_minutes is not None and minutes > a.max_minutes:
            hard.append(
                Violation(
                    "max_minutes",
                    a.id,
                    None,
                    minutes - a.max_minutes,
                    f"{a.id} 共 {minutes / 60:g} 小时，上限 {a.max_minutes / 60:g} 小时",
                )
            )
        if minutes < a.min_minutes:
            hard.append(
                Violation(
                    "min_minutes",
                    a.id,
                    None,
                    a.min_minutes - minutes,
                    f"{a.id} 共 {minutes / 60:g} 小时，下限 {a.min_minutes / 60:g} 小时",
                )
            )
        for start, length in _stretches(worked, True):
            if a.max_consecutive is not None and length > a.max_consecutive:
                hard.append(
                    Violation(
                        "max_consecutive",
                        a.id,
                        start,
                        length - a.max_consecutive,
                        f"{a.id} 自第{start + 1}天连续上班 {length} 天，上限 {a.max_consecutive} 天",
                    )
                )
            # A stretch touching either end of the horizon may continue outside it.
            if 0 < start and start + length < H and length < a.min_consecutive:
                hard.append(
                    Violation(
                        "min_consecutive",
                        a.id,
                        start,
                        a.min_consecutive - length,
                        f"{a.id} 自第{start + 1}天只连续上班 {length} 天，至少 {a.min_consecutive} 天",
                    )
                )
        for start, length in _stretches(worked, False):
            if 0 < start and start + length < H and length < a.min_consecutive_off:
                hard.append(
                    Violation(
                        "min_consecutive_off",
                        a.id,
                        start,
                        a.min_consecutive_off - length,
                        f"{a.id} 自第{start + 1}天只连休 {length} 天，至少 {a.min_consecutive_off} 天",
                    )
                )
        if a.max_weekends is not None:
            n = sum(1 for g in problem.weekends if any(worked[d] for d in g))
            if n > a.max_weekends:
                hard.append(
                    Violation(
                        "max_weekends",
                        a.id,
                        None,
                        n - a.max_weekends,
                        f"{a.id} 上了 {n} 个周末，上限 {a.max_weekends} 个",
                    )
                )
        off = H - sum(worked)
        if off < a.min_days_off:
            hard.append(
                Violation(
                    "min_days_off",
                    a.id,
                    None,
                    a.min_days_off - off,
                    f"{a.id} 只休息 {off} 天，至少 {a.min_days_off} 天",
                )
            )
    for r in problem.requests:
        if request_missed(r, roster.get((r.agent, r.day))):
            costs["shift_on_request" if r.on else "shift_off_request"] += r.weight
    counts: dict[tuple[int, str], int] = {}
    for (agent, day), c in roster.items():
        counts[(day, c)] = counts.get((day, c), 0) + 1
    for cv in problem.shift_cover:
        n = counts.get((cv.day, cv.shift), 0)
        costs["cover_under"] += cv.under_weight * max(0, cv.requirement - n)
        costs["cover_over"] += cv.over_weight * max(0, n - cv.requirement)
    under_intervals = required = 0
    by_skill: dict[str | None, tuple[int, int]] = {}
    if problem.interval_cover:
        skills = {a.id: a.skills for a in problem.agents}
        seats: dict[tuple[int, str | None], int] = {}
        wanted = {cv.skill for cv in problem.interval_cover}
        for (agent, day), c in roster.items():
            if c not in shifts:
                continue
            for t in intervals_of(shifts[c], day, problem.interval_minutes):
                for sk in wanted:
                    if sk is None or sk in skills.get(agent, ()):
                        seats[(t, sk)] = seats.get((t, sk), 0) + 1
        for cv in problem.interval_cover:
            n = seats.get((cv.interval, cv.skill), 0)
            short = max(0, cv.requirement - n)
            costs["cover_under"] += cv.under_weight * short
            costs["cover_over"] += cv.over_weight * max(0, n - cv.requirement)
            short_so_far, required_so_far = by_skill.get(cv.skill, (0, 0))
            by_skill[cv.skill] = (short_so_far + short, required_so_far + cv.requirement)
            if cv.skill is None:
                under_intervals += short
                required += cv.requirement
    night = [s.code for s in problem.shifts if s.night]
    if problem.fair_night_weight and night:
        loads = [sum(1 for d in range(H) if roster.get((a.id, d)) in night) for a in _night_pool(problem)]
        if loads:
            costs["fair_night"] += problem.fair_night_weight * (max(loads) - min(loads))
    if problem.fair_weekend_weight and problem.weekends:
        seats = {s.code for s in problem.shifts if s.covers_intervals}  # on-call reserve is not weekend work
        loads = [sum(1 for g in problem.weekends for d in g if roster.get((a.id, d)) in seats) for a in problem.agents]
        costs["fair_weekend"] += problem.fair_weekend_weight * (max(loads) - min(loads))
    for agent, day, code in problem.fixed:
        if roster.get((agent, day)) != code:
            hard.append(Violation("fixed", agent, day, 1, f"{agent} 第{day + 1}天已锁定为 {code or '休息'}"))
    return Evaluation(hard, sum(costs.values()), costs, under_intervals, required, by_skill)


def _night_pool(problem: Problem) -> list[Agent]:
    """Agents who may work a night shift at all (fairness is measured among them)."""
    night = [s for s in problem.shifts if s.night]
    return [
        a
        for a in problem.agents
        if any(a.max_shifts.get(s.code, 1) > 0 and (s.skill is None or s.skill in a.skills) for s in night)
    ]


# --------------------------------------------------------------------------------------------------
# Model building


class _Builder:
    def __init__(self, problem: Problem, relax: bool, hard_weight: int):
        self.p = problem
        self.relax = relax
        self.hard_weight = hard_weight
        self.m = cp_model.CpModel()
        self.terms: list[tuple[int, object]] = []  # (weight, var) of the objective
        self.x: dict[tuple[str, int, str], cp_model.IntVar] = {}
        self.work: dict[tuple[str, int], object] = {}
        self.shortfalls: list[tuple[int, int]] = []  # (proto index of a cover row's shortfall variable, its day)

    def _slack_bool(self, family: str):
        v = self.m.NewBoolVar(f"slack_{family}")
        self.terms.append((self.hard_weight, v))
        return v

    def _slack_int(self, family: str, ub: int):
        v = self.m.NewIntVar(0, max(ub, 0), f"slack_{family}")
        self.terms.append((self.hard_weight, v))
        return v

    def clause(self, family: str, lits: list) -> None:
        if self.relax:
            lits = lits + [self._slack_bool(family)]
        self.m.AddBoolOr(lits)

    def at_most(self, family: str, expr, bound: int, ub: int) -> None:
        if self.relax:
            self.m.Add(expr <= bound + self._slack_int(family, ub))
        else:
            self.m.Add(expr <= bound)

    def at_least(self, family: str, expr, bound: int) -> None:
        if self.relax:
            self.m.Add(expr + self._slack_int(family, bound) >= bound)
        else:
            self.m.Add(expr >= bound)

    def build(self) -> _Builder:
        p, m = self.p, self.m
        H = p.days
        for a in p.agents:
            for d in range(H):
                for s in p.shifts:
                    allowed_skill = s.skill is None or s.skill in a.skills
                    wrong_day = s.only_days is not None and d not in s.only_days
                    if not allowed_skill or wrong_day or a.max_shifts.get(s.code, 1) == 0:
                        continue  # structural: never create the variable
                    self.x[(a.id, d, s.code)] = m.NewBoolVar(f"x_{a.id}_{d}_{s.code}")
                day_vars = [self.x[(a.id, d, s.code)] for s in p.shifts if (a.id, d, s.code) in self.x]
                w = m.NewBoolVar(f"w_{a.id}_{d}")
                m.Add(sum(day_vars) == w)  # at most one shift per day
                self.work[(a.id, d)] = w
        for agent, day, code in p.fixed:
            if code is None:
                self.clause("fixed", [self.work[(agent, day)].Not()])
            elif (agent, day, code) in self.x:
                self.clause("fixed", [self.x[(agent, day, code)]])
            else:
                self.clause("fixed", [])  # the agent may not work that shift at all
        for a in p.agents:
            self._agent_rules(a)
        self._requests()
        self._cover()
        self._fairness()
        m.Minimize(sum(w * v for w, v in self.terms))
        return self

    def _agent_rules(self, a: Agent) -> None:
        p, H = self.p, self.p.days
        x, work = self.x, [self.work[(a.id, d)] for d in range(H)]
        for d in a.days_off:
            if 0 <= d < H:
                self.clause("days_off", [work[d].Not()])
        for s in p.shifts:
            for nxt in s.forbidden_next:
                for d in range(H - 1):
                    if (a.id, d, s.code) in x and (a.id, d + 1, nxt) in x:
                        self.clause("forbidden_successor", [x[(a.id, d, s.code)].Not(), x[(a.id, d + 1, nxt)].Not()])
        for code, limit in a.max_shifts.items():
            vs = [x[(a.id, d, code)] for d in range(H) if (a.id, d, code) in x]
            if limit > 0 and len(vs) > limit:
                self.at_most("max_shifts", sum(vs), limit, H)
        # this agent's cells only (a scan of every cell per agent was half the build of a 150-agent month)
        minutes = sum(
            s.length_minutes * x[(a.id, d, s.code)] for d in range(H) for s in p.shifts if (a.id, d, s.code) in x
        )
        total = H * max(s.length_minutes for s in p.shifts)
        if a.max_minutes is not None and a.max_minutes < total:
            self.at_most("max_minutes", minutes, a.max_minutes, total)
        if a.min_minutes > 0:
            self.at_least("min_minutes", minutes, a.min_minutes)
        if a.max_consecutive is not None and a.max_consecutive < H:
            k = a.max_consecutive
            for d in range(H - k):
                self.clause("max_consecutive", [work[t].Not() for t in range(d, d + k + 1)])
        # Forbid short stretches that start and end inside the horizon (work or rest).
        for family, length, lit in (
            ("min_consecutive", a.min_consecutive, lambda t: work[t]),
            ("min_consecutive_off", a.min_consecutive_off, lambda t: work[t].Not()),
        ):
            for ln in range(1, length):
                for d in range(1, H - ln):
                    pattern = [lit(d - 1)] + [lit(t).Not() for t in range(d, d + ln)] + [lit(d + ln)]
                    self.clause(family, pattern)
        if a.max_weekends is not None and a.max_weekends < len(p.weekends):
            worked_weekends = []
            for g in p.weekends:
                ww = self.m.NewBoolVar("")
                self.m.AddMaxEquality(ww, [work[d] for d in g])
                worked_weekends.append(ww)
            self.at_most("max_weekends", sum(worked_weekends), a.max_weekends, len(p.weekends))
        if a.min_days_off > 0:
            self.at_most("min_days_off", sum(work), H - a.min_days_off, H)

    def _requests(self) -> None:
        for r in self.p.requests:
            if r.shift is None:
                var = self.work.get((r.agent, r.day))
            else:
                var = self.x.get((r.agent, r.day, r.shift))
            if r.on:
                if var is None:
                    self.terms.append((r.weight, 1))
                else:
                    self.terms.append((r.weight, 1 - var))
            elif var is not None:
                self.terms.append((r.weight, var))

    def _cover(self) -> None:
        p, m = self.p, self.m
        n_agents = len(p.agents)
        by_day_shift: dict[tuple[int, str], list] = {}
        for (agent, d, code), v in self.x.items():
            by_day_shift.setdefault((d, code), []).append(v)
        for cv in p.shift_cover:
            count = sum(by_day_shift.get((cv.day, cv.shift), []))
            self._deviation(count, cv.requirement, cv.under_weight, cv.over_weight, n_agents, cv.day)
        if p.interval_cover:
            # Count agents per (day, shift[, skill]) once; each interval then sums a handful of counts
            # instead of hundreds of booleans (a much tighter and smaller model).
            skills = {a.id: a.skills for a in p.agents}
            wanted = {cv.skill for cv in p.interval_cover}
            groups: dict[tuple[int, str, str | None], list] = {}
            for (agent, d, code), v in self.x.items():
                for sk in wanted:
                    if sk is None or sk in skills[agent]:
                        groups.setdefault((d, code, sk), []).append(v)
            counts: dict[tuple[int, str, str | None], cp_model.IntVar] = {}
            for key, vs in groups.items():
                n = m.NewIntVar(0, len(vs), f"n_{key[0]}_{key[1]}_{key[2]}")
                m.Add(n == sum(vs))
                counts[key] = n
            per_interval: dict[tuple[int, str | None], list] = {}
            for (d, code, sk), n in counts.items():
                for t in intervals_of(p.shift(code), d, p.interval_minutes):
                    per_interval.setdefault((t, sk), []).append(n)
            for cv in p.interval_cover:
                count = sum(per_interval.get((cv.interval, cv.skill), []))
                self._deviation(
                    count,
                    cv.requirement,
                    cv.under_weight,
                    cv.over_weight,
                    n_agents,
                    cv.interval * p.interval_minutes // MINUTES_PER_DAY,
                )

    def _deviation(self, count, requirement: int, under_w: int, over_w: int, n: int, day: int) -> None:
        m = self.m
        if under_w:
            under = m.NewIntVar(0, max(requirement, 0), "")
            m.Add(count + under >= requirement)
            self.terms.append((under_w, under))
            self.shortfalls.append((under.Index(), day))
        if over_w:
            over = m.NewIntVar(0, n, "")
            m.Add(count - over <= requirement)
            self.terms.append((over_w, over))

    def _fairness(self) -> None:
        p, _m, H = self.p, self.m, self.p.days
        night = [s.code for s in p.shifts if s.night]
        pool = _night_pool(p)
        if p.fair_night_weight and night and pool:
            self._spread(
                p.fair_night_weight,
                [sum(self.x[(a.id, d, c)] for d in range(H) for c in night if (a.id, d, c) in self.x) for a in pool],
                H,
            )
        if p.fair_weekend_weight and p.weekends:
            days = {d for g in p.weekends for d in g}
            seats = {s.code for s in p.shifts if s.covers_intervals}
            per_agent: dict[str, list] = {a.id: [] for a in p.agents}
            for (ag, d, c), v in self.x.items():
                if d in days and c in seats:
                    per_agent[ag].append(v)
            self._spread(p.fair_weekend_weight, [sum(per_agent[a.id]) for a in p.agents], len(days))

    def _spread(self, weight: int, loads: list, ub: int) -> None:
        hi, lo = self.m.NewIntVar(0, ub, "hi"), self.m.NewIntVar(0, ub, "lo")
        for load in loads:
            self.m.Add(load <= hi)
            self.m.Add(load >= lo)
        self.terms.append((weight, hi))
        self.terms.append((-weight, lo))


def greedy_roster(problem: Problem) -> Roster:
    """A quick constructive roster used as the solver's hint for interval-cover problems: day by day, each
    agent (least worked first) takes the shift that fills the most still-missing seats, as long as every
    hard rule stays kept and the hours are paced over the period. Not optimal; a good start for CP-SAT."""
    p, H = problem, problem.days
    shifts = {s.code: s for s in p.shifts}
    need: dict[tuple[int, str | None], int] = {}
    weight: dict[tuple[int, str | None], int] = {}
    for cv in p.interval_cover:
        need[(cv.interval, cv.skill)] = cv.requirement
        weight[(cv.interval, cv.skill)] = cv.under_weight
    shift_need = {(cv.day, cv.shift): cv.requirement for cv in p.shift_cover}
    roster: Roster = {}
    minutes = {a.id: 0 for a in p.agents}
    worked = {a.id: 0 for a in p.agents}
    run = {a.id: 0 for a in p.agents}
    weekends = {a.id: set() for a in p.agents}
    weekend_of = {d: i for i, g in enumerate(p.weekends) for d in g}
    fixed = {(ag, d): c for ag, d, c in p.fixed}
    ok_codes = {
        a.id: [s for s in p.shifts if (s.skill is None or s.skill in a.skills) and a.max_shifts.get(s.code, 1) > 0]
        for a in p.agents
    }
    used = {a.id: {} for a in p.agents}
    for d in range(H):
        order = sorted(p.agents, key=lambda a: (minutes[a.id], a.id))
        for a in order:
            if (a.id, d) in fixed:
                code = fixed[(a.id, d)]
                choice = shifts.get(code) if code else None
            else:
                choice, best = None, 0
                prev = roster.get((a.id, d - 1))
                max_days = H - a.min_days_off
                budget = a.max_minutes if a.max_minutes is not None else 10**9
                pace = budget * (d + 1) / H + 600
                wk = weekend_of.get(d)
                for s in ok_codes[a.id]:
                    if d in a.days_off or worked[a.id] >= max_days:
                        break
                    if s.only_days is not None and d not in s.only_days:
                        continue
                    if prev is not None and s.code in shifts[prev].forbidden_next:
                        continue
                    if a.max_consecutive is not None and run[a.id] >= a.max_consecutive:
                        break
                    if minutes[a.id] + s.length_minutes > min(budget, pace):
                        continue
                    if used[a.id].get(s.code, 0) >= a.max_shifts.get(s.code, 10**9):
                        continue
                    if (
                        wk is not None
                        and wk not in weekends[a.id]
                        and a.max_weekends is not None
                        and len(weekends[a.id]) >= a.max_weekends
                    ):
                        continue
                    gain = 0
                    for t in intervals_of(s, d, p.interval_minutes):
                        for sk in (None, *a.skills):
                            if need.get((t, sk), 0) > 0:
                                gain += weight[(t, sk)]
                    if shift_need.get((d, s.code), 0) > 0:
                        gain += 10**6
                    if gain > best:
                        choice, best = s, gain
            if choice is None:
                run[a.id] = 0
                continue
            roster[(a.id, d)] = choice.code
            minutes[a.id] += choice.length_minutes
            worked[a.id] += 1
            run[a.id] += 1
            used[a.id][choice.code] = used[a.id].get(choice.code, 0) + 1
            if d in weekend_of:
                weekends[a.id].add(weekend_of[d])
            if (d, choice.code) in shift_need:
                shift_need[(d, choice.code)] -= 1
            for t in intervals_of(choice, d, p.interval_minutes):
                for sk in (None, *a.skills):
                    if (t, sk) in need:
                        need[(t, sk)] -= 1
    return roster


def build_model(problem: Problem, relax: bool = False, hard_weight: int = 100_000) -> _Builder:
    return _Builder(problem, relax, hard_weight).build()


STATUS = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


def assignment_values(builder: _Builder, roster: Roster) -> tuple[list[int], int] | None:
    """Values of every model variable for a roster (its shifts fixed: pure propagation plus the cheapest slacks and
    auxiliaries) and the model's objective there; None when the roster breaks a rule the model enforces."""
    copy_ = builder.m.clone()
    for (agent, d, code), v in builder.x.items():
        copy_.Add(copy_.get_int_var_from_proto_index(v.Index()) == (1 if roster.get((agent, d)) == code else 0))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10
    solver.parameters.num_workers = 1
    if solver.Solve(copy_) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return list(solver.ResponseProto().solution), round(solver.ObjectiveValue())


def _complete_hint(builder: _Builder, hint: Roster) -> tuple[list[int], int] | None:
    """Hint every variable, not only the shifts, so CP-SAT starts from the hint at once; returns the hint's values and
    objective when it keeps every rule of the model."""
    m = builder.m
    found = assignment_values(builder, hint)
    if found is None:
        for (agent, d, code), v in builder.x.items():  # an infeasible hint still guides the search
            m.AddHint(v, 1 if hint.get((agent, d)) == code else 0)
        return None
    for i, value in enumerate(found[0]):
        m.AddHint(m.get_int_var_from_proto_index(i), value)
    return found


class _FirstPhase(cp_model.CpSolverSolutionCallback):
    """Stops the whole-model search once `until` has passed and a roster exists (the search goes on past
    `until` while it has none, so a hard-to-satisfy model is not relaxed just because LNS was planned)."""

    def __init__(self, solver: cp_model.CpSolver, until: float):
        super().__init__()
        self.solver, self.until, self.found = solver, until, False
        self._timer = threading.Timer(max(0.0, until - time.monotonic()), self._expire)
        self._timer.daemon = True

    def on_solution_callback(self) -> None:
        self.found = True
        if time.monotonic() >= self.until:
            self.stop_search()

    def _expire(self) -> None:
        if self.found:
            self.solver.stop_search()

    def __enter__(self):
        self._timer.start()
        return self

    def __exit__(self, *exc):
        self._timer.cancel()


def solve_model(
    builder: _Builder,
    time_limit: float,
    workers: int,
    hint: Roster | None,
    log: bool,
    first_phase: float | None = None,
    stop: threading.Event | None = None,
):
    """Solve the whole model; returns (status, values of all variables or None, objective, bound). With first_phase,
    stop after that many seconds as soon as a roster exists (LNS takes over from there). When the search ends
    without a roster of its own (UNKNOWN: out of time, as on a thousand agents under load) but the hint keeps every
    rule, the hint is the answer (FEASIBLE, no bound). stop: set by another thread to end the search at once (the best
    roster found so far is kept)."""
    started = time.monotonic()
    start = _complete_hint(builder, hint) if hint else None
    solver = cp_model.CpSolver()
    # the time limit covers the hint's preparation too
    solver.parameters.max_time_in_seconds = max(0.1, time_limit - (time.monotonic() - started))
    solver.parameters.num_workers = workers
    solver.parameters.log_search_progress = log
    finished = threading.Event()
    if stop is not None:

        def watch() -> None:
            while not finished.wait(0.1):
                if stop.is_set():
                    solver.stop_search()
                    return

        threading.Thread(target=watch, daemon=True).start()
    try:
        if first_phase is not None and first_phase < time_limit:
            with _FirstPhase(solver, started + first_phase) as callback:
                status = solver.Solve(builder.m, callback)
        else:
            status = solver.Solve(builder.m)
    finally:
        finished.set()
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return (
            STATUS[status],
            list(solver.ResponseProto().solution),
            round(solver.ObjectiveValue()),
            solver.BestObjectiveBound(),
        )
    if status == cp_model.UNKNOWN and start is not None:
        return "FEASIBLE", start[0], start[1], None
    return STATUS.get(status, "UNKNOWN"), None, None, None


def roster_of(builder: _Builder, values: list[int] | None) -> Roster:
    if values is None:
        return {}
    return {(agent, d): code for (agent, d, code), v in builder.x.items() if values[v.Index()]}


def _improve(
    builder: _Builder,
    values: list[int],
    objective: int,
    deadline: float,
    seed: int,
    workers: int,
    stop_at: int | None = None,
    clock=time.monotonic,
    on_improve=None,
) -> lns.Result:
    """Large-neighbourhood search from the first phase's roster until the deadline (kefu.roster.lns)."""
    index = {a.id: i for i, a in enumerate(builder.p.agents)}
    cells = [(index[agent], d, v.Index()) for (agent, d, _code), v in builder.x.items()]
    return lns.improve(
        builder.m,
        cells,
        values,
        objective,
        deadline,
        seed=seed,
        threads=workers,
        stop_at=stop_at,
        short_days=lambda vals: [d for idx, d in builder.shortfalls if vals[idx] > 0],
        clock=clock,
        on_improve=on_improve,
    )


def _patterns_suit(problem: Problem) -> bool:
    """Column generation pays where agents are few enough for one pricing model each per round."""
    return 0 < _cells(problem) <= PATTERN_LARGE_CELLS


def _cells(problem: Problem) -> int:
    return len(problem.agents) * problem.days * len(problem.shifts)


def solve(
    problem: Problem,
    *,
    time_limit: float = 30.0,
    workers: int = 2,
    hint: Roster | None = None,
    log: bool = False,
    relax_time_limit: float | None = None,
    lns_share: float | None = LNS_SHARE,
    seed: int = 0,
    use_patterns: bool | None = None,
    progress=None,
    stop: threading.Event | None = None,
) -> Solution:
    """Solve with every hard rule enforced; when that is infeasible, relax rule families and say which broke.

    The whole model is searched first; unless it is solved to optimality within (1 - lns_share) of the time,
    large-neighbourhood search improves the roster for the rest (lns_share None: the whole-model search only).
    Before LNS, column generation and diving (kefu.roster.patterns) give a lower bound and usually a far better roster
    where `_patterns_suit` says so (use_patterns None), always (True) or never (False).

    progress: called with a `Progress` at each phase and each better roster LNS finds (a person waiting sees the best
    cost, the bound and the time). stop: an event another thread sets to end the solve early; the best roster found so
    far is returned (each phase reads the time on a clock that jumps to the end once it is set).
    """
    started = time.monotonic()
    deadline = started + time_limit
    clock = time.monotonic if stop is None else (lambda: math.inf if stop.is_set() else time.monotonic())

    def report(phase: str, value: int | None, lower: float | None) -> None:
        if progress is not None:
            progress(Progress(phase, value, lower, round(time.monotonic() - started, 1)))

    first_phase = None if not lns_share else time_limit * (1 - lns_share)
    if use_patterns is None:
        use_patterns = _patterns_suit(problem)
    if use_patterns and first_phase:
        first_phase = min(first_phase, PATTERN_FIRST_PHASE)  # any legal roster will do: columns improve it
    if hint is None and problem.interval_cover:
        hint = greedy_roster(problem)
    elif hint is None and _cells(problem) > PATTERN_LARGE_CELLS:
        # the whole model may find no roster at all in the time (Instance13: none in 45 s on 2 loaded cores): start
        # from one built agent by agent under each one's rules (legal whenever each agent has a legal schedule)
        hint = patterns.priced_roster(problem, started + PRICED_START_SHARE * time_limit)
    model = build_model(problem)
    left = time_limit - (time.monotonic() - started)
    # Without a start of its own, the whole model gets a while to find a roster; when it finds none (Instance14 on a
    # loaded core: none in 60 s), the roster built agent by agent is the start instead of the whole time being spent
    give_up = None
    if hint is None and lns_share and not problem.interval_cover:
        give_up = max(first_phase or 0.0, NO_ROSTER_SHARE * time_limit)
    status, values, objective, bound = solve_model(
        model, min(left, give_up or left), workers, hint, log, first_phase, stop
    )
    if give_up is not None and values is None and status == "UNKNOWN" and clock() < deadline:
        hint = patterns.priced_roster(problem, time.monotonic() + PRICED_START_SHARE * (deadline - time.monotonic()))
        if hint is not None:
            status, values, objective, bound = solve_model(
                model, deadline - time.monotonic(), workers, hint, log, first_phase, stop
            )
    relaxed = False
    found = status in ("OPTIMAL", "FEASIBLE")
    if not found:
        relaxed = True
        left = relax_time_limit if relax_time_limit is not None else max(1.0, deadline - time.monotonic())
        deadline = time.monotonic() + left
        model = build_model(problem, relax=True)
        status, values, objective, _bound = solve_model(
            model, left, workers, hint, log, None if not lns_share else left * (1 - lns_share), stop
        )
        found = status in ("OPTIMAL", "FEASIBLE")
    report("model", objective, bound)
    if status == "FEASIBLE" and lns_share and not relaxed and use_patterns and clock() < deadline:
        # column generation and diving (kefu.roster.patterns): a strong lower bound and, usually, a far better roster
        large = _cells(problem) > PATTERN_MAX_CELLS
        until = time.monotonic() + (deadline - time.monotonic()) * PATTERN_SHARE
        outcome = patterns.price_and_branch(
            problem,
            roster_of(model, values),
            until,
            workers=workers,
            plan=patterns.LARGE_PLAN if large else patterns.Plan(),
            clock=clock,
        )
        if outcome.lower_bound is not None:
            bound = max(bound or 0, outcome.lower_bound)  # fair-load terms only add to the cost: still a bound
        better = assignment_values(model, outcome.roster) if outcome.improved else None
        if better is not None and better[1] < objective:
            values, objective = better
        if bound is not None and objective <= bound:
            status = "OPTIMAL"
        report("columns", objective, bound)
    if status == "FEASIBLE" and lns_share and deadline - clock() > 0.2:
        improved = _improve(
            model,
            values,
            objective,
            deadline,
            seed,
            workers,
            stop_at=None if bound is None else math.ceil(bound - 1e-6),
            clock=clock,
            on_improve=lambda value: report("lns", value, bound),
        )
        values, objective = improved.values, improved.objective
        if bound is not None and objective <= bound:
            status = "OPTIMAL"
    if relaxed and status == "OPTIMAL":
        status = "FEASIBLE"  # optimal for the relaxed model only
    roster = roster_of(model, values)
    evaluation = evaluate(problem, roster) if found else None
    conflicts = sorted({v.family for v in evaluation.hard}) if evaluation else []
    report("done", objective, bound)
    return Solution(
        status=status,
        roster=roster,
        objective=evaluation.soft_cost if evaluation else None,
        bound=bound,
        relaxed=relaxed,
        conflicts=conflicts,
        evaluation=evaluation,
        wall_seconds=time.monotonic() - started,
    )
