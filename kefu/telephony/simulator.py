"""Call-center simulator (pure: SimPy + numpy, no Django). Ground truth for importer and KPI tests, and for WFM.

`simulate(SimConfig) -> SimulationResult` runs a discrete-event model of one ACD queue:

* arrivals: Poisson per interval with rate = calls_per_day × daily profile × weekly profile × month-start peak
  (the textbook: calls peak at the beginning of the month, 004:L1473, L1697 "add temporary agents at peaks"), or a
  constant rate (`calls_per_hour`), the M/M/c(+M) case to cross-check Erlang C / Erlang A;
* trunks: a call finding every trunk busy is blocked (busy tone, never reaches the ACD, 004:L1601);
* IVR-only calls (no agent request, 004:L1305) hold a trunk for their IVR time;
* one queue served by skill (call type), VIP callers first (VIP priority, 004:L1301);
* caller patience (exponential by default, or any `Dist`): an impatient caller abandons (004:L1553); a caller still
  waiting after `queue_timeout_seconds` leaves with EXITWITHTIMEOUT; with no agent logged in, EXITEMPTY;
* agents from a roster (staff_no, start, end, skills, pauses); talk, hold and after-call work (ACW) times;
  a share of answered calls is transferred, blind or attended (004:L1655–1671).

All times are whole seconds (durations are rounded), as in queue_log, so a log written by the simulator and read
back by `queue_log.parse` reproduces every counter exactly. Deterministic for a given `seed`.
"""

from __future__ import annotations

import bisect
import csv
import io
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import simpy


@dataclass(frozen=True)
class Dist:
    """A duration distribution in seconds: kind 'exponential' | 'lognormal' | 'constant' | 'uniform'.

    lognormal uses mean and sd of the duration itself; uniform spans [low, high]. Samples are rounded to whole
    seconds and never fall below `minimum`.
    """

    kind: str = "exponential"
    mean: float = 0.0
    sd: float = 0.0
    low: float = 0.0
    high: float = 0.0
    minimum: int = 0

    def sample(self, rng: np.random.Generator) -> int:
        if self.kind == "constant":
            x = self.mean
        elif self.kind == "exponential":
            x = rng.exponential(self.mean) if self.mean > 0 else 0.0
        elif self.kind == "lognormal":
            sigma2 = math.log(1 + (self.sd / self.mean) ** 2)
            x = rng.lognormal(math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2))
        elif self.kind == "uniform":
            x = rng.uniform(self.low, self.high)
        else:
            raise ValueError(f"未知分布 {self.kind}")
        return max(int(round(x)), self.minimum)


@dataclass(frozen=True)
class AgentShift:
    """One agent's logged-in span, in seconds from the simulation start; pauses as (start, end, reason)."""

    staff_no: str
    start: int
    end: int
    skills: frozenset[str] = frozenset()  # empty: takes every call type
    pauses: tuple[tuple[int, int, str], ...] = ()


