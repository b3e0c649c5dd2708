"""Timers of call data: retention of caller numbers."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="telephony.destroy_expired_callers")
def destroy_expired_callers() -> int:
    from kefu.telephony import services

    return services.destroy_expired_callers()
