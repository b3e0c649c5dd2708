"""Demo: the KPI rollups of the demo center's call month (the calls come from kefu.telephony.demo). Idempotent:
refresh_rollups replaces the rollups of the days it recomputes."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Max, Min

from kefu.kpi import selectors, services


def build(center, rng, out) -> None:
    try:
        from kefu.telephony.models import Call
    except ImportError:
        return
    span = Call.objects.filter(center=center).aggregate(first=Min("offered_at"), last=Max("offered_at"))
    if span["first"] is None:
        out.write("指标：没有话务数据，跳过汇总\n")
        return
    tz = selectors.tz_of(center)
    last = span["last"].astimezone(tz).date()
    first = max(span["first"].astimezone(tz).date(), last - timedelta(days=62))
    rows = services.refresh_rollups(center, first.replace(day=1), last)
    out.write(f"指标：{first.replace(day=1)} 至 {last} 的汇总 {rows} 行\n")