@dataclass
class SimConfig:
    """Everything the model needs. Durations in seconds; `start` is an aware datetime at local midnight.

    Constant-rate scenario (Erlang C / A check): set `calls_per_hour`, exponential `talk`, `hold=None`,
    `acw=Dist('constant', 0)`, `patience=Dist('exponential', mean)` (or None for Erlang C), `trunks=None`.
    """

    start: datetime
    duration_seconds: int = 86400
    agents: list[AgentShift] = field(default_factory=list)
    seed: int = 1
    # arrivals
    arrival_times: list[int] | None = None  # explicit arrivals (seconds from start), for hand-computed tests
    calls_per_hour: float | None = None  # constant rate; overrides the profiles
    calls_per_day: float = 1000.0
    interval_seconds: int = 1800
    daily_profile: list[float] | None = None  # one weight per interval of a day (normalised); None = flat
    weekly_profile: list[float] = field(default_factory=lambda: [1.0] * 7)  # Monday..Sunday multipliers
    month_start_days: int = 0  # days 1..N of a month get `month_start_factor`
    month_start_factor: float = 1.0
    # callers
    call_types: dict[str, float] = field(default_factory=lambda: {"业务咨询": 1.0})
    vip_share: float = 0.0
    ivr_only_share: float = 0.0
    ivr_time: Dist = field(default_factory=lambda: Dist("constant", 30))
    patience: Dist | None = field(default_factory=lambda: Dist("exponential", 120))
    queue_timeout_seconds: int | None = None
    leave_when_empty: bool = True
    trunks: int | None = None
    # handling
    ring_seconds: int = 0
    talk: Dist = field(default_factory=lambda: Dist("exponential", 180, minimum=1))
    hold_share: float = 0.0
    hold: Dist | None = None
    acw: Dist = field(default_factory=lambda: Dist("constant", 0))
    transfer_share: float = 0.0
    attended_share: float = 0.5  # of transfers
    fcr_share: float = 0.85
    # reporting
    queue: str = "hotline"
    short_abandon_seconds: int = 20  # 004:L1555
    answer_thresholds: tuple[int, ...] = (15, 20, 60)  # counts of answers with wait strictly under X (SPEC)
    time_zone: str = "Asia/Shanghai"

    @classmethod
    def constant(
        cls,
        start: datetime,
        *,
        calls_per_hour: float,
        agents: int,
        mean_talk: float,
        mean_patience: float | None,
        hours: float = 8.0,
        seed: int = 1,
        **kw,
    ) -> SimConfig:
        """M/M/c (+M when mean_patience is set) with `agents` agents logged in the whole time."""
        dur = int(hours * 3600)
        roster = [AgentShift(f"{9001 + i}", 0, dur) for i in range(agents)]
        return cls(
            start=start,
            duration_seconds=dur,
            agents=roster,
            seed=seed,
            calls_per_hour=calls_per_hour,
            talk=Dist("exponential", mean_talk, minimum=1),
            patience=Dist("exponential", mean_patience) if mean_patience else None,
            **kw,
        )


@dataclass
class AgentTotals:
    logged_in: int = 0
    paused: int = 0
    talk: int = 0
    hold: int = 0
    acw: int = 0
    answered: int = 0

    @property
    def ready(self) -> int:
        return self.logged_in - self.paused


@dataclass
class Counters:
    attempts: int = 0
    blocked: int = 0
    ivr: int = 0
    offered: int = 0  # entered the queue (requested an agent)
    answered: int = 0
    abandoned: int = 0
    short_abandoned: int = 0
    timeouts: int = 0
    empty: int = 0
    queued: int = 0
    answered_under: dict[int, int] = field(default_factory=dict)
    wait_answered: int = 0
    wait_abandoned: int = 0
    talk: int = 0
    hold: int = 0
    acw: int = 0
    transferred: int = 0
    blind: int = 0
    attended: int = 0
    vip_offered: int = 0
    vip_answered: int = 0
    still_waiting: int = 0
    agents: dict[str, AgentTotals] = field(default_factory=dict)


@dataclass
class SimCall:
    call_id: str
    offered: int  # seconds from start
    caller: str
    call_type: str
    is_vip: bool
    outcome: str = ""
    wait: int = 0
    queued: bool = False
    agent: str = ""
    answered: int | None = None
    talk: int = 0
    hold: int = 0
    acw: int = 0
    transfer_kind: str = ""
    ended: int | None = None


@dataclass
class SimulationResult:
    config: SimConfig
    counters: Counters
    calls: list[SimCall]
    queue_log: str
    csv_text: str = ""


class _PriorityFilterStore(simpy.FilterStore):
    """A FilterStore kept sorted by (priority, arrival): an agent takes the first waiting call it has the skill for."""

    def _do_put(self, event):
        if len(self.items) < self._capacity:
            bisect.insort(self.items, event.item)
            event.succeed()


@dataclass(order=True)
class _Waiting:
    priority: int
    seq: int
    call: SimCall = field(compare=False)
    picked: simpy.Event = field(compare=False, default=None)


