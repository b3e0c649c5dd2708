"""Chat records of the shop's chat tool (旺旺/千牛 export): parsing and per-session measures with Polars, no Django.

A session's first-reply time is from the buyer's first message to the agent's first answer after it; the 9-second
rule (001:L149 原则上是9秒内必须回复) is applied to it, to chat and not to phone answer times. A response time is
measured for every run of buyer messages: from the run's first message to the agent's next message. A session
converts when its buyer places an order in the shop within `convert_hours` of the session's start.

`sessions_loop` computes the same per-session measures record by record: the baseline of bench/chat.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import polars as pl

COLUMNS = {"会话ID": "session", "买家": "buyer", "客服": "agent", "发送方": "sender", "时间": "at", "内容": "text"}
REQUIRED = ("会话ID", "买家", "客服", "发送方", "时间")
SENDERS = {"买家": "buyer", "客服": "agent", "buyer": "buyer", "agent": "agent"}
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class LineProblem:
    line: int
    field: str
    code: str
    value: str = ""


def read(raw: bytes) -> tuple[pl.DataFrame | None, list[LineProblem]]:
    """The export as a frame (session, buyer, agent, sender, at, line), or the problems with their line numbers
    (line 1 is the header). Every line is checked before anything is used."""
    try:
        frame = pl.read_csv(raw, infer_schema=False, encoding="utf8-lossy", truncate_ragged_lines=False)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        return None, [LineProblem(1, "file", "shop.chat.unreadable", str(exc)[:80])]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        return None, [LineProblem(1, "file", "shop.chat.missing_columns", "、".join(missing))]
    frame = frame.select([pl.col(c).alias(COLUMNS[c]) for c in REQUIRED]).with_row_index("line", offset=2)
    frame = frame.with_columns(
        pl.col("sender").str.strip_chars().replace_strict(SENDERS, default=None).alias("sender_kind"),
        pl.col("at").str.strip_chars().str.strptime(pl.Datetime("us"), TIME_FORMAT, strict=False).alias("when"),
        pl.col("session").str.strip_chars(),
        pl.col("buyer").str.strip_chars(),
        pl.col("agent").str.strip_chars(),
    )
    problems: list[LineProblem] = []
    checks = [
        (
            pl.col("session").is_null() | (pl.col("session") == "") | (pl.col("session").str.len_chars() > 60),
            "session",
            "shop.chat.session",
        ),
        (pl.col("buyer").is_null() | (pl.col("buyer") == ""), "buyer", "shop.chat.buyer"),
        (pl.col("sender_kind").is_null(), "sender", "shop.chat.sender"),
        (pl.col("when").is_null(), "at", "shop.chat.time"),
    ]
    for condition, field, code in checks:
        bad = frame.filter(condition).select("line", field if field != "at" else "at").head(20)
        problems += [LineProblem(int(r[0]), field, code, str(r[1] or "")) for r in bad.iter_rows()]
    if problems:
        return None, sorted(problems, key=lambda p: p.line)[:50]
    if frame.height == 0:
        return None, [LineProblem(2, "file", "shop.chat.empty")]
    return frame.select(
        "line", "session", "buyer", "agent", pl.col("sender_kind").alias("sender"), pl.col("when").alias("at")
    ), []


def sessions(messages: pl.DataFrame) -> pl.DataFrame:
    """Per session: buyer, agent (the one who answered most), start, message counts, first-reply seconds and the mean
    response seconds (None when the agent never answered)."""
    m = messages.sort("session", "at", "line").with_columns((pl.col("sender") == "buyer").alias("is_buyer"))
    m = m.with_columns(
        (pl.col("is_buyer") & ~pl.col("is_buyer").shift(1, fill_value=False).over("session")).alias("run_start"),
        pl.when(~pl.col("is_buyer"))
        .then(pl.col("at"))
        .otherwise(None)
        .backward_fill()
        .over("session")
        .alias("next_agent_at"),
    )
    runs = m.filter(pl.col("run_start")).with_columns(
        ((pl.col("next_agent_at") - pl.col("at")).dt.total_microseconds() / 1e6).alias("wait")
    )
    per_run = runs.group_by("session").agg(
        pl.col("wait").first().alias("first_reply_seconds"), pl.col("wait").mean().alias("mean_response_seconds")
    )
    agents = (
        m.filter(~pl.col("is_buyer") & (pl.col("agent") != ""))
        .group_by("session", "agent")
        .len()
        .sort("session", "len", "agent", descending=[False, True, False])
        .group_by("session", maintain_order=True)
        .agg(pl.col("agent").first().alias("answered_by"))
    )
    base = m.group_by("session").agg(
        pl.col("buyer").first(),
        pl.col("agent").first().alias("agent_field"),
        pl.col("at").min().alias("started_at"),
        pl.len().alias("messages"),
        pl.col("is_buyer").sum().alias("buyer_messages"),
    )
    out = base.join(per_run, on="session", how="left").join(agents, on="session", how="left")
    return (
        out.with_columns(pl.coalesce("answered_by", "agent_field").alias("agent"))
        .select(
            "session",
            "buyer",
            "agent",
            "started_at",
            "messages",
            "buyer_messages",
            "first_reply_seconds",
            "mean_response_seconds",
        )
        .sort("session")
    )


def agent_kpis(
    per_session: pl.DataFrame, orders: pl.DataFrame, first_reply_seconds: int, convert_hours: int = 24
) -> pl.DataFrame:
    """Per agent and day: sessions, mean first reply, the share answered within the rule (001:L149), mean response
    and conversion (sessions whose buyer ordered within `convert_hours` of the start / sessions).
    `orders` has columns buyer and placed_at."""
    s = with_conversion(per_session, orders, convert_hours).with_columns(pl.col("started_at").dt.date().alias("day"))
    return s.group_by("agent", "day").agg(*_measures(first_reply_seconds)).sort("day", "agent")


def with_conversion(per_session: pl.DataFrame, orders: pl.DataFrame, convert_hours: int = 24) -> pl.DataFrame:
    """The sessions with `converted`: their buyer placed an order within `convert_hours` of the session's start."""
    if not orders.height:
        return per_session.with_columns(pl.lit(False).alias("converted"))
    joined = per_session.join(orders.select("buyer", "placed_at"), on="buyer", how="left").with_columns(
        (
            (pl.col("placed_at") >= pl.col("started_at"))
            & (pl.col("placed_at") <= pl.col("started_at") + pl.duration(hours=convert_hours))
        )
        .fill_null(False)
        .alias("hit")
    )
    converted = joined.group_by("session").agg(pl.col("hit").any().alias("converted"))
    return per_session.join(converted, on="session", how="left").with_columns(pl.col("converted").fill_null(False))


