"""Timers of work orders: overdue detection, reminders, escalation ladder (004:L2159, L2181), retention."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="tickets.scan_deadlines")
def scan_deadlines() -> dict:
    from kefu.tickets import services

    return services.scan_deadlines()


@shared_task(name="tickets.check_order")
def check_order(order_id: int) -> list:
    from django.utils import timezone

    from kefu.tickets import services
    from kefu.tickets.models import Order

    order = Order.objects.select_related("center", "department").filter(pk=order_id).first()
    return services.check_order_deadline(order, timezone.now()) if order else []


@shared_task(name="tickets.destroy_expired")
def destroy_expired() -> int:
    from kefu.tickets import services

    return services.destroy_expired()
