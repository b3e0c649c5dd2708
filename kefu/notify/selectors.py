"""Reads of the notification centre."""

from __future__ import annotations

from kefu.messages import render
from kefu.notify.models import Notification


def unread_count(staff) -> int:
    return Notification.objects.filter(recipient=staff, read_at__isnull=True).count()


def mine(scope, *, unread_only: bool = False, limit: int = 100) -> list[dict]:
    qs = Notification.objects.filter(recipient=scope.staff, center=scope.center)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return [
        {
            "id": n.pk,
            "text": render(n.code, n.params),
            "link": n.link,
            "urgent": n.urgent,
            "created_at": n.created_at,
            "read_at": n.read_at,
        }
        for n in qs[:limit]
    ]
