"""Chat KPIs beside the calls on the KPI dashboard (issue 16 item 5): the shop chat tool's sessions of a center,
measured at import (kefu/shop/chat.py), summed up for a period. Aggregates only: no buyer leaves this module."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from kefu.org.policy import policy_for


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def chat_summary(center, start: date, end: date, *, agent: str | None = None) -> dict | None:
    """The center's chat sessions started in [start, end): sessions, first reply and the share within the policy's
    seconds (shop.first_reply_seconds, 9 s: 001:L149, applied to chat, not to phone answers), response time,
    sessions per agent and conversion from session to shop order; per agent too (`agent`: that chat account only).
    None when the center has no chat data at all (the block is not shown)."""
    import polars as pl

    from kefu.shop import chat
    from kefu.shop.models import ChatSession, ShopOrder

    everything = ChatSession.objects.filter(center=center)
    if not everything.exists():
        return None
    rule = policy_for("shop", center)["first_reply_seconds"]
    lo, hi = _aware(start), _aware(end)
    sessions = everything.filter(started_at__gte=lo, started_at__lt=hi)
    if agent is not None:
        sessions = sessions.filter(agent_no=agent)
    found = list(
        sessions.values_list(
            "session", "buyer", "agent_no", "started_at", "first_reply_seconds", "mean_response_seconds"
        )
    )
    if not found:
        return {"rule": rule, "total": None, "agents": []}
    tz = timezone.get_current_timezone()
    frame = pl.DataFrame(
        [(f"{s}", b, a, timezone.localtime(t, tz).replace(tzinfo=None), f, m) for s, b, a, t, f, m in found],
        schema={
            "session": pl.String,
            "buyer": pl.String,
            "agent": pl.String,
            "started_at": pl.Datetime("us"),
            "first_reply_seconds": pl.Float64,
            "mean_response_seconds": pl.Float64,
        },
        orient="row",
    )
    # A session of another shop may share an id: the pair is unique, so number them apart.
    frame = frame.with_row_index("n").with_columns(pl.format("{}#{}", "session", "n").alias("session")).drop("n")
    convert_hours = 24
    placed = list(
        ShopOrder.objects.filter(
            center=center, placed_at__gte=lo, placed_at__lt=hi + timedelta(hours=convert_hours)
        ).values_list("buyer_wangwang", "placed_at")
    )
    orders = pl.DataFrame(
        [(b, timezone.localtime(t, tz).replace(tzinfo=None)) for b, t in placed],
        schema={"buyer": pl.String, "placed_at": pl.Datetime("us")},
        orient="row",
    )
    return {"rule": rule, "convert_hours": convert_hours, **chat.summary(frame, orders, rule, convert_hours)}
