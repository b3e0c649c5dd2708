"""Timers of the KPI app: keep yesterday's and today's rollups fresh while queue_log files keep arriving."""
from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from kefu.kpi import selectors, services
from kefu.org.models import Center

REFRESH_EVERY_SECONDS = 15 * 60


@shared_task(name="kpi.refresh_recent")
def refresh_recent() -> int:
    """Recompute the rollups of yesterday and today for every center (today's dashboard is live anyway)."""
    written = 0
    for center in Center.objects.all():
        today = selectors.local_today(center)
        written += services.refresh_rollups(center, today - timedelta(days=1), today)
    return written
