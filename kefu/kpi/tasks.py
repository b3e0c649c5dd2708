"""Timers of the KPI app: keep yesterday's and today's rollups fresh while queue_log files keep arriving."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from kefu.kpi import selectors, services
from kefu.org.models import Center

REFRESH_EVERY_SECONDS = 15 * 60
# Orders of the last month are recounted as their deadlines come, replies and satisfaction arrive (a month's cohort is
# reported with replies given in the next month; a level-4 complaint has 7 working days, 004:L1299).
ORDER_LOOKBACK_DAYS = 31


@shared_task(name="kpi.refresh_recent")
def refresh_recent() -> int:
    """Recompute the rollups of yesterday and today for every center (today's dashboard is live anyway), and the work
    order metrics of the month before (orders not yet due at their day's refresh are counted once due)."""
    written = 0
    for center in Center.objects.all():
        today = selectors.local_today(center)
        written += services.refresh_rollups(center, today - timedelta(days=1), today)
        written += services.refresh_order_rollups(
            center, today - timedelta(days=ORDER_LOOKBACK_DAYS), today - timedelta(days=2)
        )
    return written
