"""bench/chat.py — chat export import and chat KPIs: Polars (kefu/shop/chat.py) against a per-record loop, same run.

    .venv/bin/python bench/chat.py                    # 1,000,000 messages (about 100,000 sessions)
    .venv/bin/python bench/chat.py --messages 200000

What it does: generates a chat tool export (会话ID,买家,客服,发送方,时间,内容) in memory with a fixed seed, then
1. import: the CSV bytes checked line by line and measured per session (first reply, response times), by
   `chat.read` + `chat.sessions` (Polars), and by csv.reader + datetime.strptime + `chat.sessions_loop`;
2. KPIs: per agent and day (sessions, mean first reply, share within the 9-second rule of 001:L149, mean response,
   conversion to an order within 24 h), by `chat.agent_kpis` and by a dictionary loop over the sessions.
Both paths' per-session results are compared on a sample before any time is printed. Goals (issue 16):
import ≤ 15 s, KPIs ≤ 2 s, ≥ 10× the loop. The database write of the sessions (ChatSession.bulk_create through
kefu.shop.services.import_chats) is not part of this bench: it writes one row per session, not per message.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import time
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl  # noqa: E402

from kefu.shop import chat  # noqa: E402  (pure module: no Django)

TEXTS = ["在吗", "有货吗", "包邮吗", "亲，在的", "有的亲", "今天能发吗", "好的"]


def generate(messages: int, seed: int) -> tuple[bytes, pl.DataFrame]:
    rng = random.Random(seed)
    out = io.StringIO()
    out.write("会话ID,买家,客服,发送方,时间,内容\n")
    start = datetime(2026, 11, 1, 8, 0)
    n = session = 0
    buyers = []
    while n < messages:
        session += 1
        buyer = f"buyer_{rng.randrange(50000):05d}"
        buyers.append(buyer)
        agent = str(2001 + rng.randrange(30))
        at = start + timedelta(seconds=rng.randrange(30 * 24 * 3600))
        for i in range(min(rng.randrange(4, 17), messages - n)):
            sender = "买家" if i % 2 == 0 or rng.random() < 0.2 else "客服"
            at += timedelta(seconds=rng.randrange(2, 40) if sender == "客服" else rng.randrange(5, 120))
            out.write(f"S{session:07d},{buyer},{agent},{sender},{at:%Y-%m-%d %H:%M:%S},{rng.choice(TEXTS)}\n")
            n += 1
    order_buyers = rng.sample(buyers, k=len(buyers) // 4)
    orders = pl.DataFrame(
        {
            "buyer": order_buyers,
            "placed_at": [start + timedelta(seconds=rng.randrange(31 * 24 * 3600)) for _ in order_buyers],
        }
    )
    return out.getvalue().encode(), orders


def loop_import(raw: bytes) -> dict[str, dict]:
    reader = csv.reader(io.StringIO(raw.decode("utf-8")))
    header = next(reader)
    idx = {name: header.index(name) for name in chat.REQUIRED}
    rows = []
    for line, row in enumerate(reader, start=2):
        sender = chat.SENDERS.get(row[idx["发送方"]].strip())
        at = datetime.strptime(row[idx["时间"]].strip(), chat.TIME_FORMAT)
        if sender is None or not row[idx["会话ID"]].strip() or not row[idx["买家"]].strip():
            raise ValueError(line)
        rows.append((row[idx["会话ID"]].strip(), row[idx["买家"]].strip(), row[idx["客服"]].strip(), sender, at, line))
    rows.sort(key=lambda r: (r[0], r[4], r[5]))
    return chat.sessions_loop(r[:5] for r in rows)


def loop_kpis(sessions: dict[str, dict], orders: pl.DataFrame, rule: int) -> dict:
    by_buyer = defaultdict(list)
    for buyer, placed in orders.iter_rows():
        by_buyer[buyer].append(placed)
    table: dict = {}
    for s in sessions.values():
        key = (s["agent"], s["started_at"].date())
        t = table.setdefault(key, {"sessions": 0, "first": [], "within": 0, "resp": [], "converted": 0})
        t["sessions"] += 1
        if s["first_reply_seconds"] is not None:
            t["first"].append(s["first_reply_seconds"])
            t["within"] += s["first_reply_seconds"] <= rule
        if s["mean_response_seconds"] is not None:
            t["resp"].append(s["mean_response_seconds"])
        end = s["started_at"] + timedelta(hours=24)
        t["converted"] += any(s["started_at"] <= p <= end for p in by_buyer.get(s["buyer"], ()))
    return {
        k: {
            "sessions": t["sessions"],
            "mean_first_reply": sum(t["first"]) / len(t["first"]) if t["first"] else None,
            "within_rule": t["within"] / len(t["first"]) if t["first"] else None,
            "mean_response": sum(t["resp"]) / len(t["resp"]) if t["resp"] else None,
            "conversion": t["converted"] / t["sessions"],
        }
        for k, t in table.items()
    }


def timed(fn, *args):
    began = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--rule", type=int, default=9, help="first-reply rule in seconds (001:L149)")
    args = parser.parse_args()
    raw, orders = generate(args.messages, args.seed)
    print(f"消息 {args.messages:,} 条，CSV {len(raw) / 1e6:.1f} MB，订单 {orders.height:,} 单")

    def polars_import(data):
        messages, problems = chat.read(data)
        assert not problems, problems[:3]
        return chat.sessions(messages)

    sessions, t_import = timed(polars_import, raw)
    kpis, t_kpis = timed(chat.agent_kpis, sessions, orders, args.rule)
    looped, t_loop_import = timed(loop_import, raw)
    loop_table, t_loop_kpis = timed(loop_kpis, looped, orders, args.rule)

    # the two paths agree before any ratio means anything
    assert sessions.height == len(looped), (sessions.height, len(looped))
    for r in sessions.sample(n=min(2000, sessions.height), seed=1).iter_rows(named=True):
        mine = looped[r["session"]]
        assert (mine["agent"], mine["messages"], mine["first_reply_seconds"], mine["mean_response_seconds"]) == (
            r["agent"],
            r["messages"],
            r["first_reply_seconds"],
            r["mean_response_seconds"],
        ), r["session"]
    assert kpis.height == len(loop_table)
    for r in kpis.head(200).iter_rows(named=True):
        other = loop_table[(r["agent"], r["day"])]
        assert r["sessions"] == other["sessions"] and abs(r["conversion"] - other["conversion"]) < 1e-9

    print(f"会话 {sessions.height:,} 个，客服×日 {kpis.height:,} 行")
    print(
        f"导入（校验+按会话计算）  Polars {t_import:6.2f} s   逐条循环 {t_loop_import:6.2f} s   "
        f"{t_loop_import / t_import:5.1f}×   目标 ≤ 15 s: {'达成' if t_import <= 15 else '未达成'}"
    )
    print(
        f"指标（客服×日）          Polars {t_kpis:6.2f} s   逐条循环 {t_loop_kpis:6.2f} s   "
        f"{t_loop_kpis / t_kpis:5.1f}×   目标 ≤ 2 s: {'达成' if t_kpis <= 2 else '未达成'}"
    )
    total, total_loop = t_import + t_kpis, t_loop_import + t_loop_kpis
    print(
        f"合计                     Polars {total:6.2f} s   逐条循环 {total_loop:6.2f} s   "
        f"{total_loop / total:5.1f}×   目标 ≥ 10×: {'达成' if total_loop / total >= 10 else '未达成'}"
    )


if __name__ == "__main__":
    main()