def _measures(first_reply_seconds: float) -> list[pl.Expr]:
    """Sessions, mean first reply, the share of answered sessions first answered within the rule (001:L149), mean
    response, unanswered sessions and conversion."""
    return [
        pl.len().alias("sessions"),
        pl.col("first_reply_seconds").mean().alias("mean_first_reply"),
        ((pl.col("first_reply_seconds") <= first_reply_seconds).sum() / pl.col("first_reply_seconds").count()).alias(
            "within_rule"
        ),
        pl.col("mean_response_seconds").mean().alias("mean_response"),
        pl.col("first_reply_seconds").null_count().alias("unanswered"),
        (pl.col("converted").sum() / pl.len()).alias("conversion"),
    ]


def summary(
    per_session: pl.DataFrame, orders: pl.DataFrame, first_reply_seconds: float, convert_hours: int = 24
) -> dict:
    """The period's chat measures for the KPI dashboard: the whole (with agents and sessions per agent) and one row
    per agent, busiest first. Ratios are 0-1; None where nothing was measured."""
    s = with_conversion(per_session, orders, convert_hours)
    total = s.select(*_measures(first_reply_seconds), pl.col("agent").n_unique().alias("agents")).row(0, named=True)
    total["sessions_per_agent"] = total["sessions"] / total["agents"] if total["agents"] else None
    agents = (
        s.group_by("agent").agg(*_measures(first_reply_seconds)).sort(["sessions", "agent"], descending=[True, False])
    )
    return {"total": total, "agents": list(agents.iter_rows(named=True))}


@dataclass
class SessionLoop:
    buyer: str
    agent_field: str
    started_at: datetime
    messages: int = 0
    buyer_messages: int = 0
    waits: list | None = None
    run_started: datetime | None = None
    answers: dict | None = None


def sessions_loop(rows: Iterable[tuple[str, str, str, str, datetime]]) -> dict[str, dict]:
    """The same per-session measures, one record at a time (rows sorted by session and time): bench baseline."""
    found: dict[str, SessionLoop] = {}
    for session, buyer, agent, sender, at in rows:
        s = found.get(session)
        if s is None:
            s = found[session] = SessionLoop(buyer, agent, at, waits=[], answers={})
        s.messages += 1
        if sender == "buyer":
            s.buyer_messages += 1
            if s.run_started is None:
                s.run_started = at
        else:
            if agent:
                s.answers[agent] = s.answers.get(agent, 0) + 1
            if s.run_started is not None:
                s.waits.append((at - s.run_started).total_seconds())
                s.run_started = None
    out = {}
    for key, s in found.items():
        agent = sorted(s.answers.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if s.answers else s.agent_field
        out[key] = {
            "buyer": s.buyer,
            "agent": agent,
            "started_at": s.started_at,
            "messages": s.messages,
            "buyer_messages": s.buyer_messages,
            "first_reply_seconds": s.waits[0] if s.waits else None,
            "mean_response_seconds": sum(s.waits) / len(s.waits) if s.waits else None,
        }
    return out
