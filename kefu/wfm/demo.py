"""Demo: forecasts from the simulated call history (back-filled so that 五表 ④⑤ have last month's forecast),
one event adjustment, and a morning surge on the floor log confirmed by supervisor1 (004:L767-781)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from kefu.errors import RuleViolation
from kefu.org.models import Staff
from kefu.wfm import services
from kefu.wfm.models import FloorStep, ForecastAdjustment, IntervalForecast

# waiting count every minute during yesterday's 10:00 surge (e.g. an SMS campaign), then back to normal
SURGE = [3] * 5 + [7] * 16 + [12] * 10 + [9] * 8 + [4] * 30


def build(center, rng, out) -> None:
    tz = ZoneInfo(center.time_zone)
    today = timezone.now().astimezone(tz).date()
    made = 0
    if not IntervalForecast.objects.filter(center=center).exists():
        # back-fill weekly forecasts from 35 days ago (each from the history before it), then the coming week
        start = today - timedelta(days=35)
        while start <= today:
            try:
                made += services.build_forecast(center, start=start, days=7)["intervals"]
            except RuleViolation:
                pass  # not enough history yet for this week
            start += timedelta(days=7)
    if not ForecastAdjustment.objects.filter(center=center).exists():
        tomorrow = today + timedelta(days=1)
        services.add_adjustment(
            center,
            name="新业务短信宣传",
            start=datetime.combine(tomorrow, time(10, 0), tz),
            end=datetime.combine(tomorrow, time(12, 0), tz),
            factor=1.3,
            extra_calls=0,
        )
        try:
            services.build_forecast(center, start=tomorrow, days=1)
        except RuleViolation:
            pass
    steps = 0
    if not FloorStep.objects.filter(center=center).exists():
        sup = Staff.objects.filter(center=center, user__username="supervisor1").first()
        begin = datetime.combine(today - timedelta(days=1), time(9, 55), tz)
        helpers = list(
            Staff.objects.filter(center=center, user__username__in=["senior1", "senior2", "qa1", "qa2"]).values_list(
                "staff_no", flat=True
            )
        )
        for minute, waiting in enumerate(SURGE):
            now = begin + timedelta(minutes=minute)
            step = services.observe_floor(center, waiting, now=now)
            if step is not None and sup is not None:
                picked = helpers[:2] if step.group == "floating_expert" else (helpers[2:] if step.group == "qa" else [])
                services.decide_step(
                    center,
                    step.pk,
                    by=sup,
                    confirm=True,
                    staff_nos=picked,
                    note="按应急预案执行",
                    now=now + timedelta(seconds=40),
                )
                steps += 1
    out.write(f"  排班：{made} 个预测时段，{steps} 条现场应急记录")
