"""Reads of call data shared by the API and pages."""

from __future__ import annotations

from django.db.models import QuerySet

from kefu.telephony.models import Call, ImportBatch


def recent_batches(center, limit: int = 20) -> QuerySet[ImportBatch]:
    return (
        ImportBatch.objects.filter(center=center).select_related("imported_by").order_by("-imported_at", "-id")[:limit]
    )


def calls(
    center, *, start=None, end=None, agent_staff_no: str | None = None, outcome: str | None = None
) -> QuerySet[Call]:
    qs = Call.objects.filter(center=center).select_related("caller").order_by("offered_at", "id")
    if start is not None:
        qs = qs.filter(offered_at__gte=start)
    if end is not None:
        qs = qs.filter(offered_at__lt=end)
    if agent_staff_no:
        qs = qs.filter(agent_staff_no=agent_staff_no)
    if outcome:
        qs = qs.filter(outcome=outcome)
    return qs


def caller_number(call: Call) -> str:
    """The call's caller number in clear ('' when the line gave none or the number was destroyed): for code that masks it
    (kefu.audit.services.shown_phone) and records the read. Read `calls()` rows: the caller is joined there."""
    return call.caller.number if call.caller_id is not None else ""
