"""Chat measures (kefu/shop/chat.py) on a hand-worked export: first reply and the 9-second rule (001:L149, applied
to chat), response times per run of buyer messages, conversion; Polars and the per-record loop agree."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from kefu.shop import chat

HEADER = "会话ID,买家,客服,发送方,时间,内容"
LINES = [
    # S1: first reply after 9 s (inside the rule); a second run of two buyer messages answered 30 s after its first
    "S1,buyer_a,2001,买家,2026-12-07 10:00:00,在吗",
    "S1,buyer_a,2001,客服,2026-12-07 10:00:09,亲，在的",
    "S1,buyer_a,2001,买家,2026-12-07 10:01:00,L码有货吗",
    "S1,buyer_a,2001,买家,2026-12-07 10:01:10,藏青色",
    "S1,buyer_a,2001,客服,2026-12-07 10:01:30,有的亲",
    # S2: the agent greets first (not a reply), first reply after 10 s (outside the rule)
    "S2,buyer_b,2002,客服,2026-12-07 11:00:00,欢迎光临",
    "S2,buyer_b,2002,买家,2026-12-07 11:00:05,包邮吗",
    "S2,buyer_b,2002,客服,2026-12-07 11:00:15,包邮的",
    # S3: never answered
    "S3,buyer_c,2002,买家,2026-12-07 23:50:00,还在吗",
]


def frame(*lines: str):
    return chat.read("\n".join((HEADER, *lines)).encode())


def test_sessions_first_reply_and_response_times():  # 001:L149
    messages, problems = frame(*LINES)
    assert problems == []
    s = {r["session"]: r for r in chat.sessions(messages).iter_rows(named=True)}
    assert (s["S1"]["first_reply_seconds"], s["S1"]["mean_response_seconds"], s["S1"]["messages"]) == (9.0, 19.5, 5)
    assert (s["S2"]["first_reply_seconds"], s["S2"]["mean_response_seconds"], s["S2"]["buyer_messages"]) == (
        10.0,
        10.0,
        1,
    )
    assert (s["S3"]["first_reply_seconds"], s["S3"]["mean_response_seconds"]) == (None, None)


def test_loop_baseline_agrees_with_polars():
    messages, _ = frame(*LINES)
    rows = messages.sort("session", "at", "line").select("session", "buyer", "agent", "sender", "at").iter_rows()
    looped = chat.sessions_loop(rows)
    for r in chat.sessions(messages).iter_rows(named=True):
        mine = looped[r["session"]]
        assert (mine["agent"], mine["messages"], mine["first_reply_seconds"], mine["mean_response_seconds"]) == (
            r["agent"],
            r["messages"],
            r["first_reply_seconds"],
            r["mean_response_seconds"],
        )


def test_agent_kpis_nine_second_rule_and_conversion():  # 001:L149; conversion session → order
    messages, _ = frame(*LINES)
    orders = pl.DataFrame(
        {"buyer": ["buyer_a", "buyer_c"], "placed_at": [datetime(2026, 12, 7, 10, 5), datetime(2026, 12, 9, 9, 0)]}
    )
    k = {r["agent"]: r for r in chat.agent_kpis(chat.sessions(messages), orders, 9).iter_rows(named=True)}
    assert (k["2001"]["sessions"], k["2001"]["within_rule"], k["2001"]["conversion"]) == (1, 1.0, 1.0)
    # 2002: S2 answered in 10 s (late), S3 unanswered (not counted in the rule's share); buyer_c ordered > 24 h later
    assert (k["2002"]["sessions"], k["2002"]["within_rule"], k["2002"]["conversion"]) == (2, 0.0, 0.0)
    assert k["2002"]["mean_first_reply"] == 10.0


@pytest.mark.parametrize(
    "line, field, code",
    [
        ("S9,buyer_x,2001,路人,2026-12-07 10:00:00,x", "sender", "shop.chat.sender"),
        ("S9,buyer_x,2001,买家,12/07 10:00,x", "at", "shop.chat.time"),
        (",buyer_x,2001,买家,2026-12-07 10:00:00,x", "session", "shop.chat.session"),
        ("S9,,2001,买家,2026-12-07 10:00:00,x", "buyer", "shop.chat.buyer"),
    ],
)
def test_bad_lines_are_named_by_number(line, field, code):
    messages, problems = frame(LINES[0], line)
    assert messages is None and [(p.line, p.field, p.code) for p in problems] == [(3, field, code)]


def test_unreadable_or_headless_files():
    assert chat.read(b"a,b\n1,2")[1][0].code == "shop.chat.missing_columns"
    assert chat.read(HEADER.encode())[1][0].code == "shop.chat.empty"


@pytest.mark.django_db
def test_chat_import_is_all_or_nothing_idempotent_and_feeds_the_kpis(make_staff):  # 001:L149
    from datetime import date

    from kefu.errors import RuleViolation
    from kefu.scope import scope_of
    from kefu.shop import services
    from kefu.shop.models import ChatSession

    lead = make_staff("team_lead", staff_no="3001")
    scope = scope_of(lead)
    shop = services.create_shop(scope, code="mm", name="名美")
    raw = "\n".join((HEADER, *LINES)).encode()
    with pytest.raises(RuleViolation) as refused:
        services.import_chats(
            scope, shop=shop, raw="\n".join((HEADER, *LINES, "S4,b,2001,谁,2026-12-07 10:00:00,x")).encode()
        )
    assert "第 11 行" in str(refused.value) and ChatSession.objects.count() == 0
    first = services.import_chats(scope, shop=shop, raw=raw)
    again = services.import_chats(scope, shop=shop, raw=raw)
    assert (first.messages, first.sessions, again.replaced, ChatSession.objects.count()) == (9, 3, 3, 3)
    kpis = {k["agent"]: k for k in services.chat_kpis(scope, shop=shop, start=date(2026, 12, 7), end=date(2026, 12, 7))}
    assert (kpis["2001"]["sessions"], kpis["2001"]["within_rule"]) == (1, 1.0)
    assert (kpis["2002"]["sessions"], kpis["2002"]["within_rule"]) == (2, 0.0)
