"""Timers of follow-up: tasks created by policy (replied complaints, callbacks promised, the handover diary's
callbacks due) and reminders of tasks that are due."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="followup.scan")
def scan() -> dict:
    from kefu.followup import services

    return services.scan()


@shared_task(name="followup.reports")
def reports() -> dict:
    from kefu.followup import reports

    return reports.send_due()
