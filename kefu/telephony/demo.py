"""A month of simulated calls for the demo center (about 30 days up to now), imported day by day through the queue_log importer."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from kefu import registry
from kefu.org.models import Staff
from kefu.telephony import services
from kefu.telephony.models import ImportBatch
from kefu.telephony.simulator import AgentShift, Dist, SimConfig, simulate

DAYS = 30
CALLS_PER_DAY = 210  # what fifteen agents on the roster's shifts answer mostly within the service level
# Calls an hour of a hotline day (each hour's two half-hours alike): a quiet night for the two night agents, the
# morning peak 09–11 and the afternoon peak 13–16 sized to the four or five agents the roster has on the day shifts
# (about two erlangs: 80 % answered within 20 s), the evening tail for the two late agents.
_HOURLY = [3, 3, 3, 3, 3, 3, 3, 7, 16, 19, 19, 17, 17, 19, 19, 18, 16, 12, 7, 6, 5, 4, 3, 3]
DAILY_PROFILE = [n / 2 for n in _HOURLY for _half in (0, 1)]
# How long a caller waits before hanging up, on average (a few minutes for a person). With four agents on the day
# shift a queued caller waits minutes (Erlang C: handling time ÷ (agents − erlangs)), so a few in a hundred hang up:
# 已复电话百分比 (≥ 98 %, 004:L1685) stays a little under its target, one of the demo's breaches to show.
PATIENCE_SECONDS = 360
FIRST_CALL_RESOLVED = 0.9  # calls the agent resolves during the call (首次解决率 ≥ 85 %, 004:L1631)
WEEKLY_PROFILE = [1.1, 1.0, 1.0, 1.0, 1.05, 0.8, 0.7]  # Monday .. Sunday
# (start hour, end hour) of the shifts in the order they are filled; end past 24 runs into the next day
SHIFTS = [
    (22, 32),
    (8, 16),
    (14, 22),
    (8, 16),
    (14, 22),
    (10, 18),
    (8, 16),
    (14, 22),
    (12, 20),
    (9, 17),
    (8, 16),
    (14, 22),
]


def breaks(s: int, e: int) -> tuple:
    """Two ten-minute breaks and a ten-minute meal on the phone system (the rest of the shift ready for calls)."""
    return tuple(
        p
        for p in (
            (s + 2 * 3600, s + 2 * 3600 + 600, "小休"),
            (s + 4 * 3600, s + 4 * 3600 + 600, "用餐"),
            (s + 6 * 3600 + 1800, s + 6 * 3600 + 2400, "小休"),
        )
        if p[1] <= e
    )


def _rota_from_roster(center, start: datetime, duration: int, rng) -> list[AgentShift] | None:
    """The first provider's shifts for the simulated period (hook "demo.call_rota" of kefu.registry: telephony sits
    below planning and may not import it), or None without one or without a roster."""
    for source in registry.providers("demo.call_rota"):
        shifts = source(center, start, duration, rng)
        if shifts:
            return shifts
    return None


def _rotation(agents, duration: int) -> list[AgentShift]:
    """The demo's own rotation when there is no roster: each agent two days off a week, nights and lates in turn."""
    roster: list[AgentShift] = []
    for d in range(DAYS):
        day0 = d * 86400
        working = [a for i, a in enumerate(agents) if (i + d) % 7 not in (5, 6)]  # each agent has two days off a week
        working = working[d % len(working) :] + working[: d % len(working)]  # rotate who gets nights and late shifts
        for slot, agent in enumerate(working[: len(SHIFTS)]):
            s_h, e_h = SHIFTS[slot]
            s, e = day0 + s_h * 3600, min(day0 + e_h * 3600, duration)
            if s >= duration:
                continue
            roster.append(AgentShift(agent.staff_no, s, e, frozenset(), breaks(s, e)))
    return roster


def build(center, rng, out) -> None:
    if ImportBatch.objects.filter(center=center, file_name__startswith="demo-queue_log").exists():
        return
    agents = list(
        Staff.objects.filter(center=center, user__username__regex=r"^(agent|senior)\d+$").order_by("staff_no")
    )
    if not agents:
        return
    tz = ZoneInfo(center.time_zone)
    now = timezone.now().replace(microsecond=0)
    first_day = now.astimezone(tz).date() - timedelta(days=DAYS - 1)
    start = datetime.combine(first_day, time(0), tzinfo=tz)
    duration = int((now - start).total_seconds())
    roster = _rota_from_roster(center, start, duration, rng)
    planned_here = roster is None  # without the roster app, the demo's own rotation is the schedule
    if planned_here:
        roster = _rotation(agents, duration)
    cfg = SimConfig(
        start=start,
        duration_seconds=duration,
        agents=roster,
        seed=rng.randint(0, 2**31),
        calls_per_day=CALLS_PER_DAY,
        daily_profile=DAILY_PROFILE,
        weekly_profile=WEEKLY_PROFILE,
        month_start_days=3,
        month_start_factor=1.15,
        call_types={"业务咨询": 0.55, "账单查询": 0.2, "投诉": 0.12, "宽带报障": 0.13},
        vip_share=0.06,
        ivr_only_share=0.08,
        ivr_time=Dist("uniform", low=20, high=120),
        trunks=11,
        patience=Dist("exponential", PATIENCE_SECONDS),
        queue_timeout_seconds=300,
        ring_seconds=8,
        talk=Dist("lognormal", 290, 140, minimum=15),
        hold_share=0.25,
        hold=Dist("exponential", 35, minimum=3),
        acw=Dist("lognormal", 45, 25, minimum=5),
        transfer_share=0.008,
        attended_share=0.6,
        fcr_share=FIRST_CALL_RESOLVED,
        time_zone=center.time_zone,
    )
    result = simulate(cfg)
    by_day: dict[str, list[str]] = {}
    for line in result.queue_log.splitlines():
        day = datetime.fromtimestamp(int(line.split("|", 1)[0]), tz).date().isoformat()
        by_day.setdefault(day, []).append(line)
    for day in sorted(by_day):
        services.import_queue_log(
            center, file_name=f"demo-queue_log.{day}", data=("\n".join(by_day[day]) + "\n").encode()
        )
    if planned_here:
        services.add_scheduled_shifts(
            center,
            [
                (a.staff_no, start + timedelta(seconds=a.start), start + timedelta(seconds=a.end))
                for a in roster
                if a.end > a.start
            ],
        )
    c = result.counters
    out.write(
        f"话务：{DAYS} 天 {c.attempts} 通（接听 {c.answered}，放弃 {c.abandoned}，忙音 {c.blocked}），{len(roster)} 个班次\n"
    )