def _arrival_times(cfg: SimConfig, rng: np.random.Generator, tz) -> list[int]:
    times: list[int] = []
    if cfg.arrival_times is not None:
        return sorted(int(t) for t in cfg.arrival_times)
    if cfg.calls_per_hour is not None:
        t = 0.0
        rate = cfg.calls_per_hour / 3600.0
        while rate > 0:
            t += rng.exponential(1 / rate)
            if t >= cfg.duration_seconds:
                break
            times.append(int(t))
        return times
    n_int = 86400 // cfg.interval_seconds
    profile = cfg.daily_profile or [1.0] * n_int
    if len(profile) != n_int:
        raise ValueError(f"daily_profile 需要 {n_int} 个时段权重")
    total = sum(profile)
    for start in range(0, cfg.duration_seconds, cfg.interval_seconds):
        local = (cfg.start + timedelta(seconds=start)).astimezone(tz)
        idx = (local.hour * 3600 + local.minute * 60 + local.second) // cfg.interval_seconds
        lam = cfg.calls_per_day * profile[idx] / total * cfg.weekly_profile[local.weekday()]
        if local.day <= cfg.month_start_days:
            lam *= cfg.month_start_factor
        span = min(cfg.interval_seconds, cfg.duration_seconds - start)
        lam *= span / cfg.interval_seconds
        n = rng.poisson(lam)
        times.extend(sorted(int(start + x) for x in rng.uniform(0, span, n)))
    return times


