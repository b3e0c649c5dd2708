"""Demo: a published 4-week roster for the demo center's agents (agent1..12, senior1..3), and a few requests."""
from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kefu.roster import services
from kefu.roster.models import Roster, RosterRequest


def build(center, rng, out, time_limit: float = 15) -> None:
    services.ensure_templates(center)
    today = timezone.localdate()
    start = today - timedelta(days=today.weekday())  # this week's Monday
    agents = services.roster_agents(center)
    if not agents:
        return
    for i, staff in enumerate(agents[:4]):
        day = start + timedelta(days=7 + 3 * i)
        RosterRequest.objects.get_or_create(center=center, staff=staff, day=day, kind=RosterRequest.Kind.DAY_OFF,
                                            shift_code="", defaults={"note": "家中有事"})
    if Roster.objects.filter(center=center, start=start, days=28).exists():
        out.write("  排班：已存在")
        return
    roster = services.generate(center, start=start, days=28, actor=None, time_limit=time_limit)
    try:
        services.publish(roster, None)
        state = "已发布"
    except Exception as exc:  # a relaxed roster stays a draft; the page shows why
        state = f"草稿（{exc}）"
    out.write(f"  排班：{start} 起 28 天，{len(agents)} 名座席，{state}，目标值 {roster.objective}")
