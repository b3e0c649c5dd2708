"""Plain call/order rows for engine tests (no Django)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kefu.kpi.policy import PRESETS

UTC = UTC
# 2026-10-05 10:00 Asia/Shanghai
BASE = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)


def spec(**changes) -> dict:
    data = {**PRESETS["hotline"], "time_zone": "Asia/Shanghai"}
    data.update(changes)
    return data


_seq = iter(range(10**9))


def call(
    outcome="answered",
    wait=5.0,
    *,
    at=BASE,
    requested=True,
    vip=False,
    talk=None,
    hold=0.0,
    acw=None,
    rings=None,
    queued=True,
    transferred=False,
    fcr=None,
    agent="1001",
    team="1",
    call_type="业务咨询",
    queue="q1",
    digest=None,
):
    answered = outcome == "answered"
    return {
        "call_id": f"c{next(_seq)}",
        "offered_at": at,
        "outcome": outcome,
        "requested_agent": requested,
        "queued": queued,
        "is_vip": vip,
        "call_type": call_type,
        "queue": queue,
        "wait_seconds": float(wait),
        "rings": rings,
        "talk_seconds": float(talk if talk is not None else (300.0 if answered else 0.0)),
        "hold_seconds": float(hold if answered else 0.0),
        "acw_seconds": float(acw if acw is not None else (60.0 if answered else 0.0)),
        "transferred": transferred,
        "first_call_resolved": fcr,
        "agent_staff_no": agent if answered else "",
        "team_id": team if answered else None,
        "caller_digest": digest or f"d{next(_seq)}",
    }


def calls(n, *args, **kwargs):
    return [call(*args, **kwargs) for _ in range(n)]


def order(
    kind="complaint",
    *,
    accepted=BASE,
    replied_after=None,
    due_after=timedelta(hours=48),
    satisfaction=None,
    repeat=False,
    cross=False,
    key_account=False,
    team="1",
    agent="1001",
):
    return {
        "id": next(_seq),
        "kind": kind,
        "accepted_at": accepted,
        "replied_at": accepted + replied_after if replied_after is not None else None,
        "reply_due": accepted + due_after if due_after is not None else None,
        "satisfaction": satisfaction,
        "is_repeat": repeat,
        "is_cross_province": cross,
        "is_key_account": key_account,
        "team_id": team,
        "agent_staff_no": agent,
    }


def orders(n, *args, **kwargs):
    return [order(*args, **kwargs) for _ in range(n)]


def interval(agent, start, minutes, team="1", end=None):
    return {
        "agent_staff_no": agent,
        "team_id": team,
        "start": start,
        "end": end if end is not None or minutes is None else start + timedelta(minutes=minutes),
    }