def simulate(cfg: SimConfig) -> SimulationResult:
    tz = ZoneInfo(cfg.time_zone)
    rng = np.random.default_rng(cfg.seed)
    env = simpy.Environment()
    store = _PriorityFilterStore(env)
    epoch0 = int(cfg.start.timestamp())
    log: list[str] = []
    calls: list[SimCall] = []
    c = Counters(answered_under={x: 0 for x in cfg.answer_thresholds})
    c.agents = {a.staff_no: AgentTotals() for a in cfg.agents}
    state = {"trunks_busy": 0, "logged_in": 0, "seq": 0}
    waiting_events: dict[str, simpy.Event] = {}  # call_id -> event fired when every agent has left

    def out(t: int, callid: str, agent: str, event: str, *data) -> None:
        log.append("|".join([str(epoch0 + t), callid, cfg.queue, agent, event, *[str(d) for d in data]]))

    types = list(cfg.call_types)
    weights = np.array([cfg.call_types[k] for k in types], dtype=float)
    weights /= weights.sum()

    def interface(no: str) -> str:
        return f"Local/{no}@agents"

    def caller_process(call: SimCall, ivr_only: bool):
        c.attempts += 1
        if cfg.trunks is not None and state["trunks_busy"] >= cfg.trunks:
            call.outcome, call.ended = "blocked", call.offered
            c.blocked += 1
            out(call.offered, call.call_id, "NONE", "KF_BLOCKED", call.caller, call.call_type)
            calls.append(call)
            return
        state["trunks_busy"] += 1
        try:
            if ivr_only:
                secs = cfg.ivr_time.sample(rng)
                out(call.offered, call.call_id, "NONE", "KF_IVR", call.caller, secs, call.call_type)
                call.outcome, call.ended = "ivr", call.offered + secs
                c.ivr += 1
                calls.append(call)
                yield env.timeout(secs)
                return
            c.offered += 1
            c.vip_offered += call.is_vip
            out(call.offered, call.call_id, "NONE", "ENTERQUEUE", "", call.caller, 1)
            out(call.offered, call.call_id, "NONE", "KF_CALLINFO", call.call_type, int(call.is_vip))
            if state["logged_in"] == 0 and cfg.leave_when_empty:
                call.outcome, call.ended = "empty", call.offered
                c.empty += 1
                out(call.offered, call.call_id, "NONE", "EXITEMPTY", 1, 1, 0)
                calls.append(call)
                return
            state["seq"] += 1
            item = _Waiting(0 if call.is_vip else 1, state["seq"], call, env.event())
            yield store.put(item)
            patience = cfg.patience.sample(rng) if cfg.patience is not None else None
            limits = [x for x in (patience, cfg.queue_timeout_seconds) if x is not None]
            kicked = env.event()
            waiting_events[call.call_id] = kicked
            waits = [item.picked, kicked]
            if limits:
                waits.append(env.timeout(min(limits)))
            yield env.any_of(waits)
            waiting_events.pop(call.call_id, None)
            if not item.picked.triggered and item in store.items:
                store.items.remove(item)
                wait = env.now - call.offered
                call.wait, call.ended = wait, env.now
                call.queued = wait > 0 or not kicked.triggered
                c.queued += call.queued
                if kicked.triggered:
                    call.outcome = "empty"
                    c.empty += 1
                    out(env.now, call.call_id, "NONE", "EXITEMPTY", 1, 1, wait)
                elif cfg.queue_timeout_seconds is not None and (
                    patience is None or cfg.queue_timeout_seconds <= patience
                ):
                    call.outcome = "timeout"
                    c.timeouts += 1
                    out(env.now, call.call_id, "NONE", "EXITWITHTIMEOUT", 1, 1, wait)
                else:
                    call.outcome = "abandoned"
                    c.abandoned += 1
                    c.wait_abandoned += wait
                    c.short_abandoned += wait <= cfg.short_abandon_seconds
                    out(env.now, call.call_id, "NONE", "ABANDON", 1, 1, wait)
                calls.append(call)
                return
            if not item.picked.triggered:
                yield item.picked
            # the agent process serves the call; the trunk stays busy until it hangs up
            yield item.picked.value
        finally:
            state["trunks_busy"] -= 1

    def agent_process(shift: AgentShift):
        tot = c.agents[shift.staff_no]
        if shift.start > env.now:  # (a zero timeout would let a caller arriving at the same instant in first)
            yield env.timeout(shift.start - env.now)
        state["logged_in"] += 1
        out(env.now, "NONE", interface(shift.staff_no), "ADDMEMBER", "")
        pauses = sorted(shift.pauses)
        while True:
            next_pause = next((p for p in pauses if p[1] > env.now), None)
            stop = min(shift.end, next_pause[0] if next_pause else shift.end)
            if env.now >= shift.end:
                break
            if next_pause and env.now >= next_pause[0]:
                pauses.remove(next_pause)
                end = min(next_pause[1], shift.end)
                out(env.now, "NONE", interface(shift.staff_no), "PAUSE", next_pause[2])
                tot.paused += end - env.now
                yield env.timeout(end - env.now)
                out(env.now, "NONE", interface(shift.staff_no), "UNPAUSE", "")
                continue
            skills = shift.skills
            get = store.get(lambda w: not skills or w.call.call_type in skills)
            result = yield get | env.timeout(stop - env.now)
            if get not in result:
                if get.triggered:
                    item = get.value
                else:
                    get.cancel()
                    continue
            else:
                item = get.value
            call = item.call
            done = env.event()
            item.picked.succeed(done)
            ring = cfg.ring_seconds
            if ring:
                yield env.timeout(ring)
            call.answered = env.now
            call.wait = env.now - call.offered
            call.queued = (env.now - ring) > call.offered
            call.agent = shift.staff_no
            out(env.now, call.call_id, interface(shift.staff_no), "CONNECT", call.wait, f"{call.call_id}.1", ring)
            talk = cfg.talk.sample(rng)
            hold = cfg.hold.sample(rng) if cfg.hold is not None and rng.random() < cfg.hold_share else 0
            transfer = rng.random() < cfg.transfer_share
            kind = ("attended" if rng.random() < cfg.attended_share else "blind") if transfer else ""
            caller_hangs = rng.random() < 0.6
            fcr = int(rng.random() < cfg.fcr_share)
            yield env.timeout(talk + hold)
            acw = cfg.acw.sample(rng)
            call.talk, call.hold, call.acw, call.transfer_kind, call.ended = talk, hold, acw, kind, env.now
            call.outcome = "answered"
            out(
                env.now,
                call.call_id,
                interface(shift.staff_no),
                "KF_WRAPUP",
                hold,
                acw,
                "resolved" if fcr else "follow_up",
                fcr,
            )
            if kind == "blind":
                out(
                    env.now,
                    call.call_id,
                    interface(shift.staff_no),
                    "BLINDTRANSFER",
                    "8000",
                    "experts",
                    call.wait,
                    talk + hold,
                    1,
                )
            elif kind == "attended":
                out(
                    env.now,
                    call.call_id,
                    interface(shift.staff_no),
                    "ATTENDEDTRANSFER",
                    "BRIDGE",
                    f"bridge-{call.call_id}",
                    call.wait,
                    talk + hold,
                    1,
                )
            else:
                out(
                    env.now,
                    call.call_id,
                    interface(shift.staff_no),
                    "COMPLETECALLER" if caller_hangs else "COMPLETEAGENT",
                    call.wait,
                    talk + hold,
                    1,
                )
            c.answered += 1
            c.vip_answered += call.is_vip
            c.queued += call.queued
            c.wait_answered += call.wait
            for x in cfg.answer_thresholds:
                c.answered_under[x] += call.wait < x
            c.talk += talk
            c.hold += hold
            c.acw += acw
            c.transferred += bool(kind)
            c.blind += kind == "blind"
            c.attended += kind == "attended"
            tot.talk += talk
            tot.hold += hold
            tot.acw += acw
            tot.answered += 1
            calls.append(call)
            done.succeed()
            if acw:
                yield env.timeout(acw)
        tot.logged_in = env.now - shift.start
        out(env.now, "NONE", interface(shift.staff_no), "REMOVEMEMBER", "")
        state["logged_in"] -= 1
        if state["logged_in"] == 0 and cfg.leave_when_empty:
            for ev in list(waiting_events.values()):
                if not ev.triggered:
                    ev.succeed()

    arrivals = _arrival_times(cfg, rng, tz)
    for shift in cfg.agents:
        env.process(agent_process(shift))

    def source():
        for i, t in enumerate(arrivals):
            if t > env.now:
                yield env.timeout(t - env.now)
            call = SimCall(
                call_id=f"{epoch0 + t}.{i}",
                offered=t,
                caller=f"13{rng.integers(0, 10**9):09d}",
                call_type=types[int(rng.choice(len(types), p=weights))],
                is_vip=bool(rng.random() < cfg.vip_share),
            )
            env.process(caller_process(call, bool(rng.random() < cfg.ivr_only_share)))

    env.process(source())
    env.run()
    c.still_waiting = len(store.items)
    calls.sort(key=lambda x: (x.offered, x.call_id))
    result = SimulationResult(config=cfg, counters=c, calls=calls, queue_log="\n".join(log) + "\n")
    result.csv_text = calls_csv(result)
    return result


