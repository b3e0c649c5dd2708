"""The Employee Shift Scheduling Benchmark (Curtois & Qu, https://www.schedulingbenchmarks.org/nrp/).

`parse()` reads an InstanceN.txt into plain records; `to_problem()` maps it into the same
`kefu.roster.engine.Problem` the product uses. `check()` is deliberately independent of the engine: it
recomputes every hard rule and the objective of a roster straight from the parsed text, so a wrong model
cannot pass the tests by agreeing with itself.

Conventions of the benchmark (instances1_24.html): day 0 is a Monday; a weekend (Sat, Sun) counts as
worked when either day is; minimum stretches of work or rest are only checked when they start and end
inside the horizon (the days before and after it are unknown).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kefu.roster import engine

# Proven optima / best known (SPEC; the benchmark page, transcribed in the public repository
# seyon1988/IT5082_Optimization_Methods_Programming__Assignment data/best_known.csv, lower bound = best
# known for instances 1-23).
BEST_KNOWN = {
    1: 607,
    2: 828,
    3: 1001,
    4: 1716,
    5: 1143,
    6: 1950,
    7: 1056,
    8: 1300,
    9: 439,
    10: 4631,
    11: 3443,
    12: 4040,
    13: 1348,
    14: 1278,
    15: 3828,
    16: 3225,
    17: 5746,
    18: 4459,
    19: 3149,
    20: 4769,
    21: 21133,
    22: 30241,
    23: 17285,
    24: 40439,
}
PROVEN_OPTIMAL = {1, 2, 3, 4}  # those SPEC calls proven optima

DATA_DIR = Path("/work/shared/benchmarks/shift-scheduling")


@dataclass
class StaffRow:
    id: str
    max_shifts: dict[str, int]
    max_minutes: int
    min_minutes: int
    max_consecutive: int
    min_consecutive: int
    min_consecutive_off: int
    max_weekends: int


@dataclass
class Instance:
    horizon: int
    shifts: dict[str, tuple[int, list[str]]]  # id -> (length minutes, forbidden followers)
    staff: list[StaffRow]
    days_off: dict[str, list[int]] = field(default_factory=dict)
    on_requests: list[tuple[str, int, str, int]] = field(default_factory=list)
    off_requests: list[tuple[str, int, str, int]] = field(default_factory=list)
    cover: list[tuple[int, str, int, int, int]] = field(default_factory=list)  # day, shift, req, under w, over w


def _sections(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            current = line
            out[current] = []
        elif current is not None:
            out[current].append(line)
    return out


def parse(text: str) -> Instance:
    s = _sections(text)
    shifts = {}
    for line in s["SECTION_SHIFTS"]:
        sid, length, forbidden = (line.split(",", 2) + [""])[:3]
        shifts[sid] = (int(length), [f for f in forbidden.split("|") if f])
    staff = []
    for line in s["SECTION_STAFF"]:
        parts = line.split(",")
        maxes = {}
        for item in filter(None, parts[1].split("|")):
            code, n = item.split("=")
            maxes[code] = int(n)
        staff.append(StaffRow(parts[0], maxes, *map(int, parts[2:8])))
    inst = Instance(int(s["SECTION_HORIZON"][0]), shifts, staff)
    for line in s.get("SECTION_DAYS_OFF", []):
        parts = line.split(",")
        inst.days_off[parts[0]] = [int(d) for d in parts[1:] if d]
    for key, target in (
        ("SECTION_SHIFT_ON_REQUESTS", inst.on_requests),
        ("SECTION_SHIFT_OFF_REQUESTS", inst.off_requests),
    ):
        for line in s.get(key, []):
            e, d, sh, w = line.split(",")
            target.append((e, int(d), sh, int(w)))
    for line in s.get("SECTION_COVER", []):
        d, sh, req, uw, ow = line.split(",")
        inst.cover.append((int(d), sh, int(req), int(uw), int(ow)))
    return inst


def load(number: int, data_dir: Path = DATA_DIR) -> Instance:
    return parse((data_dir / f"Instance{number}.txt").read_text())


def to_problem(inst: Instance) -> engine.Problem:
    shifts = tuple(
        engine.ShiftType(code, length, forbidden_next=frozenset(nxt)) for code, (length, nxt) in inst.shifts.items()
    )
    agents = tuple(
        engine.Agent(
            id=r.id,
            max_shifts=dict(r.max_shifts),
            max_minutes=r.max_minutes,
            min_minutes=r.min_minutes,
            max_consecutive=r.max_consecutive,
            min_consecutive=r.min_consecutive,
            min_consecutive_off=r.min_consecutive_off,
            max_weekends=r.max_weekends,
            days_off=frozenset(inst.days_off.get(r.id, [])),
        )
        for r in inst.staff
    )
    requests = tuple(
        [engine.Request(e, d, sh, w, True) for e, d, sh, w in inst.on_requests]
        + [engine.Request(e, d, sh, w, False) for e, d, sh, w in inst.off_requests]
    )
    cover = tuple(engine.ShiftCover(d, sh, req, uw, ow) for d, sh, req, uw, ow in inst.cover)
    return engine.Problem(
        days=inst.horizon,
        shifts=shifts,
        agents=agents,
        shift_cover=cover,
        requests=requests,
        weekends=engine.weekend_groups(inst.horizon, 0),
    )


def check(inst: Instance, roster: dict[tuple[str, int], str]) -> tuple[int, list[str]]:
    """(objective, hard-rule breaches) of a roster, computed from the instance alone."""
    errors: list[str] = []
    H = inst.horizon
    for (e, d), sh in roster.items():
        if sh not in inst.shifts:
            errors.append(f"{e} day {d}: unknown shift {sh}")
        if not 0 <= d < H:
            errors.append(f"{e}: day {d} outside the horizon")
    for r in inst.staff:
        line = [roster.get((r.id, d)) for d in range(H)]
        for sh, limit in r.max_shifts.items():
            if line.count(sh) > limit:
                errors.append(f"{r.id}: {line.count(sh)} x {sh} > {limit}")
        total = sum(inst.shifts[sh][0] for sh in line if sh in inst.shifts)
        if not r.min_minutes <= total <= r.max_minutes:
            errors.append(f"{r.id}: {total} minutes outside [{r.min_minutes}, {r.max_minutes}]")
        for d in range(H - 1):
            if line[d] and line[d + 1] and line[d + 1] in inst.shifts[line[d]][1]:
                errors.append(f"{r.id}: {line[d + 1]} may not follow {line[d]} (day {d + 1})")
        for d in inst.days_off.get(r.id, []):
            if line[d] is not None:
                errors.append(f"{r.id}: works on day off {d}")
        # consecutive runs, scanned day by day
        run, run_start, off_run, off_start = 0, 0, 0, 0
        for d in range(H + 1):
            working = d < H and line[d] is not None
            if working:
                if run == 0:
                    run_start = d
                run += 1
                if run > r.max_consecutive:
                    errors.append(f"{r.id}: more than {r.max_consecutive} consecutive shifts at day {d}")
                if off_run and off_start > 0 and off_run < r.min_consecutive_off:
                    errors.append(f"{r.id}: only {off_run} days off from day {off_start}")
                off_run = 0
            else:
                if run and run_start > 0 and d < H and run < r.min_consecutive:
                    errors.append(f"{r.id}: only {run} consecutive shifts from day {run_start}")
                run = 0
                if d < H:
                    if off_run == 0:
                        off_start = d
                    off_run += 1
        weekends = sum(1 for w in range(H // 7) if line[7 * w + 5] is not None or line[7 * w + 6] is not None)
        if weekends > r.max_weekends:
            errors.append(f"{r.id}: {weekends} weekends > {r.max_weekends}")
    penalty = 0
    for e, d, sh, w in inst.on_requests:
        if roster.get((e, d)) != sh:
            penalty += w
    for e, d, sh, w in inst.off_requests:
        if roster.get((e, d)) == sh:
            penalty += w
    for d, sh, req, uw, ow in inst.cover:
        n = sum(1 for r in inst.staff if roster.get((r.id, d)) == sh)
        penalty += uw * max(0, req - n) + ow * max(0, n - req)
    return penalty, errors
