"""Timers of quality inspection: the per-shift summary goes to the team lead after every shift (004:L943)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="quality.deliver_shift_reports")
def deliver_shift_reports() -> int:
    from kefu.quality import services

    return services.deliver_due_shift_reports()
