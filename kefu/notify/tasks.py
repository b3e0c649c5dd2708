"""The outbox's timer: deliver what is due, with retries and back-off."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="notify.deliver")
def deliver() -> dict:
    from kefu.notify import services

    return services.deliver_due()
