"""The demo's call month follows the published roster: the agents log in for their rostered shifts.

Provided for the hook "demo.call_rota" (kefu.registry) by the roster's AppConfig (telephony sits below planning
and cannot import the roster itself)."""

from __future__ import annotations

from datetime import datetime, timedelta

from kefu.telephony.demo import breaks
from kefu.telephony.simulator import AgentShift

ABSENT_SHARE = 0.012  # about one rostered shift in eighty missed: 出勤率 a little under 100 % (004:L1585-1591)


def call_rota(center, start: datetime, duration: int, rng) -> list[AgentShift] | None:
    """The agents log in for the shifts of the center's published roster (built here first if the demo has none):
    most on time, a few minutes late now and then, about one shift in eighty missed. None without a roster."""
    from kefu.roster import demo as roster_demo
    from kefu.roster.selectors import scheduled_intervals

    roster_demo.ensure_rosters(center)
    rows = scheduled_intervals(center, start, start + timedelta(seconds=duration))
    if not rows:
        return None
    shifts = []
    absent = set(rng.sample(range(len(rows)), round(len(rows) * ABSENT_SHARE)))  # a few shifts missed, every month
    for i, (staff_no, s_at, e_at, *_) in enumerate(rows):
        roll = rng.random()
        if i in absent or s_at < start:
            continue  # absent (or the shift began before the simulated month)
        s = max(
            0,
            int((s_at - start).total_seconds()) + (rng.randint(5, 25) * 60 if roll < 0.05 else -rng.randint(0, 5) * 60),
        )
        e = min(int((e_at - start).total_seconds()) + rng.randint(0, 5) * 60, duration)
        if e > s:
            shifts.append(AgentShift(staff_no, s, e, frozenset(), breaks(s, e)))
    return shifts