CSV_COLUMNS = [
    "call_id",
    "queue",
    "call_type",
    "is_vip",
    "caller_number",
    "offered_at",
    "outcome",
    "requested_agent",
    "queued",
    "answered_at",
    "wait_seconds",
    "talk_seconds",
    "hold_seconds",
    "acw_seconds",
    "transferred",
    "transfer_kind",
    "agent_staff_no",
    "ended_at",
]


def calls_csv(result: SimulationResult) -> str:
    """The simulated calls as a CSV with kefu's own column names (the identity mapping of the CSV importer)."""
    cfg = result.config
    tz = ZoneInfo(cfg.time_zone)

    def ts(sec: int | None) -> str:
        return "" if sec is None else (cfg.start + timedelta(seconds=sec)).astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for call in result.calls:
        w.writerow(
            [
                call.call_id,
                cfg.queue,
                call.call_type,
                int(call.is_vip),
                call.caller,
                ts(call.offered),
                call.outcome,
                int(call.outcome not in ("ivr",)),
                int(call.queued),
                ts(call.answered),
                call.wait,
                call.talk,
                call.hold,
                call.acw,
                int(bool(call.transfer_kind)),
                call.transfer_kind,
                call.agent,
                ts(call.ended),
            ]
        )
    return buf.getvalue()


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)
