"""Reads of the handover diary shared by the API and the pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import F, Q
from django.utils import timezone

from kefu.org.models import Staff
from kefu.shiftlog import rules
from kefu.shiftlog.machine import State
from kefu.shiftlog.models import Handover, Issue, Item


def handovers(center):
    return Handover.objects.filter(center=center).select_related("outgoing", "incoming")


def get_handover(center, handover_id: int) -> Handover | None:
    return handovers(center).filter(pk=handover_id).first()


def lines_of(handover: Handover):
    return handover.lines.select_related("item", "item__holder", "item__closed_by", "item__customer").order_by(
        "item__created_at", "item_id"
    )


def flags_of(handover: Handover, now: datetime) -> list[rules.Flag]:
    due = rules.Deadlines(handover.sign_out_due, handover.countersign_due)
    return rules.lateness(due, handover.signed_out_at, handover.countersigned_at, now)


@dataclass
class Mine:
    drafts: list = field(default_factory=list)  # diaries I am writing (or returned to me)
    signed: list = field(default_factory=list)  # I signed, waiting for the incoming side
    to_countersign: list = field(default_factory=list)  # handed to me, waiting for my signature
    open_items: list = field(default_factory=list)  # items I hold
    recent: list = field(default_factory=list)  # last completed handovers I was part of


def mine(staff: Staff) -> Mine:
    base = handovers(staff.center)
    return Mine(
        drafts=list(base.filter(outgoing=staff, state=State.DRAFT)),
        signed=list(base.filter(outgoing=staff, state=State.SIGNED_OUT)),
        to_countersign=list(base.filter(incoming=staff, state=State.SIGNED_OUT)),
        open_items=list(Item.objects.filter(holder=staff, closed_at__isnull=True).select_related("customer", "origin")),
        recent=list(base.filter(Q(outgoing=staff) | Q(incoming=staff), state=State.COUNTERSIGNED)[:10]),
    )


def late_or_unsigned(center, now: datetime | None = None, days: int = 14) -> list[tuple[Handover, list[rules.Flag]]]:
    """Handovers a supervisor must see: unsigned/not countersigned past the deadline, or signed late."""
    now = now or timezone.now()
    candidates = (
        handovers(center)
        .filter(shift_end__gte=now - timedelta(days=days))
        .filter(
            Q(state=State.DRAFT, sign_out_due__lt=now)
            | Q(state__in=[State.DRAFT, State.SIGNED_OUT], countersign_due__lt=now)
            | Q(signed_out_at__gt=F("sign_out_due"))
            | Q(countersigned_at__gt=F("countersign_due"))
        )
    )
    out = []
    for handover in candidates.order_by("-shift_end", "-id"):
        flags = flags_of(handover, now)
        if flags:
            out.append((handover, flags))
    return out


def open_items(center):
    return (
        Item.objects.filter(center=center, closed_at__isnull=True)
        .select_related("holder", "customer", "origin")
        .order_by("created_at", "id")
    )


def issues(center, status: str | None = None):
    qs = Issue.objects.filter(handover__center=center).select_related(
        "handover", "responsible", "reported_by", "decided_by"
    )
    return qs.filter(status=status) if status else qs
